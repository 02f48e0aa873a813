using System.Runtime.Intrinsics.X86;
using ScratchNet.Core.Activations;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Tests.Kernels;

public class GreyConvReluMaxPoolTests
{
    // { K, H, W, kernel, padding }: the cnn recipe's first block, odd and even widths and heights (an odd convolution output drops
    // its last row or column in the pooling), 5 × 5 pad 2, no padding, several whole vectors of channels.
    private static readonly int[][] Geometries =
    [
        [16, 28, 28, 3, 1],
        [32, 9, 11, 3, 1],
        [48, 7, 6, 5, 2],
        [16, 10, 13, 3, 0],
        [32, 5, 5, 5, 2],
        [16, 2, 2, 1, 0],
    ];

    private static readonly Relu Rectifier = new();

    [SetUp]
    public void RequireAvx512() => Assume.That(Avx512F.IsSupported, "the grey block runs on AVX-512 only; elsewhere the lowered path runs");

    [Test]
    public void Handles_OneChannel_Stride1_WholeVectorsOfFilters_And2x2Pooling()
    {
        Window2D conv = new(1, 28, 28, 3, 3, 1, 1), pool = new(16, 28, 28, 2, 2, 2);
        Assert.Multiple(() =>
        {
            Assert.That(GreyConvReluMaxPool.Handles(16, conv, pool), Is.True);
            Assert.That(GreyConvReluMaxPool.Handles(8, conv, new Window2D(8, 28, 28, 2, 2, 2)), Is.False, "half a vector of filters");
            Assert.That(GreyConvReluMaxPool.Handles(16, new Window2D(2, 28, 28, 3, 3, 1, 1), pool), Is.False, "two channels");
            Assert.That(GreyConvReluMaxPool.Handles(16, new Window2D(1, 28, 28, 3, 3, 2, 1), new Window2D(16, 14, 14, 2, 2, 2)), Is.False, "stride 2");
            Assert.That(GreyConvReluMaxPool.Handles(16, conv, new Window2D(16, 28, 28, 3, 3, 2)), Is.False, "3 × 3 pooling");
        });
    }

    [Test]
    public void Forward_GivesTheLayersKernelsResults_BitForBit([ValueSource(nameof(Geometries))] int[] geometry, [Values(1, 19)] int n)
    {
        (int k, Window2D conv, Window2D pool) = Shapes(geometry);
        float[] x = TestData.Uniform(n * conv.InputSize, 61), w = TestData.Uniform(k * conv.PatchSize, 62), b = TestData.Uniform(k, 63, -0.3f, 0.3f);
        (float[] y, int[] argmax) = Grey(x, w, b, n, k, conv, pool);
        (float[] expectedY, int[] expectedArgmax) = Layers(x, w, b, n, k, conv, pool);
        Assert.That(y, Is.EqualTo(expectedY));
        Assert.That(argmax, Is.EqualTo(expectedArgmax));
    }

    // A NaN pixel poisons the windows that see it, and the pooling must pick it where the layers do; a zero image makes every
    // window a tie of four equal values (the bias, or 0 after ReLU), where the first place in row-major order wins.
    [Test]
    public void Forward_GivesTheLayersKernelsResults_BitForBit_WithNaNsAndTies()
    {
        (int k, Window2D conv, Window2D pool) = Shapes([32, 9, 11, 3, 1]);
        const int n = 3;
        float[] x = TestData.Uniform(n * conv.InputSize, 64), w = TestData.Uniform(k * conv.PatchSize, 65), b = TestData.Uniform(k, 66);
        x[17] = float.NaN;
        Array.Clear(x, conv.InputSize, conv.InputSize);
        (float[] y, int[] argmax) = Grey(x, w, b, n, k, conv, pool);
        (float[] expectedY, int[] expectedArgmax) = Layers(x, w, b, n, k, conv, pool);
        Assert.That(y.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(expectedY.Select(BitConverter.SingleToInt32Bits)));
        Assert.That(argmax, Is.EqualTo(expectedArgmax));
        Assert.That(y.Count(float.IsNaN), Is.GreaterThan(0), "the NaN reached the output");
    }

    [Test]
    public void Forward_MatchesNaive([ValueSource(nameof(Geometries))] int[] geometry)
    {
        (int k, Window2D conv, Window2D pool) = Shapes(geometry);
        const int n = 3;
        float[] x = TestData.Uniform(n * conv.InputSize, 67), w = TestData.Uniform(k * conv.PatchSize, 68), b = TestData.Uniform(k, 69);
        (float[] y, _) = Grey(x, w, b, n, k, conv, pool);
        var z = new float[n * k * conv.OutPlane];
        Conv2DNaive.Forward(x, w, b, z, n, k, conv);
        Rectifier.Forward(z, z);
        var expected = new float[y.Length];
        PoolingNaive.MaxForward(z, expected, n, pool);
        TestData.AssertClose(y, expected, 1e-5, 1e-5, "y");
    }

    [Test]
    public void Backward_MatchesNaive_ToRounding([ValueSource(nameof(Geometries))] int[] geometry, [Values(1, 19)] int n)
    {
        (int k, Window2D conv, Window2D pool) = Shapes(geometry);
        float[] x = TestData.Uniform(n * conv.InputSize, 71), w = TestData.Uniform(k * conv.PatchSize, 72), b = TestData.Uniform(k, 73, -0.3f, 0.3f);
        float[] dY = TestData.Uniform(n * k * pool.OutPlane, 74);
        (float[] y, int[] argmax) = Grey(x, w, b, n, k, conv, pool);
        float[] dW = Filled(k * conv.PatchSize), dB = Filled(k);
        GreyConvReluMaxPool.Backward(x, y, argmax, dY, dW, dB, new float[GreyConvReluMaxPool.ScratchLength(k, conv, pool)], n, k, conv, pool);

        // The layers' backward: relu's mask on the pooled values, the pooling's routing, the naive convolution's weight gradient.
        var dPooled = new float[dY.Length];
        Rectifier.Backward(default, y, dY, dPooled);
        var dR = new float[n * k * conv.OutPlane];
        Pooling.MaxBackward(dPooled, argmax, dR, n, pool);
        float[] expectedDW = new float[dW.Length], expectedDB = new float[k];
        Conv2DNaive.BackwardWeights(x, dR, expectedDW, expectedDB, n, k, conv);
        TestData.AssertClose(dW, expectedDW, 1e-4, 1e-5 * Scale(expectedDW), "dW");
        TestData.AssertClose(dB, expectedDB, 1e-4, 1e-5 * Scale(expectedDB), "dB");
    }

    // The block's team overload sums groups of 8 images in order whatever the threads, so 1, 2 and 3 threads give the same bits.
    [Test]
    public void TheBlocksBackward_GivesTheSameBits_OnEveryThreadCount([Values(1, 2, 3)] int threads)
    {
        (int k, Window2D conv, Window2D pool) = Shapes([16, 28, 28, 3, 1]);
        const int n = 21;
        float[] x = TestData.Uniform(n * conv.InputSize, 75), w = TestData.Uniform(k * conv.PatchSize, 76), b = TestData.Uniform(k, 77);
        float[] dY = TestData.Uniform(n * k * pool.OutPlane, 78);
        (float[] dW, float[] dB) = BlockBackward(x, w, b, dY, n, k, conv, pool, null);
        using var team = new ComputeTeam(threads);
        (float[] teamDW, float[] teamDB) = BlockBackward(x, w, b, dY, n, k, conv, pool, team);
        Assert.That(teamDW, Is.EqualTo(dW));
        Assert.That(teamDB, Is.EqualTo(dB));
    }

    [Test]
    public void Forward_Throws_ForAShapeItDoesNotTake()
    {
        Window2D conv = new(2, 6, 6, 3, 3, 1, 1), pool = new(16, 6, 6, 2, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => GreyConvReluMaxPool.Forward(
            new float[72], new float[16 * 18], new float[16], new float[16 * 9], new int[16 * 9], new float[10_000], 1, 16, conv, pool));
        Assert.That(e!.Message, Does.Contain("1 input channel"));
    }

    [Test]
    public void Forward_Throws_WhenTheScratchIsTooShort()
    {
        (int k, Window2D conv, Window2D pool) = Shapes([16, 6, 6, 3, 1]);
        var e = Assert.Throws<ArgumentException>(() => GreyConvReluMaxPool.Forward(
            new float[36], new float[k * 9], new float[k], new float[k * 9], new int[k * 9], new float[GreyConvReluMaxPool.ScratchLength(k, conv, pool) - 1], 1, k, conv, pool));
        Assert.That(e!.ParamName, Is.EqualTo("scratch"));
    }

    [Test]
    public void Backward_Throws_WhenDWIsTooShort()
    {
        (int k, Window2D conv, Window2D pool) = Shapes([16, 6, 6, 3, 1]);
        var e = Assert.Throws<ArgumentException>(() => GreyConvReluMaxPool.Backward(
            new float[36], new float[k * 9], new int[k * 9], new float[k * 9], new float[(k * 9) - 1], new float[k],
            new float[GreyConvReluMaxPool.ScratchLength(k, conv, pool)], 1, k, conv, pool));
        Assert.That(e!.ParamName, Is.EqualTo("dW"));
    }

    private static (int K, Window2D Conv, Window2D Pool) Shapes(int[] g)
    {
        var conv = new Window2D(1, g[1], g[2], g[3], g[3], 1, g[4]);
        return (g[0], conv, new Window2D(g[0], conv.OutHeight, conv.OutWidth, 2, 2, 2));
    }

    private static (float[] Y, int[] Argmax) Grey(float[] x, float[] w, float[] b, int n, int k, Window2D conv, Window2D pool)
    {
        float[] y = Filled(n * k * pool.OutPlane);
        int[] argmax = Enumerable.Repeat(-7, y.Length).ToArray();
        GreyConvReluMaxPool.Forward(x, w, b, y, argmax, new float[GreyConvReluMaxPool.ScratchLength(k, conv, pool)], n, k, conv, pool);
        return (y, argmax);
    }

    // Conv2D → ReLU → MaxPool2D as the layers run them, one after the other over the batch.
    private static (float[] Y, int[] Argmax) Layers(float[] x, float[] w, float[] b, int n, int k, Window2D conv, Window2D pool)
    {
        var z = new float[n * k * conv.OutPlane];
        Conv2DLowered.Forward(x, w, b, z, new float[conv.PatchSize * conv.OutPlane], n, k, conv);
        Rectifier.Forward(z, z);
        var y = new float[n * k * pool.OutPlane];
        var argmax = new int[y.Length];
        Pooling.MaxForward(z, y, argmax, n, pool);
        return (y, argmax);
    }

    private static (float[] DW, float[] DB) BlockBackward(float[] x, float[] w, float[] b, float[] dY, int n, int k, Window2D conv, Window2D pool, ComputeTeam? team)
    {
        int threads = team?.Threads ?? 1;
        float[] scratch = new float[threads * ConvReluMaxPool.ScratchPerThread(k, conv, pool)];
        float[] y = new float[n * k * pool.OutPlane], dW = new float[k * conv.PatchSize], dB = new float[k];
        int[] argmax = new int[y.Length];
        ConvReluMaxPool.Forward(x, w, b, y, argmax, scratch, n, k, conv, pool, team);
        ConvReluMaxPool.Backward(
            x, w, y, argmax, dY, dW, dB, default, scratch, new float[Conv2DLowered.PartialsLength(n, k, conv)], Array.Empty<float>(), n, k, conv, pool, team);
        return (dW, dB);
    }

    // A destination full of a value no kernel writes, so a place left unwritten shows.
    private static float[] Filled(int length) => Enumerable.Repeat(123.5f, length).ToArray();

    private static double Scale(float[] values) => values.Max(v => Math.Abs((double)v));
}
