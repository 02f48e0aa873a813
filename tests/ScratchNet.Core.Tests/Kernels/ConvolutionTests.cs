using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Tests.Kernels;

public class ConvolutionTests
{
    // (n, C, H, W, K, kH, kW, stride, pad): odd sizes, non-square kernels and images, stride 2, padding, and the cnn recipe's layers.
    // Stride 1 with the output as wide as the input takes the flat lowering (Im2Col.IsFlat): 3 × 3 and 5 × 5 "same" padding, a
    // 5 × 3 kernel that shortens the output, 1 × 1, images narrower than a vector and wide ones.
    private static readonly object[] Geometries =
    [
        new[] { 2, 3, 8, 6, 4, 5, 5, 1, 2 },
        new[] { 2, 2, 9, 11, 3, 5, 3, 1, 1 },
        new[] { 1, 2, 5, 40, 3, 3, 3, 1, 1 },
        new[] { 2, 3, 17, 9, 2, 3, 3, 1, 1 },
        new[] { 2, 2, 5, 7, 3, 3, 3, 1, 1 },
        new[] { 3, 3, 7, 6, 2, 3, 2, 2, 0 },
        new[] { 2, 1, 6, 5, 4, 2, 2, 2, 1 },
        new[] { 1, 5, 9, 9, 7, 5, 5, 2, 2 },
        new[] { 2, 3, 4, 4, 2, 1, 1, 1, 0 },
        new[] { 1, 2, 3, 3, 3, 3, 3, 1, 0 },
        new[] { 2, 1, 28, 28, 16, 3, 3, 1, 1 },
        new[] { 2, 16, 14, 14, 32, 3, 3, 1, 1 },
    ];

    private static (int N, int K, Window2D Window) Read(int[] g) => (g[0], g[4], new Window2D(g[1], g[2], g[3], g[5], g[6], g[7], g[8]));

    [Test]
    public void Naive_ComputesAHandWorkedExample()
    {
        // x = [[1 2 3], [4 5 6], [7 8 9]], w = [[1 0], [0 −1]], b = 10: y[i,j] = 10 + x[i,j] − x[i+1,j+1] = 10 − 4 everywhere.
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        float[] w = [1, 0, 0, -1];
        var y = new float[4];
        Conv2DNaive.Forward(x, w, [10f], y, 1, 1, new Window2D(1, 3, 3, 2, 2));
        Assert.That(y, Is.EqualTo(new[] { 6f, 6f, 6f, 6f }));

        // Padding 1, stride 2: window (i, j) starts at (2i − 1, 2j − 1), so y = 10 + x[2i−1, 2j−1] − x[2i, 2j] with x = 0 in the padding:
        // 10 + 0 − 1, 10 + 0 − 3, 10 + 0 − 7, 10 + 5 − 9.
        var padded = new float[4];
        Conv2DNaive.Forward(x, w, [10f], padded, 1, 1, new Window2D(1, 3, 3, 2, 2, stride: 2, padding: 1));
        Assert.That(padded, Is.EqualTo(new[] { 9f, 7f, 3f, 6f }));
    }

    [Test]
    public void Window_GivesPyTorchsOutputSize()
    {
        Assert.That((new Window2D(1, 28, 28, 3, 3, 1, 1).OutHeight, new Window2D(1, 28, 28, 3, 3, 1, 1).OutWidth), Is.EqualTo((28, 28)));
        Assert.That(new Window2D(16, 28, 28, 2, 2, 2).OutHeight, Is.EqualTo(14));
        Assert.That(new Window2D(1, 7, 8, 3, 2, 2, 0).OutHeight, Is.EqualTo(3), "floor((7 − 3) / 2) + 1");
        Assert.That(new Window2D(1, 7, 8, 3, 2, 2, 0).OutWidth, Is.EqualTo(4), "floor((8 − 2) / 2) + 1");
    }

    [Test]
    public void Window_Throws_WhenTheKernelDoesNotFitThePaddedInput()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new Window2D(1, 3, 3, 5, 5));
        Assert.That(e!.Message, Does.EndWith("a 5x5 window does not fit 1 × 3 × 3 inputs"), "a pool, which takes no padding, is not said to be padded by 0");
        var padded = Assert.Throws<ArgumentException>(() => _ = new Window2D(1, 2, 2, 7, 7, padding: 1));
        Assert.That(padded!.Message, Does.EndWith("a 7x7 window does not fit 1 × 2 × 2 inputs padded by 1 (4 × 4)"));
    }

    [TestCaseSource(nameof(Geometries))]
    public void Forward_MatchesNaive(int[] geometry)
    {
        (int n, int k, Window2D window) = Read(geometry);
        float[] x = TestData.Uniform(n * window.InputSize, 1);
        float[] w = TestData.Uniform(k * window.PatchSize, 2);
        float[] b = TestData.Uniform(k, 3);
        var expected = new float[n * k * window.OutPlane];
        float[] actual = TestData.Uniform(expected.Length, 4);
        Conv2DNaive.Forward(x, w, b, expected, n, k, window);
        Conv2DLowered.Forward(x, w, b, actual, new float[window.PatchSize * window.OutPlane], n, k, window);
        TestData.AssertClose(actual, expected, 1e-4, 1e-4, "y");
    }

    [TestCaseSource(nameof(Geometries))]
    public void Backward_MatchesNaive(int[] geometry)
    {
        (int n, int k, Window2D window) = Read(geometry);
        float[] x = TestData.Uniform(n * window.InputSize, 5);
        float[] w = TestData.Uniform(k * window.PatchSize, 6);
        float[] dY = TestData.Uniform(n * k * window.OutPlane, 7);
        var dWExpected = new float[w.Length];
        var dBExpected = new float[k];
        var dXExpected = new float[x.Length];
        Conv2DNaive.BackwardWeights(x, dY, dWExpected, dBExpected, n, k, window);
        Conv2DNaive.BackwardInput(dY, w, dXExpected, n, k, window);

        // Stale values in every destination: backward overwrites, it does not add to what was there.
        float[] dW = TestData.Uniform(w.Length, 8), dB = TestData.Uniform(k, 9), dX = TestData.Uniform(x.Length, 10);
        int scratch = window.PatchSize * window.OutPlane;
        Conv2DLowered.Backward(x, w, dY, dW, dB, dX, new float[scratch], new float[scratch], new float[w.Length], n, k, window);
        TestData.AssertClose(dW, dWExpected, 1e-4, 1e-4, "dW");
        TestData.AssertClose(dB, dBExpected, 1e-4, 1e-4, "dB");
        TestData.AssertClose(dX, dXExpected, 1e-4, 1e-4, "dX");
    }

    [Test]
    public void Backward_WithoutAnInputGradient_StillFillsDWAndDB()
    {
        (int n, int k, Window2D window) = Read((int[])Geometries[1]);
        float[] x = TestData.Uniform(n * window.InputSize, 11);
        float[] w = TestData.Uniform(k * window.PatchSize, 12);
        float[] dY = TestData.Uniform(n * k * window.OutPlane, 13);
        var dWExpected = new float[w.Length];
        var dBExpected = new float[k];
        Conv2DNaive.BackwardWeights(x, dY, dWExpected, dBExpected, n, k, window);
        var dW = new float[w.Length];
        var dB = new float[k];
        Conv2DLowered.Backward(x, w, dY, dW, dB, default, new float[window.PatchSize * window.OutPlane], default, new float[w.Length], n, k, window);
        TestData.AssertClose(dW, dWExpected, 1e-4, 1e-4, "dW");
        TestData.AssertClose(dB, dBExpected, 1e-4, 1e-4, "dB");
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void TeamOverloads_MatchNaive_AndGiveTheSameBitsOnEveryThreadCount(int threads)
    {
        // 19 images: groups of 8, 8 and 3 for the weight gradient, shared out over the threads; forward splits the images.
        const int n = 19, k = 4;
        var window = new Window2D(3, 6, 9, 3, 3, 1, 1);
        float[] x = TestData.Uniform(n * window.InputSize, 21), w = TestData.Uniform(k * window.PatchSize, 22), b = TestData.Uniform(k, 23);
        float[] dY = TestData.Uniform(n * k * window.OutPlane, 24);
        (float[] y, float[] dW, float[] dB, float[] dX) Run(ComputeTeam? team)
        {
            var y = new float[dY.Length];
            var dW = new float[w.Length];
            var dB = new float[k];
            var dX = new float[x.Length];
            var scratch = new float[(team?.Threads ?? 1) * Conv2DLowered.ScratchPerThread(k, window)];
            Conv2DLowered.Forward(x, w, b, y, scratch, n, k, window, team);
            Conv2DLowered.Backward(x, w, dY, dW, dB, dX, scratch, new float[Conv2DLowered.PartialsLength(n, k, window)], n, k, window, team);
            return (y, dW, dB, dX);
        }

        using var team = new ComputeTeam(threads);
        (float[] y, float[] dW, float[] dB, float[] dX) = Run(team);
        (float[] y1, float[] dW1, float[] dB1, float[] dX1) = Run(null);
        Assert.That((y, dW, dB, dX), Is.EqualTo((y1, dW1, dB1, dX1)));

        var dWExpected = new float[w.Length];
        var dBExpected = new float[k];
        var dXExpected = new float[x.Length];
        var yExpected = new float[y.Length];
        Conv2DNaive.Forward(x, w, b, yExpected, n, k, window);
        Conv2DNaive.BackwardWeights(x, dY, dWExpected, dBExpected, n, k, window);
        Conv2DNaive.BackwardInput(dY, w, dXExpected, n, k, window);
        TestData.AssertClose(y, yExpected, 1e-4, 1e-4, "y");
        TestData.AssertClose(dW, dWExpected, 1e-4, 1e-4, "dW");
        TestData.AssertClose(dB, dBExpected, 1e-4, 1e-4, "dB");
        TestData.AssertClose(dX, dXExpected, 1e-4, 1e-4, "dX");
    }

    [TestCaseSource(nameof(Geometries))]
    public void Col2Im_IsTheAdjointOfIm2Col(int[] geometry)
    {
        // ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ for every x and c: the backward fold is exactly the transpose of the unfold.
        Window2D window = Read(geometry).Window;
        float[] x = TestData.Uniform(window.InputSize, 14);
        float[] c = TestData.Uniform(window.PatchSize * window.OutPlane, 15);
        var cols = new float[c.Length];
        var folded = new float[x.Length];
        Im2Col.Forward(x, cols, window);
        Col2Im.Backward(c, folded, window);
        double left = cols.Zip(c, (a, b) => (double)a * b).Sum();
        double right = x.Zip(folded, (a, b) => (double)a * b).Sum();
        Assert.That(left, Is.EqualTo(right).Within(1e-4 * (1 + Math.Abs(right))));
    }

    [Test]
    public void Im2Col_PutsZerosWhereTheWindowLiesInThePadding()
    {
        // One 2 × 2 image, a 3 × 3 window with padding 1: output (0, 0) sees x[0,0] at tap (1, 1) and padding at every tap of row 0.
        float[] x = [1, 2, 3, 4];
        var window = new Window2D(1, 2, 2, 3, 3, 1, 1);
        var cols = new float[9 * 4];
        Im2Col.Forward(x, cols, window);
        Assert.That(cols.AsSpan(0, 4).ToArray(), Is.EqualTo(new float[] { 0, 0, 0, 1 }), "tap (0, 0) sees x[i−1, j−1]");
        Assert.That(cols.AsSpan(4 * 4, 4).ToArray(), Is.EqualTo(new float[] { 1, 2, 3, 4 }), "the centre tap sees x itself");
    }

    [Test]
    public void Forward_Throws_WhenLengthsMismatch()
    {
        var window = new Window2D(2, 5, 5, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => Conv2DLowered.Forward(new float[49], new float[4 * 18], new float[4], new float[4 * 9], new float[18 * 9], 1, 4, window));
        Assert.That(e!.Message, Does.Contain("x has 49 values, but a (1, 50) matrix needs 50"));
        e = Assert.Throws<ArgumentException>(() => Conv2DLowered.Forward(new float[50], new float[4 * 18], new float[3], new float[4 * 9], new float[18 * 9], 1, 4, window));
        Assert.That(e!.Message, Does.Contain("b has 3 values, but the layer has 4 output channels"));
    }

    [Test]
    public void Forward_Throws_WhenDestinationTooShort()
    {
        var window = new Window2D(2, 5, 5, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => Conv2DLowered.Forward(new float[50], new float[4 * 18], new float[4], new float[35], new float[18 * 9], 1, 4, window));
        Assert.That(e!.Message, Does.Contain("y has 35 values, but a (1, 36) matrix needs 36"));
        e = Assert.Throws<ArgumentException>(() => Conv2DLowered.Forward(new float[50], new float[4 * 18], new float[4], new float[36], new float[18 * 8], 1, 4, window));
        Assert.That(e!.Message, Does.Contain("cols has 144 values, but a (18, 9) matrix needs 162"));
    }

    [Test]
    public void ChannelBias_AddsAndSumsPerChannel()
    {
        // y: (2, 3, 5) — two images, three channels, five pixels each.
        float[] b = [1f, -2f, 0.5f];
        float[] y = TestData.Uniform(30, 16);
        float[] before = (float[])y.Clone();
        Bias.ForwardChannels(b, y, 2, 3, 5);
        for (int e = 0; e < 30; e++)
        {
            Assert.That(y[e], Is.EqualTo(before[e] + b[(e / 5) % 3]));
        }

        var dB = new float[] { 9f, 9f, 9f };
        Bias.BackwardChannels(before, dB, 2, 3, 5);
        for (int k = 0; k < 3; k++)
        {
            double expected = Enumerable.Range(0, 30).Where(e => (e / 5) % 3 == k).Sum(e => (double)before[e]);
            Assert.That(dB[k], Is.EqualTo(expected).Within(1e-5));
        }
    }
}
