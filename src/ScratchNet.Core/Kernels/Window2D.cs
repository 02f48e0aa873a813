using System.Globalization;

namespace ScratchNet.Core.Kernels;

/// <summary>
/// A kH × kW window sliding over images of (C, H, W), moved <see cref="Stride"/> pixels at a time over the image
/// framed by <see cref="Padding"/> zeros on every side: the geometry shared by convolution and pooling.
/// Output position (i, j) sees input rows i·stride − pad … i·stride − pad + kH − 1 (and the like for columns), so
/// <code>OutHeight = ⌊(H + 2·pad − kH) / stride⌋ + 1,   OutWidth = ⌊(W + 2·pad − kW) / stride⌋ + 1</code>
/// (PyTorch's floor mode: a last partial window is dropped).
/// </summary>
public readonly record struct Window2D
{
    /// <exception cref="ArgumentException">A size is not positive, the padding is negative, or the window does not fit the padded image.</exception>
    public Window2D(int channels, int height, int width, int kernelHeight, int kernelWidth, int stride = 1, int padding = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (height + (2 * padding) < kernelHeight || width + (2 * padding) < kernelWidth)
        {
            // A pool takes no padding: "padded by 0" would name a setting it does not have.
            throw new ArgumentException(padding == 0
                ? string.Create(CultureInfo.InvariantCulture, $"a {kernelHeight}x{kernelWidth} window does not fit {channels} × {height} × {width} inputs")
                : string.Create(CultureInfo.InvariantCulture, $"a {kernelHeight}x{kernelWidth} window does not fit {channels} × {height} × {width} inputs padded by {padding} ({height + (2 * padding)} × {width + (2 * padding)})"));
        }

        Channels = channels;
        Height = height;
        Width = width;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Stride = stride;
        Padding = padding;
    }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public int KernelHeight { get; }

    public int KernelWidth { get; }

    public int Stride { get; }

    public int Padding { get; }

    public int OutHeight => ((Height + (2 * Padding) - KernelHeight) / Stride) + 1;

    public int OutWidth => ((Width + (2 * Padding) - KernelWidth) / Stride) + 1;

    /// <summary>Values in one input image: C·H·W.</summary>
    public int InputSize => Channels * Height * Width;

    /// <summary>Output positions per channel: OutHeight·OutWidth.</summary>
    public int OutPlane => OutHeight * OutWidth;

    /// <summary>Values one window covers across all channels: C·kH·kW (a row of the unfolded matrix, see <see cref="Im2Col"/>).</summary>
    public int PatchSize => Channels * KernelHeight * KernelWidth;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{KernelHeight}x{KernelWidth} window, stride {Stride}, padding {Padding}, over {Channels} × {Height} × {Width} → {OutHeight} × {OutWidth}");
}
