using System.Runtime.InteropServices;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Tests.Kernels;

/// <summary>
/// The Vector&lt;T&gt; product machines without AVX-512 run. Called directly, so it is tested here too: each element is
/// the same fma chain as on the Vector512 path, so the two must agree bit for bit, whatever the shape.
/// </summary>
public class GemmVectorTests
{
    [TestCaseSource(typeof(ProductCases), nameof(ProductCases.Fixed))]
    public void Forward_EqualsTheVector512Path_BitForBit(int[] shape)
    {
        DenseOperands d = ProductCases.Dense(shape, 71);
        var expected = new float[d.N * d.Out];
        MatMul.Forward(d.X, d.W, d.B, expected, d.N, d.In, d.Out);

        GemmVector.Run(
            ref MemoryMarshal.GetArrayDataReference(d.X), d.In, 1, ref MemoryMarshal.GetArrayDataReference(d.W),
            ref MemoryMarshal.GetArrayDataReference(d.B), TileStart.Bias, ref MemoryMarshal.GetArrayDataReference(d.Y), d.In, d.Out, 0, d.N, 0, d.Out);

        Assert.That(d.Y, Is.EqualTo(expected));
    }

    [TestCaseSource(typeof(ProductCases), nameof(ProductCases.Fixed))]
    public void BackwardWeights_ThroughTheTransposedStrides_EqualsTheVector512Path_BitForBit(int[] shape)
    {
        DenseOperands d = ProductCases.Dense(shape, 75);
        var expected = new float[d.In * d.Out];
        MatMul.BackwardWeights(d.X, d.DY, expected, d.N, d.In, d.Out);

        float unused = 0f;
        GemmVector.Run(
            ref MemoryMarshal.GetArrayDataReference(d.X), 1, d.In, ref MemoryMarshal.GetArrayDataReference(d.DY),
            ref unused, TileStart.Zero, ref MemoryMarshal.GetArrayDataReference(d.DW), d.N, d.Out, 0, d.In, 0, d.Out);

        Assert.That(d.DW, Is.EqualTo(expected));
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
