using ScratchNet.Core.Layers;

namespace ScratchNet.Data.Augmentation;

/// <summary>
/// Draws each training image's random transform and applies it as the batch is gathered: an affine map (rotation,
/// scale, shift) and, when configured, an elastic displacement field, through <see cref="ImageWarp"/> and
/// <see cref="ElasticField"/>. The draw depends only on (seed, epoch, row) (see <see cref="StatelessRandom"/>), so
/// a resumed run sees the same images as one that never stopped. Owns its scratch buffers, allocated once, so
/// applying it allocates nothing; one instance serves one thread.
/// </summary>
public sealed class ImageAugmenter
{
    private const ulong ElasticStream = 0x0E1A_5710_C0DE_0001UL;

    private readonly ulong _seed;
    private readonly byte[] _padded;
    private readonly float[] _kernel = [];
    private readonly float[] _scratch = [];
    private readonly float[] _dx = [];
    private readonly float[] _dy = [];

    /// <param name="options">Validated <c>Data:Augment</c> settings; they are copied.</param>
    /// <param name="shape">The images' shape; every channel plane gets the same transform.</param>
    /// <param name="seed">Seeds every draw.</param>
    public ImageAugmenter(AugmentationOptions options, Shape shape, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shape.Channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shape.Height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shape.Width);
        Options = new AugmentationOptions
        {
            Enabled = options.Enabled,
            MaxShift = options.MaxShift,
            MaxRotationDegrees = options.MaxRotationDegrees,
            ScaleRange = options.ScaleRange,
            Elastic = options.Elastic,
            ElasticAlpha = options.ElasticAlpha,
            ElasticSigma = options.ElasticSigma,
        };
        Shape = shape;
        _seed = seed;
        _padded = new byte[ImageWarp.PaddedLength(shape.Height, shape.Width)];
        if (options.Elastic)
        {
            _kernel = ElasticField.Kernel(options.ElasticSigma);
            _scratch = new float[ElasticField.ScratchLength(shape.Height, shape.Width, _kernel.Length / 2)];
            _dx = new float[shape.Plane];
            _dy = new float[shape.Plane];
        }
    }

    /// <summary>A copy of the settings it was built with.</summary>
    public AugmentationOptions Options { get; }

    public Shape Shape { get; }

    /// <summary>The affine transform training row <paramref name="row"/> gets in epoch <paramref name="epoch"/>.</summary>
    public AffineMap MapFor(int epoch, int row) => MapFor(StatelessRandom.Key(_seed, epoch, row));

    /// <summary>Writes training row <paramref name="row"/>'s image as epoch <paramref name="epoch"/> sees it, as floats in [0, 1].</summary>
    // image: (Shape.Size) bytes · destination: (Shape.Size)
    public void Apply(ReadOnlySpan<byte> image, int epoch, int row, Span<float> destination)
    {
        int plane = Shape.Plane;
        if (image.Length != Shape.Size || destination.Length < Shape.Size)
        {
            throw new ArgumentException($"image holds {image.Length} pixels and destination {destination.Length} floats, but a {Shape} image has {Shape.Size}", nameof(image));
        }

        ulong key = StatelessRandom.Key(_seed, epoch, row);
        InverseAffine inverse = MapFor(key).Inverse(Shape.Height, Shape.Width);
        ReadOnlySpan<float> dx = [];
        ReadOnlySpan<float> dy = [];
        if (Options.Elastic)
        {
            ElasticField.Generate(StatelessRandom.Mix(key ^ ElasticStream), _kernel, (float)Options.ElasticAlpha, _scratch, _dx, _dy, Shape.Height, Shape.Width);
            dx = _dx;
            dy = _dy;
        }

        for (int c = 0; c < Shape.Channels; c++)
        {
            ImageWarp.Pad(image.Slice(c * plane, plane), _padded, Shape.Height, Shape.Width);
            ImageWarp.Forward(_padded, dx, dy, destination.Slice(c * plane, plane), Shape.Height, Shape.Width, inverse);
        }
    }

    private AffineMap MapFor(ulong key) => new(
        (float)(StatelessRandom.Symmetric(key, 0) * Options.MaxRotationDegrees),
        (float)(1 + (StatelessRandom.Symmetric(key, 1) * Options.ScaleRange)),
        (float)(StatelessRandom.Symmetric(key, 2) * Options.MaxShift),
        (float)(StatelessRandom.Symmetric(key, 3) * Options.MaxShift));
}
