namespace ScratchNet.Core.Layers;

/// <summary>
/// A layer whose forward pass is piecewise smooth: a ReLU is one of two lines on each side of 0, a max-pool passes on
/// whichever input of its window wins. Its pieces, one number per unit, say which piece each unit of the last forward pass
/// took. A finite difference whose step changes any of them has crossed a kink and measures the kink, not the gradient;
/// the gradient check compares them to tell.
/// </summary>
public interface IPiecewiseLayer : ILayer
{
    /// <summary>Pieces per row: one per unit that has more than one piece, 0 for a layer whose function has none (sigmoid).</summary>
    int PiecesPerRow { get; }

    // destination: (n, PiecesPerRow), overwritten
    /// <summary>Which piece each unit of the last forward pass's first <paramref name="n"/> rows took.</summary>
    void CopyPieces(int n, Span<int> destination);
}
