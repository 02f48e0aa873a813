namespace ScratchNet.Host.Commands;

/// <summary>
/// One verb of the command line (<c>train</c>, <c>evaluate</c>, …). Implementations are registered as
/// keyed singletons under their name and described in <see cref="CommandCatalog"/> for <c>--help</c>.
/// </summary>
public interface ICommand
{
    /// <returns>The process exit code (see <see cref="ExitCodes"/>).</returns>
    Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken);
}
