namespace ScratchNet.Host;

/// <summary>The process exit codes, documented in README.md.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A bug: the log holds the stack trace.</summary>
    public const int UnexpectedError = 1;

    /// <summary>Invalid configuration: a bad value, an unknown name, malformed JSON, or layer sizes that do not fit the data.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>No source could deliver the dataset; the message lists what was tried and how to place the files by hand.</summary>
    public const int DataUnavailable = 3;

    /// <summary>A data file or checkpoint is malformed (wrong magic, truncated, dimensions that disagree with its length, a bad checksum).</summary>
    public const int InvalidData = 4;

    /// <summary>A model file is missing, damaged, of another format or version, or does not fit the network or the data; or its outputs are not finite (weights that overflow).</summary>
    public const int InvalidModel = 5;

    /// <summary>An image given to <c>predict</c> is missing or not a readable image.</summary>
    public const int InvalidInput = 6;

    /// <summary>Training diverged: the loss became NaN or infinite (usually too high a learning rate). The best checkpoint is kept.</summary>
    public const int Diverged = 7;

    /// <summary>
    /// An output could not be written (disk full, no permission, a folder replaced by a file) after training had
    /// started. What was already written is kept: the last checkpoint, and the model saved elsewhere if it could be.
    /// </summary>
    public const int OutputFailed = 8;

    /// <summary>Interrupted by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
