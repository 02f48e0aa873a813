using System.Text.Json.Serialization;

namespace ScratchNet.Training.Options;

/// <summary>The training loop's settings (section "Training"). Defaults are the reference recipe.</summary>
public sealed class TrainingOptions
{
    public const string SectionName = "Training";

    /// <summary>The most rows of a batch (training or evaluation): far more than any dataset this trains on needs in one pass.</summary>
    public const int MaxBatchRows = 1 << 20;

    public int Epochs { get; set; } = 100;

    public int BatchSize { get; set; } = 32;

    /// <summary>Seeds the weight initialisation and the minibatch order.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>False keeps the dataset's order every epoch.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>Rows per forward pass when evaluating; larger chunks keep the kernels busy.</summary>
    public int EvaluationBatchSize { get; set; } = 1000;

    /// <summary>
    /// True (the default): each conv → relu → maxpool of Model:Layers runs as one fused block, image by image
    /// (<c>ConvReluMaxPoolBlock</c> in Core). False: every layer runs its own Forward and Backward, the code of
    /// Conv2D, ActivationLayer and MaxPool2D, for a learner to step through; it gives the fused path's outputs bit for bit
    /// and its gradients to float rounding (bit for bit where the block takes the dense backward), and holds each
    /// convolution's output for the whole batch, which the memory check counts. Left out of the JSON a run's settings are
    /// recorded from, so the fingerprints of runs from before this key stay as they were; <see cref="Checkpoints.ConfigurationFingerprint"/>
    /// records it while it is off.
    /// </summary>
    [JsonIgnore]
    public bool FuseBlocks { get; set; } = true;

    /// <summary>The value of <see cref="Threads"/> that means one thread per core.</summary>
    public const string AutoThreads = "auto";

    /// <summary>
    /// The largest <see cref="Threads"/> accepted (or the processor count, where that is larger): above it a number is a
    /// typo, and thousands of threads would exhaust the machine.
    /// </summary>
    public const int MaxThreads = 1024;

    /// <summary>
    /// Threads the matrix products may be split over: <c>auto</c> (one per core) or a whole number from 1 to
    /// <see cref="MaxThreads"/>; a number above the processor count runs as the processor count (more threads than
    /// processors only wait on each other), so a setting written on a larger machine still runs on a smaller one. Each
    /// product is split (over output rows or columns, never the sum) only when it is large enough to pay, so small
    /// networks stay on one thread whatever this says, and every value gives the same results.
    /// </summary>
    public string Threads { get; set; } = AutoThreads;

    /// <returns>The thread count (auto: <see cref="Environment.ProcessorCount"/>; at most that), or null with <paramref name="error"/> saying why.</returns>
    public int? TryParseThreads(out string? error)
    {
        int processors = Environment.ProcessorCount;
        if (IsAutoThreads())
        {
            error = null;
            return processors;
        }

        int limit = Math.Max(MaxThreads, processors);
        if (RequestedThreads() is int threads && threads >= 1 && threads <= limit)
        {
            error = null;
            return Math.Min(threads, processors);
        }

        string got = RequestedThreads() is int number ? number.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"'{Threads}'";
        error = $"Training:Threads must be '{AutoThreads}' (one per core) or a whole number from 1 to {limit}, got {got}";
        return null;
    }

    /// <summary>The valid number of threads <see cref="Threads"/> asks for beyond this machine's processor count (which is used instead), or null.</summary>
    public int? ThreadsBeyondProcessors() =>
        !IsAutoThreads() && TryParseThreads(out _) is not null && RequestedThreads() is int threads && threads > Environment.ProcessorCount ? threads : null;

    private bool IsAutoThreads() => string.Equals((Threads ?? string.Empty).Trim(), AutoThreads, StringComparison.OrdinalIgnoreCase);

    private int? RequestedThreads() =>
        int.TryParse((Threads ?? string.Empty).Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int threads) ? threads : null;
}
