namespace ScratchNet.Data.Imaging;

/// <summary>An image given to <c>predict</c> (or uploaded to the dashboard) is missing, unreadable, too large or blank. A user error (exit code 6).</summary>
public sealed class InputImageException(string message, Exception? inner = null) : Exception(message, inner);
