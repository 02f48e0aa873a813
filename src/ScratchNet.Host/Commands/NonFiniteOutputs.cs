using ScratchNet.Core.Layers;
using ScratchNet.Files;
using ScratchNet.Models;
using ScratchNet.Training.Diagnostics;

namespace ScratchNet.Host.Commands;

/// <summary>
/// The refusal of a model whose outputs are NaN or infinite. Its file held only finite numbers (a NaN or ∞ in a tensor is
/// refused when it loads), but finite weights can still overflow float32 in the forward pass, and a loss, probability or
/// class computed from such outputs is no result: the model is bad (exit 5), however the numbers would print.
/// </summary>
internal static class NonFiniteOutputs
{
    /// <param name="on">What the outputs were computed on: "the official test split …", "digit.png".</param>
    public static ModelFileException Refusal(string modelPath, Sequential network, string on) =>
        ModelFileException.Model(
            modelPath,
            $"gives outputs that are not finite on {on}: its weights overflow float32 in the forward pass ({LargestWeight.Of(network)}), so it has no loss, probability or class to report",
            "weights this large come from a run that diverged: retrain it with a lower Optimizer:LearningRate");
}
