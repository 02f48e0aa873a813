namespace ScratchNet.Training.Options;

/// <summary>The training loop's settings (section "Training"). Defaults are the reference recipe.</summary>
public sealed class TrainingOptions
{
    public const string SectionName = "Training";

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
    /// Threads the matrix products may be split over: <c>auto</c> (one per core) or a whole number ≥ 1. Each product
    /// is split (over output rows or columns, never the sum) only when it is large enough to pay, so small networks
    /// stay on one thread whatever this says, and every value gives the same results.
    /// </summary>
    public string Threads { get; set; } = AutoThreads;

    /// <returns>The thread count (auto: <see cref="Environment.ProcessorCount"/>), or null with <paramref name="error"/> saying why.</returns>
    public int? TryParseThreads(out string? error)
    {
        string value = (Threads ?? string.Empty).Trim();
        if (string.Equals(value, AutoThreads, StringComparison.OrdinalIgnoreCase))
        {
            error = null;
            return Environment.ProcessorCount;
        }

        if (int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int threads))
        {
            error = threads >= 1 ? null : $"Training:Threads must be at least 1, got {threads}";
            return threads >= 1 ? threads : null;
        }

        error = $"Training:Threads must be '{AutoThreads}' or a whole number of at least 1, got '{Threads}'";
        return null;
    }
}
