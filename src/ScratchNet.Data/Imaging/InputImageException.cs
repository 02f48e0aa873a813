namespace ScratchNet.Data.Imaging;

/// <summary>An image given to <c>predict</c> (or uploaded to the dashboard) is missing, unreadable, too large or blank. A user error (exit code 6).</summary>
public sealed class InputImageException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The picture was read, but no stroke stands out in it (an animated image's first frame may be all there is of it).</summary>
    public bool Blank { get; init; }
}
