using ScratchNet.Core.Initializers;
using ScratchNet.Core.Random;

namespace ScratchNet.Core.Tests.Initializers;

public class InitializerTests
{
    [Test]
    public void HeNormal_HasStandardDeviationSqrtTwoOverFanIn()
    {
        var weights = new float[784 * 128];
        new HeNormal().Initialize(weights, 784, 128, new Xoshiro256(42));
        double std = Math.Sqrt(weights.Select(w => (double)w * w).Average());
        Assert.That(std, Is.EqualTo(Math.Sqrt(2.0 / 784)).Within(0.002));
    }

    [Test]
    public void XavierUniform_StaysWithinItsLimit()
    {
        var weights = new float[1000];
        new XavierUniform().Initialize(weights, 30, 20, new Xoshiro256(1));
        double limit = Math.Sqrt(6.0 / 50);
        Assert.That(weights.Max(), Is.LessThanOrEqualTo(limit));
        Assert.That(weights.Min(), Is.GreaterThanOrEqualTo(-limit));
    }

    [Test]
    public void Create_ListsValidNames_WhenNameIsUnknown()
    {
        var ex = Assert.Throws<ArgumentException>(() => Initializer.Create("orthogonal"));
        Assert.That(ex!.Message, Does.Contain("he_normal"));
    }
}
