using ScratchNet.Core.Activations;
using ScratchNet.Core.Layers;

namespace ScratchNet.Core.Tests.Layers;

/// <summary>
/// The pieces the gradient check compares to tell whether a finite-difference step crossed a kink (probe-cnn G1): a
/// ReLU's side of 0, with 0 itself on the side its derivative takes (f'(0) = 0), and a max-pool's winner.
/// </summary>
public sealed class PiecewiseLayerTests
{
    [TestCase("relu")]
    [TestCase("leaky_relu")]
    public void AKinkedActivation_GivesEachInputsSideOf0(string name)
    {
        var layer = new ActivationLayer("a", Activation.Create(name), 3, 2);
        layer.Forward(new float[] { -1f, 0f, 2f, 1e-30f, -0f, -1e-30f }, 2);
        var pieces = new int[6];

        layer.CopyPieces(2, pieces);

        Assert.That(layer.PiecesPerRow, Is.EqualTo(3));
        Assert.That(pieces, Is.EqualTo(new[] { 0, 0, 1, 1, 0, 0 }));
    }

    [TestCase("sigmoid")]
    [TestCase("tanh")]
    public void ASmoothActivation_HasNoPieces(string name) =>
        Assert.That(new ActivationLayer("a", Activation.Create(name), 3, 2).PiecesPerRow, Is.EqualTo(0));

    [Test]
    public void AMaxPool_GivesWhereEachWindowsMaximumSat_AndAStepThatMovesItChangesThem()
    {
        var pool = new MaxPool2D("p", new Shape(1, 2, 2), 2, null, 1);
        var before = new int[1];
        var after = new int[1];
        pool.Forward(new float[] { 0.1f, 0.5f, 0.2f, 0.3f }, 1);
        pool.CopyPieces(1, before);
        pool.Forward(new float[] { 0.1f, 0.5f, 0.6f, 0.3f }, 1);
        pool.CopyPieces(1, after);

        Assert.That(pool.PiecesPerRow, Is.EqualTo(1));
        Assert.That(before, Is.Not.EqualTo(after));
    }
}
