using Microsoft.Extensions.Logging;
using ScratchNet.Files;
using ScratchNet.Models;

namespace ScratchNet.Host.Commands;

/// <summary>Converts a saved model to safetensors, ONNX or the native format.</summary>
public sealed partial class ExportCommand(ResultWriter results, ILogger<ExportCommand>? logger = null) : ICommand
{
    public static IReadOnlyList<string> FormatNames { get; } = ["onnx", "safetensors", "native"];

    public Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        string modelPath = ModelOption.Require(commandLine, "export --model runs/20260101-120000-8f3a9c1e/model.snm --format onnx");
        string? formatName = commandLine.Option("format");
        string? output = commandLine.Option("out");
        ModelFormat format = Format(formatName, output);
        output ??= Path.ChangeExtension(modelPath, format switch { ModelFormat.Onnx => ".onnx", ModelFormat.Safetensors => ".safetensors", _ => ".snm" });
        if (FileKinds.Of(output) is not (FileKind.Missing or FileKind.Regular) and var kind)
        {
            // Never replaced: a rename over a device node or a directory would destroy it.
            throw new UsageException($"--out {ShownName.Of(output)} {FileKinds.NotA(kind, "a regular file")}; give the path of a file to write, e.g. --out model.onnx");
        }

        if (string.Equals(Resolved(output), Resolved(modelPath), StringComparison.Ordinal))
        {
            throw new UsageException(commandLine.Option("out") is null
                ? $"without --out, {ShownName.Of(output)} (the model's own path with the format's extension) would be the model file itself; give --out with another path"
                : $"--out {ShownName.Of(output)} is the model file itself; give another path");
        }

        CheckFolder(output, Written(output));

        Export(modelPath, output, format);
        return Task.FromResult(ExitCodes.Success);
    }

    public void Export(string modelPath, string output, ModelFormat format)
    {
        // ONNX and safetensors are made to be shared: the trainer's folders stay out of them (SharedPaths).
        SavedModel model = ModelFile.Load(modelPath);
        ModelFile.Save(format == ModelFormat.Native ? model : SharedPaths.Of(model), output, format);
        try
        {
            // What the command was run for: a result, which no Serilog level may drop.
            results.WriteLine($"Exported {ShownName.Of(modelPath)} as {FormatName(format)} to {ShownName.Of(Path.GetFullPath(output))}");

            // A file's own hash differs between identical runs (its header records when it was written): this one does not.
            results.WriteLine($"Weights digest: {WeightsDigest.Of(model.Tensors)} (SHA-256 of the tensors' names, shapes and values: the same for bit-identical weights)");
        }
        catch (StandardOutputException e)
        {
            // The file is export's result and it is written: no further line, and exit 0. A reader that went away asked
            // for no more (silent, as a Unix tool); any other failure is said once.
            if (!e.ReaderGone && logger is not null)
            {
                LogLinesUnwritten(logger, StandardOutput.Describe(e.InnerException ?? e).Why, ShownName.Of(Path.GetFullPath(output)));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write to standard output ({Why}); the model was exported to {Output} all the same")]
    private static partial void LogLinesUnwritten(ILogger logger, string why, string output);

    // As the docs and --format name them, not the enum's spelling ("Onnx").
    private static string FormatName(ModelFormat format) => format switch
    {
        ModelFormat.Onnx => "ONNX",
        ModelFormat.Safetensors => "safetensors",
        _ => "a native .snm model",
    };

    /// <summary>
    /// The format --format names, else the one --out's extension names; an extension that names no format, or another
    /// format than --format, is refused rather than guessed (a typo such as .onxx would silently become a native file).
    /// </summary>
    private static ModelFormat Format(string? formatName, string? output)
    {
        string valid = string.Join(", ", ModelFile.Extensions);
        ModelFormat? named = output is null ? null : ModelFile.FormatFromExtension(output);
        if (formatName is null)
        {
            return output is null
                ? throw new UsageException($"'export' needs --format {string.Join('|', FormatNames)} or an --out FILE ending in {valid}")
                : named ?? throw new UsageException($"--out {ShownName.Of(output)} does not end in a model file's extension ({valid}); rename it, or give --format {string.Join('|', FormatNames)}");
        }

        ModelFormat format = Parse(formatName);
        return named is { } other && other != format
            ? throw new UsageException($"--format {formatName} contradicts --out {ShownName.Of(output!)}, whose extension names the {Name(other)} format; give one or make them agree")
            : format;
    }

    /// <summary>
    /// The file a write to --out reaches: the path itself, or where a symbolic link there points (the file is written
    /// through the link, and its folder made if missing), so a link to a missing folder is checked as that folder.
    /// </summary>
    private static string Written(string output)
    {
        string full = Path.GetFullPath(output);
        try
        {
            return new FileInfo(full).LinkTarget is not null && File.ResolveLinkTarget(full, returnFinalTarget: true) is { } target ? target.FullName : full;
        }
        catch (IOException)
        {
            // Too many levels of links: written, it failed with an unwritable folder's exit 8 and advice.
            throw new UsageException($"--out {ShownName.Of(output)} {FileKinds.LinkLoop}; remove the link (rm {ShellWord.Quote(output)}) or give another path");
        }
    }

    /// <summary>The folder of --out (of the file it links to) must exist and take a file: export creates no folders (a typo in a path is not a folder to make).</summary>
    private static void CheckFolder(string output, string written)
    {
        string folder = Path.GetDirectoryName(written) ?? "/";
        FileKind kind = FileKinds.Of(folder);
        if (kind == FileKind.Missing)
        {
            string linked = written == Path.GetFullPath(output) ? string.Empty : $" (a link to {ShownName.Of(written)})";
            throw new UsageException($"the folder {ShownName.Of(folder)} of --out {ShownName.Of(output)}{linked} does not exist; create it first (mkdir -p {ScratchNet.Files.ShellWord.Quote(folder)}) or give another path");
        }

        if (kind != FileKind.Directory)
        {
            throw new UsageException($"--out {ShownName.Of(output)} would go inside {ShownName.Of(folder)}, which {FileKinds.NotA(kind, "a folder")}; give a path inside a folder");
        }

        if (OutputFolder.Probe(folder) is { } problem)
        {
            throw new UsageException($"--out {ShownName.Of(output)} cannot be written: {problem}; give a path in a folder you can write");
        }
    }

    private static string Name(ModelFormat format) => format switch { ModelFormat.Onnx => "onnx", ModelFormat.Safetensors => "safetensors", _ => "native" };

    /// <summary>The file a path names after following symbolic links, so a link to the model counts as the model.</summary>
    private static string Resolved(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            return new FileInfo(full).LinkTarget is not null && File.ResolveLinkTarget(full, returnFinalTarget: true) is { } target ? target.FullName : full;
        }
        catch (IOException)
        {
            return full;
        }
    }

    private static ModelFormat Parse(string name) => name.ToLowerInvariant() switch
    {
        "onnx" => ModelFormat.Onnx,
        "safetensors" => ModelFormat.Safetensors,
        "native" or "snm" => ModelFormat.Native,
        _ => throw new UsageException($"--format {name} is unknown; valid: {string.Join(", ", FormatNames)}"),
    };
}
