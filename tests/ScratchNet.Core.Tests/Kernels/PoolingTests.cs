using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Tests.Kernels;

public class PoolingTests
{
    // (n, C, H, W, k, stride): tiling windows, odd sizes that drop a last partial window, and overlapping windows (stride < k).
    // The 2 × 2, stride 2 windows on even widths take the vector path (MaxPool2x2): rows shorter and longer than its 32-value
    // chunks, an odd height, planes of fewer than 16 outputs, and a plane of more outputs than one band (70 × 70 → 35 × 35).
    private static readonly object[] Geometries =
    [
        new[] { 2, 3, 4, 4, 2, 2 },
        new[] { 3, 2, 7, 5, 2, 2 },
        new[] { 2, 2, 7, 7, 3, 2 },
        new[] { 1, 1, 5, 6, 3, 1 },
        new[] { 2, 16, 28, 28, 2, 2 },
        new[] { 3, 2, 9, 14, 2, 2 },
        new[] { 2, 3, 6, 36, 2, 2 },
        new[] { 1, 2, 2, 2, 2, 2 },
        new[] { 2, 1, 70, 70, 2, 2 },
    ];

    private static (int N, Window2D Window) Read(int[] g) => (g[0], new Window2D(g[1], g[2], g[3], g[4], g[4], g[5]));

    [TestCaseSource(nameof(Geometries))]
    public void Max_ForwardAndBackward_MatchNaive(int[] geometry)
    {
        (int n, Window2D window) = Read(geometry);
        float[] x = TestData.Uniform(n * window.InputSize, 1);
        float[] dY = TestData.Uniform(n * window.Channels * window.OutPlane, 2);
        var expectedY = new float[dY.Length];
        var expectedDX = new float[x.Length];
        PoolingNaive.MaxForward(x, expectedY, n, window);
        PoolingNaive.MaxBackward(x, dY, expectedDX, n, window);

        float[] y = TestData.Uniform(dY.Length, 3), dX = TestData.Uniform(x.Length, 4);
        var argmax = new int[dY.Length];
        Pooling.MaxForward(x, y, argmax, n, window);
        Pooling.MaxBackward(dY, argmax, dX, n, window);
        Assert.That(y, Is.EqualTo(expectedY));
        TestData.AssertClose(dX, expectedDX, 1e-6, 1e-6, "dX");
    }

    [TestCaseSource(nameof(Geometries))]
    public void Avg_ForwardAndBackward_MatchNaive(int[] geometry)
    {
        (int n, Window2D window) = Read(geometry);
        float[] x = TestData.Uniform(n * window.InputSize, 5);
        float[] dY = TestData.Uniform(n * window.Channels * window.OutPlane, 6);
        var expectedY = new float[dY.Length];
        var expectedDX = new float[x.Length];
        PoolingNaive.AvgForward(x, expectedY, n, window);
        PoolingNaive.AvgBackward(dY, expectedDX, n, window);

        float[] y = TestData.Uniform(dY.Length, 7), dX = TestData.Uniform(x.Length, 8);
        Pooling.AvgForward(x, y, n, window);
        Pooling.AvgBackward(dY, dX, n, window);
        TestData.AssertClose(y, expectedY, 1e-5, 1e-6, "y");
        TestData.AssertClose(dX, expectedDX, 1e-5, 1e-6, "dX");
    }

    [TestCase(2, 2)]
    [TestCase(3, 1)]
    public void Max_PicksTiesAndNaNsAsTheNaiveScan(int kernel, int stride)
    {
        // Values from a small set, so windows hold ties, and NaNs in a tenth of the places: the vector path's tree of picks
        // and the generic scan must agree with the naive one on the value and on where each gradient goes.
        var window = new Window2D(3, 10, 14, kernel, kernel, stride);
        const int n = 2;
        float[] x = TestData.Uniform(n * window.InputSize, 9).Select((v, i) => i % 10 == 3 ? float.NaN : MathF.Round(v * 2f)).ToArray();
        float[] dY = TestData.Uniform(n * window.Channels * window.OutPlane, 10).Select(v => MathF.Round(v * 8f)).ToArray(); // sums exact
        var expectedY = new float[dY.Length];
        var expectedDX = new float[x.Length];
        PoolingNaive.MaxForward(x, expectedY, n, window);
        PoolingNaive.MaxBackward(x, dY, expectedDX, n, window);

        var y = new float[dY.Length];
        var dX = new float[x.Length];
        var argmax = new int[dY.Length];
        Pooling.MaxForward(x, y, argmax, n, window);
        Pooling.MaxBackward(dY, argmax, dX, n, window);
        Assert.That(y, Is.EqualTo(expectedY));
        Assert.That(dX, Is.EqualTo(expectedDX));
    }

    // One image as one flat run (MaxPool2x2.ForwardImage, the fused block's pooling): Forward's values and argmax bit for
    // bit, ties and NaNs included, on planes of even sizes: rows of 2 to 32, fewer outputs than a vector, 32 planes of 14 × 14.
    [TestCase(1, 2, 2)]
    [TestCase(3, 4, 6)]
    [TestCase(32, 14, 14)]
    [TestCase(5, 10, 32)]
    [TestCase(2, 6, 20)]
    public void MaxForwardImage_GivesForwardsPicksBitForBit(int channels, int height, int width)
    {
        var window = new Window2D(channels, height, width, 2, 2, 2);
        Assert.That(MaxPool2x2.HandlesImage(window), Is.True);
        float[] x = TestData.Uniform(window.InputSize, 11).Select((v, i) => i % 10 == 3 ? float.NaN : MathF.Round(v * 2f)).ToArray();
        int outputs = channels * window.OutPlane;
        var expectedY = new float[outputs];
        var expectedArgmax = new int[outputs];
        Pooling.MaxForward(x, expectedY, expectedArgmax, 1, window);

        float[] y = Enumerable.Repeat(7f, outputs + 3).ToArray();
        int[] argmax = Enumerable.Repeat(-1, outputs + 3).ToArray();
        float[] halves = Enumerable.Repeat(float.NaN, MaxPool2x2.ImageScratchLength(window)).ToArray();
        MaxPool2x2.ForwardImage(x, y.AsSpan(0, outputs), argmax.AsSpan(0, outputs), halves, window);
        Assert.That(y[..outputs].Select(BitConverter.SingleToInt32Bits), Is.EqualTo(expectedY.Select(BitConverter.SingleToInt32Bits)));
        Assert.That(argmax[..outputs], Is.EqualTo(expectedArgmax));
        Assert.That(y[outputs..], Is.All.EqualTo(7f), "nothing written past y");
        Assert.That(argmax[outputs..], Is.All.EqualTo(-1), "nothing written past argmax");
    }

    [Test]
    public void MaxForwardImage_TakesOnlyEvenPlanesOfRowsUpTo32()
    {
        Assert.That(MaxPool2x2.HandlesImage(new Window2D(2, 7, 6, 2, 2, 2)), Is.False, "odd height");
        Assert.That(MaxPool2x2.HandlesImage(new Window2D(2, 6, 7, 2, 2, 2)), Is.False, "odd width");
        Assert.That(MaxPool2x2.HandlesImage(new Window2D(2, 6, 34, 2, 2, 2)), Is.False, "rows of 34");
        Assert.That(MaxPool2x2.HandlesImage(new Window2D(2, 6, 6, 3, 3, 2)), Is.False, "3 × 3 windows");
    }

    [Test]
    public void Max_RoutesATieToTheFirstMaximum_AsPyTorch()
    {
        float[] x = [5, 5, 5, 5];
        var y = new float[1];
        var argmax = new int[1];
        var dX = new float[4];
        var window = new Window2D(1, 2, 2, 2, 2, 2);
        Pooling.MaxForward(x, y, argmax, 1, window);
        Pooling.MaxBackward([1f], argmax, dX, 1, window);
        Assert.That(dX, Is.EqualTo(new float[] { 1, 0, 0, 0 }));
    }

    [Test]
    public void Max_SendsEachGradientOnlyToItsWindowsMaximum()
    {
        // One 4 × 4 image, 2 × 2 windows: the maxima are 6, 8, 14 and 16, at flat positions 5, 7, 13, 15.
        float[] x = Enumerable.Range(1, 16).Select(v => (float)v).ToArray();
        var y = new float[4];
        var argmax = new int[4];
        var dX = new float[16];
        var window = new Window2D(1, 4, 4, 2, 2, 2);
        Pooling.MaxForward(x, y, argmax, 1, window);
        Pooling.MaxBackward([1f, 2f, 3f, 4f], argmax, dX, 1, window);
        Assert.That(y, Is.EqualTo(new float[] { 6, 8, 14, 16 }));
        Assert.That(argmax, Is.EqualTo(new[] { 5, 7, 13, 15 }));
        Assert.That(dX.Select((v, i) => (i, v)).Where(p => p.v != 0), Is.EqualTo(new[] { (5, 1f), (7, 2f), (13, 3f), (15, 4f) }));
    }

    [Test]
    public void Throws_WhenLengthsMismatch()
    {
        var window = new Window2D(2, 4, 4, 2, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => Pooling.AvgForward(new float[31], new float[8], 1, window));
        Assert.That(e!.Message, Does.Contain("x has 31 values, but a (1, 32) matrix needs 32"));
    }

    [Test]
    public void Throws_WhenDestinationTooShort()
    {
        var window = new Window2D(2, 4, 4, 2, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => Pooling.MaxForward(new float[32], new float[7], new int[8], 1, window));
        Assert.That(e!.Message, Does.Contain("y has 7 values, but a (1, 8) matrix needs 8"));
        e = Assert.Throws<ArgumentException>(() => Pooling.MaxForward(new float[32], new float[8], new int[7], 1, window));
        Assert.That(e!.Message, Does.Contain("argmax has 7 values"));
    }
}
