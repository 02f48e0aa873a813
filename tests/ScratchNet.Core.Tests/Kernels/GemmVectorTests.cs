using System.Runtime.InteropServices;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Tests.Kernels;

/// <summary>
/// The Vector&lt;T&gt; product machines without AVX-512 run. Called directly, so it is tested here too: each element is
/// the same fma chain as on the Vector512 path, so the two must agree bit for bit, whatever the shape.
/// </summary>
public class GemmVectorTests
{
    private static readonly object[] Shapes =
    [
        new[] { 32, 784, 128 }, new[] { 32, 128, 64 }, new[] { 32, 64, 10 },
        new[] { 1, 1, 1 }, new[] { 3, 5, 7 }, new[] { 5, 17, 65 }, new[] { 7, 33, 130 }, new[] { 4, 64, 64 },
        new[] { 9, 3, 16 }, new[] { 13, 100, 79 }, new[] { 6, 20, 40 },
    ];

    [TestCaseSource(nameof(Shapes))]
    public void Forward_EqualsTheVector512Path_BitForBit(int[] shape)
    {
        (int n, int inF, int outF) = (shape[0], shape[1], shape[2]);
        float[] x = TestData.Uniform(n * inF, 71);
        float[] w = TestData.Uniform(inF * outF, 72);
        float[] b = TestData.Uniform(outF, 73);
        var expected = new float[n * outF];
        float[] actual = TestData.Uniform(n * outF, 74);
        MatMul.Forward(x, w, b, expected, n, inF, outF);

        GemmVector.Run(
            ref MemoryMarshal.GetArrayDataReference(x), inF, 1, ref MemoryMarshal.GetArrayDataReference(w),
            ref MemoryMarshal.GetArrayDataReference(b), TileStart.Bias, ref MemoryMarshal.GetArrayDataReference(actual), inF, outF, 0, n, 0, outF);

        Assert.That(actual, Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Shapes))]
    public void BackwardWeights_ThroughTheTransposedStrides_EqualsTheVector512Path_BitForBit(int[] shape)
    {
        (int n, int inF, int outF) = (shape[0], shape[1], shape[2]);
        float[] x = TestData.Uniform(n * inF, 75);
        float[] dY = TestData.Uniform(n * outF, 76);
        var expected = new float[inF * outF];
        float[] actual = TestData.Uniform(inF * outF, 77);
        MatMul.BackwardWeights(x, dY, expected, n, inF, outF);

        float unused = 0f;
        GemmVector.Run(
            ref MemoryMarshal.GetArrayDataReference(x), 1, inF, ref MemoryMarshal.GetArrayDataReference(dY),
            ref unused, TileStart.Zero, ref MemoryMarshal.GetArrayDataReference(actual), n, outF, 0, inF, 0, outF);

        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void Run_WritesOnlyItsRowAndColumnRange()
    {
        (int n, int inF, int outF) = (9, 40, 70);
        float[] x = TestData.Uniform(n * inF, 78);
        float[] w = TestData.Uniform(inF * outF, 79);
        float[] actual = TestData.Uniform(n * outF, 80);
        float[] before = (float[])actual.Clone();
        float unused = 0f;

        GemmVector.Run(
            ref MemoryMarshal.GetArrayDataReference(x), inF, 1, ref MemoryMarshal.GetArrayDataReference(w),
            ref unused, TileStart.Zero, ref MemoryMarshal.GetArrayDataReference(actual), inF, outF, 2, 7, 5, 60);

        var expected = new float[n * outF];
        MatMulNaive.Forward(x, w, default, expected, n, inF, outF);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < outF; j++)
            {
                bool inside = i >= 2 && i < 7 && j >= 5 && j < 60;
                float value = actual[(i * outF) + j];
                if (inside)
                {
                    Assert.That(value, Is.EqualTo(expected[(i * outF) + j]).Within(1e-4f), $"({i}, {j})");
                }
                else
                {
                    Assert.That(value, Is.EqualTo(before[(i * outF) + j]), $"({i}, {j}) outside the range changed");
                }
            }
        }
    }
}
