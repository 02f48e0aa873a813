namespace ScratchNet.Dashboard.Live;

/// <summary>The event names the page listens for (SSE <c>event:</c> fields); the payload of each is in LivePayloads.cs.</summary>
public static class LiveEventTypes
{
    public const string Run = "run";
    public const string Batch = "batch";
    public const string Epoch = "epoch";
    public const string Layers = "layers";
    public const string Activations = "activations";
    public const string Weights = "weights";
    public const string Confusion = "confusion";
    public const string Mistakes = "mistakes";
    public const string End = "end";
}
