namespace ScratchNet.Core.Layers;

/// <summary>
/// A layer that computes something else while training than when evaluating: dropout (masks only while training),
/// batch norm (batch statistics while training, running ones when evaluating). <see cref="Sequential.IsTraining"/>
/// switches every such layer; evaluation mode is the default.
/// </summary>
public interface IHasTrainingMode
{
    bool IsTraining { get; set; }
}
