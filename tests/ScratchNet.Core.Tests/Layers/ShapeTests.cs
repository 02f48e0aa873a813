using ScratchNet.Core.Layers;

namespace ScratchNet.Core.Tests.Layers;

public sealed class ShapeTests
{
    [TestCase(784, 28)]
    [TestCase(64, 8)]
    [TestCase(1, 1)]
    [TestCase(785, 0)]
    [TestCase(0, 0)]
    [TestCase(-4, 0)]
    public void SquareSide_IsTheSideOfASquareImage_OrZero(int pixels, int side) =>
        Assert.That(Shape.SquareSide(pixels), Is.EqualTo(side));
}
