namespace ScratchNet.Host.Commands;

/// <summary>The <c>--model FILE</c> option that evaluate, predict and export share.</summary>
internal static class ModelOption
{
    public static readonly CommandOption Option = new("model", "FILE", "a model file written by train (.snm) or export (.safetensors)");

    /// <exception cref="UsageException">--model was not given.</exception>
    public static string Require(CommandLine commandLine, string example) =>
        commandLine.Option(Option.Name) is { Length: > 0 } path
            ? path
            : throw new UsageException($"'{commandLine.Command}' needs --model FILE, e.g. {example}");
}
