namespace ScratchNet.Files;

/// <summary>
/// A replacement of <see cref="Path"/> in progress (see <see cref="AtomicFile.Begin"/>): whatever is written to
/// <see cref="TemporaryPath"/> becomes the file's content on <see cref="Commit"/>; dispose without committing and the
/// temporary is deleted, the file untouched.
/// </summary>
public sealed class PendingFile : IDisposable
{
    internal PendingFile(string path, string temporaryPath)
    {
        Path = path;
        TemporaryPath = temporaryPath;
    }

    /// <summary>The file to replace (a symbolic link already resolved to its target).</summary>
    public string Path { get; }

    /// <summary>Where the new content goes until <see cref="Commit"/>: <c>NAME.PID.tmp</c> in the same folder.</summary>
    public string TemporaryPath { get; }

    public bool Committed { get; private set; }

    /// <summary>Renames the temporary over <see cref="Path"/>.</summary>
    /// <exception cref="FileWriteException">The rename failed; the file is untouched and the temporary is deleted on dispose.</exception>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            File.Move(TemporaryPath, Path, overwrite: true);
            Committed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A directory that took the name after the check before writing (AtomicFile.Begin) makes the rename fail.
            FileKind kind = FileKinds.Of(Path);
            throw kind is FileKind.Missing or FileKind.Regular or FileKind.NameTooLong ? new FileWriteException(Path, FileSystemError.Reason(e), e) : FileWriteException.NotARegularFile(Path, kind, e);
        }
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!Committed)
        {
            try
            {
                // Only a file of ours: something else squatting on the name (a folder) is not ours to delete.
                if (File.Exists(TemporaryPath))
                {
                    File.Delete(TemporaryPath);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A stray temporary is never read as the file; the next tidy-up removes it once this process is gone.
            }
        }
    }
}
