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

    /// <summary>The value of <see cref="Threads"/> that means one thread per core.</summary>
    public const string AutoThreads = "auto";

    /// <summary>
    /// Threads the matrix products may be split over: <c>auto</c> (one per core) or a whole number from 1 to the
    /// processor count. Each product is split (over output rows or columns, never the sum) only when it is large
    /// enough to pay, so small networks stay on one thread whatever this says, and every value gives the same results.
    /// </summary>
    public string Threads { get; set; } = AutoThreads;

    /// <returns>The thread count (auto: <see cref="Environment.ProcessorCount"/>), or null with <paramref name="error"/> saying why.</returns>
    public int? TryParseThreads(out string? error)
    {
        string value = (Threads ?? string.Empty).Trim();
        int processors = Environment.ProcessorCount;
        if (string.Equals(value, AutoThreads, StringComparison.OrdinalIgnoreCase))
        {
            error = null;
            return processors;
        }

        // More threads than processors only wait on each other (and thousands of them exhaust the machine).
        if (int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int threads))
        {
            bool valid = threads >= 1 && threads <= processors;
            error = valid ? null : $"Training:Threads must be 1 to {processors} (this machine's processor count), got {threads}";
            return valid ? threads : null;
        }

        error = $"Training:Threads must be '{AutoThreads}' or a whole number from 1 to {processors} (this machine's processor count), got '{Threads}'";
        return null;
    }
}
