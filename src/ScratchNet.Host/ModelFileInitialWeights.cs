using ScratchNet.Core.Layers;
using ScratchNet.Models;
using ScratchNet.Training;

namespace ScratchNet.Host;

/// <summary>Model:InitFrom read from a model file (.snm or safetensors, ScratchNet's or a PyTorch state_dict's names).</summary>
public sealed class ModelFileInitialWeights : IInitialWeights
{
    /// <exception cref="ModelFileException">The file cannot be read, or a tensor's name or shape does not fit.</exception>
    public void CopyInto(Sequential network, string source) =>
        NetworkWeights.CopyInto(network, ModelFile.LoadTensors(source), source);
}
