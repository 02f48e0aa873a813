using System.Runtime.Intrinsics;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Tests.Kernels;

/// <summary>
/// The packed, cache-blocked engine called directly (<see cref="MatMul"/> only picks it for large op(B)), and the
/// plan that picks it: on any shape and layout it must give the bits of the direct tiles and of the fma chain.
/// </summary>
public class GemmBlockedTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        int[][] shapes = [[1, 1, 1], [8, 256, 32], [9, 257, 33], [23, 600, 70], [5, 3, 300], [70, 513, 290]];
        foreach (int[] s in shapes)
        {
            foreach ((bool transposeA, bool transposeB, _) in ProductCases.Layouts().Where(layout => !layout.Accumulate))
            {
                yield return new TestCaseData(s[0], s[1], s[2], transposeA, transposeB);
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Blocked_EqualsTheFmaChain_WithBiasAndWhenAccumulating(int m, int k, int n, bool transposeA, bool transposeB)
    {
        float[] a = TestData.Uniform(m * k, 81);
        float[] b = TestData.Uniform(k * n, 82);
        float[] bias = TestData.Uniform(n, 83);
        float[] c = TestData.Uniform(m * n, 84);

        float[] expected = (float[])c.Clone();
        float[] actual = (float[])c.Clone();
        FmaChain.Multiply(a, b, bias, expected, m, k, n, transposeA, transposeB, accumulate: false);
        GemmBlocked.Run(new Operands(a, transposeA, b, transposeB, bias, actual, m, k, n, accumulate: false), 0, m, 0, n, PackBuffers.Current);
        Assert.That(actual, Is.EqualTo(expected), "with bias");

        expected = (float[])c.Clone();
        actual = (float[])c.Clone();
        FmaChain.Multiply(a, b, null, expected, m, k, n, transposeA, transposeB, accumulate: true);
        GemmBlocked.Run(new Operands(a, transposeA, b, transposeB, default, actual, m, k, n, accumulate: true), 0, m, 0, n, PackBuffers.Current);
        Assert.That(actual, Is.EqualTo(expected), "accumulating");
    }

    [TestCaseSource(nameof(Cases))]
    public void VectorKernel_EqualsTheVector512Kernel_BitForBit(int m, int k, int n, bool transposeA, bool transposeB)
    {
        float[] a = TestData.Uniform(m * k, 85);
        float[] b = TestData.Uniform(k * n, 86);
        float[] bias = TestData.Uniform(n, 87);
        var expected = new float[m * n];
        var actual = new float[m * n];
        FmaChain.Multiply(a, b, bias, expected, m, k, n, transposeA, transposeB, accumulate: false);
        GemmBlocked.Run(new Operands(a, transposeA, b, transposeB, bias, actual, m, k, n, accumulate: false), 0, m, 0, n, PackBuffers.Current, vector512: false);
        Assert.That(actual, Is.EqualTo(expected));
        if (Vector512.IsHardwareAccelerated)
        {
            var with512 = new float[m * n];
            GemmBlocked.Run(new Operands(a, transposeA, b, transposeB, bias, with512, m, k, n, accumulate: false), 0, m, 0, n, PackBuffers.Current, vector512: true);
            Assert.That(actual, Is.EqualTo(with512));
        }
    }

    [Test]
    public void Blocked_WritesOnlyItsRowAndColumnRange()
    {
        (int m, int k, int n) = (45, 300, 100);
        float[] a = TestData.Uniform(m * k, 88);
        float[] b = TestData.Uniform(k * n, 89);
        float[] actual = TestData.Uniform(m * n, 90);
        float[] before = (float[])actual.Clone();
        GemmBlocked.Run(new Operands(a, false, b, false, default, actual, m, k, n, accumulate: false), 3, 29, 7, 70, PackBuffers.Current);

        var whole = new float[m * n];
        FmaChain.Multiply(a, b, null, whole, m, k, n, false, false, false);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                bool inside = i >= 3 && i < 29 && j >= 7 && j < 70;
                Assert.That(actual[(i * n) + j], Is.EqualTo(inside ? whole[(i * n) + j] : before[(i * n) + j]), $"({i}, {j}) {(inside ? "inside" : "outside")} the range");
            }
        }
    }

    [TestCase(32, 784, 128, false)]
    [TestCase(512, 784, 128, false)]
    [TestCase(12544, 144, 32, false)]
    [TestCase(64, 300, 400, false)]
    [TestCase(128, 784, 512, true)]
    [TestCase(256, 2048, 2048, true)]
    public void Plan_PacksOnlyWhenOpBOutgrowsHalfOfL2(int m, int k, int n, bool blocked)
    {
        ProductPlan plan = ProductPlan.For(m, k, n, transposeB: false, threads: 1);
        bool vectorised = Vector512.IsHardwareAccelerated || System.Numerics.Vector.IsHardwareAccelerated;
        Assert.That(plan.Blocked, Is.EqualTo(blocked && vectorised), "without a vector unit everything runs the direct scalar loop");
        Assert.That(plan.Parts, Is.EqualTo(1));
    }

    [TestCase(1, 1, 1, 2)]
    [TestCase(32, 784, 128, 2)]
    [TestCase(256, 2048, 1000, 2)]
    [TestCase(1500, 256, 700, 3)]
    [TestCase(100, 300, 33, 4)]
    public void Plan_PartsCoverEveryElementOfCOnce(int m, int k, int n, int threads)
    {
        ProductPlan plan = ProductPlan.For(m, k, n, transposeB: true, threads);
        var covered = new int[m * n];
        for (int part = 0; part < plan.Parts; part++)
        {
            (int rowStart, int rowEnd, int columnStart, int columnEnd) = plan.Range(part);
            for (int i = rowStart; i < rowEnd; i++)
            {
                for (int j = columnStart; j < columnEnd; j++)
                {
                    covered[(i * n) + j]++;
                }
            }
        }

        Assert.That(covered, Is.All.EqualTo(1));
        Assert.That(plan.Parts, Is.EqualTo(Math.Clamp(2L * m * k * n / MatMul.ParallelFlops, 1, threads)));
    }
}
