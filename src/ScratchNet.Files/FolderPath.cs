namespace ScratchNet.Files;

/// <summary>
/// A folder's path as recorded and compared: absolute, without a trailing separator, so "idx/", "./idx" and "/work/idx"
/// name the same folder in a checkpoint, a model file and a comparison, wherever the command runs.
/// </summary>
public static class FolderPath
{
    public static string Full(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
    }
}
