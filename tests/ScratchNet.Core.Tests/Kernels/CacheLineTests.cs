using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ScratchNet.Core.Kernels;

namespace ScratchNet.Core.Tests.Kernels;

/// <summary>Scratch that vector loads stream through must start on a 64-byte line, wherever the runtime put the array.</summary>
public class CacheLineTests
{
    [Test]
    public void Aligned_StartsOnALine_InsideTheBuffer_WhereverTheBufferStarts()
    {
        float[] array = GC.AllocateArray<float>(200, pinned: true); // pinned: a move between the two reads would shift the address
        for (int skew = 0; skew < CacheLine.Floats; skew++)
        {
            Span<float> buffer = array.AsSpan(skew, CacheLine.AlignedLength(100));
            Span<float> aligned = CacheLine.Aligned(buffer, 100);
            long address = Unsafe.ByteOffset(ref Unsafe.NullRef<float>(), ref MemoryMarshal.GetReference(aligned));
            long offset = Unsafe.ByteOffset(ref MemoryMarshal.GetReference(buffer), ref MemoryMarshal.GetReference(aligned)) / sizeof(float);
            Assert.That(address % 64, Is.Zero, $"skew {skew}");
            Assert.That(aligned.Length, Is.EqualTo(100));
            Assert.That(offset, Is.InRange(0, CacheLine.Floats - 1), "the slice starts inside the buffer and ends inside it");
        }
    }

    [Test]
    public void Aligned_RefusesABufferTooShortForTheSkew()
    {
        float[] array = new float[100];
        Assert.Throws<ArgumentException>(() => CacheLine.Aligned(array.AsSpan(), 100));
    }

    [Test]
    public void Pinned_KeepsItsArrayWhileLongEnough_AndGrowsItWhenNot()
    {
        float[]? held = null;
        float[] first = CacheLine.Pinned(ref held, 64);
        Assert.That(CacheLine.Pinned(ref held, 32), Is.SameAs(first));
        float[] grown = CacheLine.Pinned(ref held, 1000);
        Assert.That(grown, Is.Not.SameAs(first));
        Assert.That(grown.Length, Is.GreaterThanOrEqualTo(CacheLine.AlignedLength(1000)));
        Assert.That(held, Is.SameAs(grown));
    }
}
