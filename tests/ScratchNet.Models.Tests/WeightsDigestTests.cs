namespace ScratchNet.Models.Tests;

public sealed class WeightsDigestTests
{
    private static NamedTensor[] Tensors() =>
    [
        new("dense0.weight", [2, 3], [1f, 2f, 3f, 4f, 5f, 6f]),
        new("dense0.bias", [3], [0.5f, -0.5f, 0f]),
    ];

    [Test]
    public void TheSameTensorsInAnyOrder_HaveOneDigest()
    {
        NamedTensor[] tensors = Tensors();

        Assert.That(WeightsDigest.Of(tensors), Does.Match("^[0-9a-f]{64}$"));
        Assert.That(WeightsDigest.Of(tensors.Reverse()), Is.EqualTo(WeightsDigest.Of(Tensors())));
    }

    [Test]
    public void AnotherValue_Shape_OrName_GivesAnotherDigest()
    {
        string digest = WeightsDigest.Of(Tensors());
        NamedTensor[] value = Tensors();
        value[1].Data[2] = -0f;
        NamedTensor[] shape = Tensors();
        shape[0] = shape[0] with { Shape = [3, 2] };
        NamedTensor[] name = Tensors();
        name[1] = name[1] with { Name = "dense1.bias" };

        Assert.That(new[] { WeightsDigest.Of(value), WeightsDigest.Of(shape), WeightsDigest.Of(name) }, Has.None.EqualTo(digest).And.Unique);
    }
}
