namespace ScratchNet.Host.Commands;

/// <summary>
/// One verb of the command line (<c>train</c>, <c>evaluate</c>, …). Implementations are registered as
/// keyed singletons under their name and described in <see cref="CommandCatalog"/> for <c>--help</c>.
/// </summary>
public interface ICommand
{
    /// <returns>The process exit code (see <see cref="ExitCodes"/>).</returns>
    /// <param name="cancellationToken">Cancelled by a stop signal (see <see cref="Runs.StopSignals"/>).</param>
    Task<int> RunAsync(CommandLine commandLine, CancellationToken cancellationToken);

    /// <summary>
    /// What a stop signal does at this moment, for the line that answers it at once (<c>Stopping (Ctrl+C): …</c>), e.g.
    /// "evaluate stops after the chunk of images it is scoring and prints no result"; null for a command that stops at
    /// once (<c>serve</c>) or runs too briefly to need an answer (<c>export</c>).
    /// </summary>
    string? StopNotice => null;
}
