namespace ScratchNet.TestSupport;

/// <summary>
/// Changes a file as bit rot, an edit that puts the time back, or a copy with <c>cp -a</c> leave it: new content, the same
/// modification time, so nothing but the content can tell.
/// </summary>
public static class InPlaceEdit
{
    public static void Write(string path, byte[] content)
    {
        DateTime written = File.GetLastWriteTimeUtc(path);
        File.WriteAllBytes(path, content);
        File.SetLastWriteTimeUtc(path, written);
    }
}
