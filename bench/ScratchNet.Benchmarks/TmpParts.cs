using BenchmarkDotNet.Attributes;
using ScratchNet.Data;
using ScratchNet.Data.Augmentation;

namespace ScratchNet.Benchmarks;

[MemoryDiagnoser]
public class TmpParts
{
    private byte[] _image = new byte[784];
    private byte[] _padded = new byte[ImageWarp.PaddedLength(28, 28)];
    private float[] _y = new float[784];
    private float[] _dx = new float[784], _dy = new float[784];
    private float[] _kernel = ElasticField.Kernel(4);
    private float[] _scratch = new float[ElasticField.ScratchLength(28, 28, 12)];
    private InverseAffine _map = new AffineMap(7, 1.05f, 1.3f, -0.7f).Inverse(28, 28);
    private ImageAugmenter _aug = new(new AugmentationOptions { Enabled = true }, new ImageShape(1, 28, 28), 3);
    private int _row;

    [Benchmark] public void Pad() => ImageWarp.Pad(_image, _padded, 28, 28);
    [Benchmark] public void Warp() => ImageWarp.Forward(_padded, [], [], _y, 28, 28, _map);
    [Benchmark] public void WarpDisplaced() => ImageWarp.Forward(_padded, _dx, _dy, _y, 28, 28, _map);
    [Benchmark] public void Field() => ElasticField.Generate(5, _kernel, 34f, _scratch, _dx, _dy, 28, 28);
    [Benchmark] public AffineMap Draw() => _aug.MapFor(1, _row++);
    [Benchmark] public InverseAffine Inverse() => new AffineMap(7, 1.05f, 1.3f, -0.7f + _row++).Inverse(28, 28);
}
