using System.Globalization;
using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Diagnostics;

/// <summary>
/// The network's largest |value| and the tensor holding it: what names the cause when finite weights give a NaN or
/// infinite output. A model file's tensors are checked to be finite, but weights near float32's limit (3.4e38), or a
/// chain of merely large ones, overflow in the forward pass.
/// </summary>
/// <param name="Tensor">The parameter or state tensor (batch norm's running statistics count too), e.g. "dense0.weight".</param>
public readonly record struct LargestWeight(string Tensor, float Magnitude)
{
    public static LargestWeight Of(Sequential network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var largest = new LargestWeight("-", 0f);
        IEnumerable<(string Name, float[] Value)> tensors = network.Parameters.Select(p => (p.Name, p.Value)).Concat(network.State.Select(s => (s.Name, s.Value)));
        foreach ((string name, float[] value) in tensors)
        {
            foreach (float v in value)
            {
                // NaN compares false, so a NaN never wins; an ∞ does.
                if (Math.Abs(v) > largest.Magnitude)
                {
                    largest = new LargestWeight(name, Math.Abs(v));
                }
            }
        }

        return largest;
    }

    /// <summary>"largest |w| 3E+38, in dense0.weight".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"largest |w| {Magnitude:0.##E+00}, in {Tensor}");
}
