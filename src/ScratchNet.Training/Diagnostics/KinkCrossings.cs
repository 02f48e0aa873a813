using ScratchNet.Core.Layers;

namespace ScratchNet.Training.Diagnostics;

/// <summary>
/// Which piece every unit of a network took in its last forward pass (a ReLU's side of 0, a max-pool's winner: see
/// <see cref="IPiecewiseLayer"/>), held for the pass where the parameters stand, so that a pass after a finite-difference step
/// can tell whether the step crossed a kink anywhere downstream of the entry it moved. A difference across a kink measures
/// the kink, not the gradient; on a deep narrow ReLU network a step as short as 1e-4 of one bias flips units in every later
/// layer, and neither one-sided difference is then the derivative that backpropagation computes.
/// </summary>
internal sealed class KinkCrossings
{
    private readonly IPiecewiseLayer[] _layers;
    private readonly int[][] _centre;
    private readonly int[] _scratch;
    private readonly int _rows;

    public KinkCrossings(Sequential network, int rows)
    {
        _rows = rows;
        _layers = [.. network.Layers.OfType<IPiecewiseLayer>().Where(l => l.PiecesPerRow > 0)];
        _centre = [.. _layers.Select(l => new int[rows * l.PiecesPerRow])];
        _scratch = new int[_layers.Length == 0 ? 0 : _layers.Max(l => rows * l.PiecesPerRow)];
    }

    /// <summary>Takes the last forward pass's pieces as the ones where the parameters stand.</summary>
    public void HoldCentre()
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i].CopyPieces(_rows, _centre[i]);
        }
    }

    /// <summary>Whether any unit of the last forward pass took another piece than at the centre.</summary>
    public bool Crossed()
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            Span<int> now = _scratch.AsSpan(0, _centre[i].Length);
            _layers[i].CopyPieces(_rows, now);
            if (!now.SequenceEqual(_centre[i]))
            {
                return true;
            }
        }

        return false;
    }
}
