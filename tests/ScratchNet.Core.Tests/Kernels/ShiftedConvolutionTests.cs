using ScratchNet.Core.Activations;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Tests.Kernels;

public class ShiftedConvolutionTests
{
    // (C, H, W, K): the cnn recipe's second conv, odd images, planes shorter than a vector (3 × 3) and rows wider than one (5 × 40),
    // filters no multiple of the 4-row tile, 32 channels.
    private static readonly object[] Geometries =
    [
        new[] { 16, 14, 14, 32 },
        new[] { 16, 13, 11, 7 },
        new[] { 32, 3, 3, 5 },
        new[] { 16, 2, 20, 4 },
        new[] { 32, 5, 40, 6 },
        new[] { 16, 9, 7, 13 },
        new[] { 16, 9, 7, 32 },
        new[] { 16, 5, 5, 16 },
        new[] { 32, 6, 5, 48 },
    ];

    [TestCaseSource(nameof(Geometries))]
    public void Forward_GivesTheLoweredConvolutionsBits_AndReLUsAfterIt(int[] g)
    {
        (int c, int h, int w, int k) = (g[0], g[1], g[2], g[3]);
        var conv = new Window2D(c, h, w, 3, 3, 1, 1);
        Assert.That(ShiftedConvolution.Handles(k, conv), Is.True);
        float[] x = TestData.Uniform(conv.InputSize, 61), weights = TestData.Uniform(k * conv.PatchSize, 62), b = TestData.Uniform(k, 63);
        var lowered = new float[k * conv.OutPlane];
        Conv2DLowered.Forward(x, weights, b, lowered, new float[conv.PatchSize * conv.OutPlane], 1, k, conv);
        var rectified = new float[lowered.Length];
        new Relu().Forward(lowered, rectified);

        // The last columns from the row tiles, and (where K fills whole vectors and H·W does not) from w transposed.
        var transposed = new float[ShiftedConvolution.TransposedLength(k, conv)];
        if (transposed.Length > 0)
        {
            MatMul.Transpose(weights, transposed, k, conv.PatchSize);
        }

        foreach ((bool rectify, float[] wT) in new[] { (false, Array.Empty<float>()), (true, Array.Empty<float>()), (false, transposed), (true, transposed) })
        {
            // Scratch full of garbage: every place the kernel reads must be one it wrote.
            float[] scratch = Enumerable.Repeat(float.NaN, ShiftedConvolution.ScratchLength(conv) + 5).ToArray();
            float[] y = Enumerable.Repeat(123f, (k * conv.OutPlane) + 3).ToArray();
            ShiftedConvolution.Forward(x, weights, wT, b, y.AsSpan(0, k * conv.OutPlane), scratch, k, conv, rectify);
            float[] expected = rectify ? rectified : lowered;
            string what = $"rectify: {rectify}, w transposed: {wT.Length > 0}";
            Assert.That(y[..(k * conv.OutPlane)].Select(BitConverter.SingleToInt32Bits), Is.EqualTo(expected.Select(BitConverter.SingleToInt32Bits)), what);
            Assert.That(y[(k * conv.OutPlane)..], Is.All.EqualTo(123f), "nothing written past y");
        }

        var naive = new float[k * conv.OutPlane];
        Conv2DNaive.Forward(x, weights, b, naive, 1, k, conv);
        TestData.AssertClose(lowered, naive, 1e-4, 1e-5, "the lowered convolution against the naive one");
    }

    [Test]
    public void Handles_OnlyThreeByThreeSamePaddingOnWholeVectorsOfChannels()
    {
        Assert.That(ShiftedConvolution.Handles(8, new Window2D(1, 28, 28, 3, 3, 1, 1)), Is.False, "one channel");
        Assert.That(ShiftedConvolution.Handles(8, new Window2D(16, 14, 14, 3, 3, 2, 1)), Is.False, "stride 2");
        Assert.That(ShiftedConvolution.Handles(8, new Window2D(16, 14, 14, 3, 3, 1, 0)), Is.False, "no padding");
        Assert.That(ShiftedConvolution.Handles(8, new Window2D(16, 14, 14, 5, 5, 1, 2)), Is.False, "5 × 5");
        Assert.That(ShiftedConvolution.Handles(3, new Window2D(16, 14, 14, 3, 3, 1, 1)), Is.False, "fewer filters than a tile");
    }

    [Test]
    public void Forward_Throws_WhenDestinationTooShort()
    {
        var conv = new Window2D(16, 5, 5, 3, 3, 1, 1);
        var e = Assert.Throws<ArgumentException>(() => ShiftedConvolution.Forward(
            new float[conv.InputSize], new float[4 * conv.PatchSize], [], new float[4], new float[(4 * conv.OutPlane) - 1], new float[ShiftedConvolution.ScratchLength(conv)], 4, conv, rectify: true));
        Assert.That(e!.ParamName, Is.EqualTo("y"));
    }
}
