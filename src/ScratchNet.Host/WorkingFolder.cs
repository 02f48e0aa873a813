using ScratchNet.Files;

namespace ScratchNet.Host;

/// <summary>The folder relative paths are read against, which another terminal may have removed under this one.</summary>
public static class WorkingFolder
{
    /// <exception cref="InputFileException">The current folder no longer exists.</exception>
    public static void Check()
    {
        try
        {
            _ = Directory.GetCurrentDirectory();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Every command resolves Run:Directory (default "runs") against it, so even absolute paths cannot help.
            throw new InputFileException(
                "The current folder",
                null,
                "no longer exists (it was removed after this shell entered it); cd to an existing folder and run the command again",
                FileKind.Missing,
                e);
        }
    }
}
