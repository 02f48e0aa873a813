namespace ScratchNet.Data.Idx;

/// <summary>
/// What an IDX file's header declares, read before any of its data: the dimensions, outermost first. A pair of files can be
/// checked against each other on these alone, so a header that declares two billion labels beside 600 images is refused
/// before two gigabytes are inflated to find out.
/// </summary>
public sealed record IdxHeader(int[] Dimensions)
{
    /// <summary>The outermost dimension: images or labels in the file.</summary>
    public int Count => Dimensions[0];

    /// <summary>The data bytes the header declares.</summary>
    public long DataBytes => Dimensions.Aggregate(1L, (product, d) => product * d);
}
