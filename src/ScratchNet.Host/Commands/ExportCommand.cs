using Microsoft.Extensions.Logging;
using ScratchNet.Files;
using ScratchNet.Models;

namespace ScratchNet.Host.Commands;

/// <summary>Converts a saved model to safetensors, ONNX or the native format.</summary>
public sealed partial class ExportCommand(ILogger<ExportCommand> logger) : ICommand
{
    public static IReadOnlyList<string> FormatNames { get; } = ["onnx", "safetensors", "native"];

    public Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        string modelPath = ModelOption.Require(commandLine, "export --model runs/20260101-120000/model.snm --format onnx");
        string? formatName = commandLine.Option("format");
        string? output = commandLine.Option("out");
        ModelFormat format = formatName is null
            ? output is null
                ? throw new UsageException("'export' needs --format onnx|safetensors|native or an --out FILE ending in .onnx or .safetensors")
                : ModelFile.FormatFromExtension(output)
            : Parse(formatName);
        output ??= Path.ChangeExtension(modelPath, format switch { ModelFormat.Onnx => ".onnx", ModelFormat.Safetensors => ".safetensors", _ => ".snm" });
        if (FileKinds.Of(output) is not (FileKind.Missing or FileKind.Regular) and var kind)
        {
            // Never replaced: a rename over a device node or a directory would destroy it.
            throw new UsageException($"--out {output} is {FileKinds.Describe(kind)}, not a regular file; give the path of a file to write, e.g. --out model.onnx");
        }

        if (string.Equals(Resolved(output), Resolved(modelPath), StringComparison.Ordinal))
        {
            throw new UsageException($"--out {output} is the model file itself; give another path");
        }

        Export(modelPath, output, format);
        return Task.FromResult(ExitCodes.Success);
    }

    public void Export(string modelPath, string output, ModelFormat format)
    {
        ModelFile.Save(ModelFile.Load(modelPath), output, format);
        LogExported(logger, modelPath, format, Path.GetFullPath(output));
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported {ModelPath} as {Format} to {Output}")]
    private static partial void LogExported(ILogger logger, string modelPath, ModelFormat format, string output);
}
