using ScratchNet.Core.Activations;
using ScratchNet.Core.Layers;
using ScratchNet.Core.Losses;
using ScratchNet.Core.Random;
using ScratchNet.Training.Optimizers;

namespace ScratchNet.Training.Diagnostics;

/// <summary>
/// The checks for "why isn't it learning", run on a real network: is backpropagation right (finite differences),
/// how big are weights, gradients and updates, how many ReLUs are dead, and can it memorise one batch.
/// </summary>
public static class NetworkDiagnostics
{
    /// <summary>
    /// The vector relative error a gradient may show beyond the rounding noise of the differences (see
    /// <see cref="NoiseDeviations"/>). Central differences with h = 1e-2 land near 1e-4 on a correct MLP and up to ~1e-2 on a
    /// CNN with batch norm, whose steps cross kinks; a wrong factor or sign lands above 0.3, a factor of 1.05 near 0.025.
    /// </summary>
    public const double DefaultTolerance = 1e-2;

    /// <summary>
    /// How many times the measured rounding noise of the differences a disagreement may reach before it counts against the
    /// gradient. The measurement errs high already (see <c>MeasureNoise</c>), but it rests on few samples of a lumpy noise: most
    /// steps leave a float32 loss the same to the bit, a few move it by whole ulps.
    /// </summary>
    public const double NoiseDeviations = 3;

    /// <summary>
    /// The relative error up to which a parameter whose steps cross kinks is reported <see cref="GradientVerdict.Unresolved"/>
    /// rather than <see cref="GradientVerdict.Wrong"/>. Kinks left 1e-2 to 2e-2 on the cnn recipe's conv biases over MNIST and up
    /// to 0.05 on a test's smaller CNN; a conv bias gradient twice too large there gave 0.16 (the kinks widen the interval it is
    /// measured against; 0.33 without them), one of the wrong sign 1.
    /// </summary>
    public const double UnresolvedTolerance = 0.1;

    /// <summary>
    /// The error, relative and as a multiple of the tolerance, that the differences must be able to show for an agreement to
    /// count as <see cref="GradientVerdict.Ok"/>: 5 × 0.01, a gradient 5 % off. Few entries (<c>--entries 3</c>) can all sit
    /// where a step crosses kinks or where the loss's rounding is large beside their gradient; their intervals then hold a
    /// gradient 5 % off as well as the right one, and a first layer whose dW was 5 % too large read <c>ok</c>.
    /// </summary>
    public const double DiscernedErrorPerTolerance = 5;

    // The noise probe's step as a share of h: short enough that the curvature it sees, δ²·L″ (1e-10·L″ at h = 1e-2), stays far
    // below a float32 loss's rounding, and still long enough to re-round everything downstream of the entry, as a step of h does.
    private const float NoiseProbeShare = 1e-3f;

    /// <summary>
    /// The loss above which the network counts as diverged. A network starts near ln(classes) (2.3 for ten) and a trained one
    /// that is confidently wrong on a few rows stays in the tens or hundreds (a model whose weights were scaled 1000× shows
    /// 1e3 at most); a mean cross-entropy of a million takes logits a million apart, which only weights blown up by
    /// too large steps give. There the loss's float32 rounding (1e-7 of it) outgrows most gradients.
    /// </summary>
    public const double DivergedLoss = 1e6;

    /// <summary>Whether a loss says the network has diverged: NaN, infinite, or above <see cref="DivergedLoss"/>.</summary>
    public static bool HasDiverged(double loss) => !double.IsFinite(loss) || loss > DivergedLoss;

    // x: (n, InputShape) · targets: (n, OutputSize) one-hot
    /// <summary>
    /// Compares backpropagation's gradient with finite differences of the loss (one-sided both ways, see below) for <paramref name="entriesPerParameter"/>
    /// randomly chosen entries of each parameter (of a dense or convolution weight, entries that meet a non-zero input on some
    /// row first, see <see cref="InputReach"/>; seeded by <paramref name="seed"/>), with steps of <paramref name="h"/> and, where those disagree, of h / 10 and h / 100.
    /// The loss's own rounding noise is measured on the same entries first, and a disagreement counts only beyond the tolerance
    /// plus that noise at the step taken. It runs the network as training does (batch norm on batch statistics, dropout
    /// masking), with every dropout generator rewound before each pass so all passes draw the same masks: the loss is then one
    /// function of the parameters. Values, running statistics, generators and the mode are restored afterwards; gradients hold the analytic ones.
    /// </summary>
    public static IReadOnlyList<GradientCheckResult> CheckGradients(
        Sequential network, ReadOnlyMemory<float> x, ReadOnlySpan<float> targets, int n, int entriesPerParameter, ulong seed,
        float h = 1e-2f, double tolerance = DefaultTolerance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(entriesPerParameter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(h);
        float[] y = targets.ToArray();
        var probabilities = new float[n * network.OutputSize];
        IStochasticLayer[] stochastic = network.Layers.OfType<IStochasticLayer>().ToArray();
        ulong[][] generators = stochastic.Select(l => l.GetRandomState()).ToArray();
        void Rewind()
        {
            for (int i = 0; i < stochastic.Length; i++)
            {
                stochastic[i].SetRandomState(generators[i]);
            }
        }

        double LossOnce()
        {
            Rewind();
            return DifferencedLoss(network, x, y, n);
        }

        using var mode = new MeasuredMode(network, training: true);

        // Layer by layer, so that every ReLU and max-pool keeps what its pass did for KinkCrossings to read (a fused block
        // computes the same values without them).
        bool fused = network.FusesBlocks;
        network.FusesBlocks = false;
        try
        {
            Rewind();
            Dictionary<Parameter, bool[]> reached = InputReach.Of(network, x, n);
            Rewind();
            Backpropagate(network, x, y, n, probabilities);
            return CompareWithDifferences(network, LossOnce, new KinkCrossings(network, n), reached, entriesPerParameter, seed, h, tolerance, cancellationToken);
        }
        finally
        {
            network.FusesBlocks = fused;
            Rewind();
        }
    }

    private static List<GradientCheckResult> CompareWithDifferences(Sequential network, Func<double> loss, KinkCrossings crossings, Dictionary<Parameter, bool[]> reached, int entriesPerParameter, ulong seed, float h, double tolerance, CancellationToken cancellationToken)
    {
        var rng = new Xoshiro256(seed);
        var results = new List<GradientCheckResult>();
        HashSet<Parameter> beforeKinks = BeforeKinks(network);

        // Every pass draws the same dropout masks and every entry is put back bit for bit, so the loss where the parameters
        // stand is one number, taken once.
        double centre = loss();
        crossings.HoldCentre();
        foreach (Parameter parameter in network.Parameters)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(entriesPerParameter, parameter.Length);
            int[] entries = Sample(parameter.Length, count, rng, reached.GetValueOrDefault(parameter));

            // A NaN or ∞ anywhere (the loss here or at a step away, a gradient that overflows) leaves no error to measure:
            // NaN compares false with every tolerance, and a verdict of Wrong would blame backpropagation for an overflow.
            if (!double.IsFinite(centre))
            {
                results.Add(new GradientCheckResult(parameter.Name, count, double.NaN, double.NaN, double.NaN, h, GradientVerdict.NotFinite, double.NaN, tolerance));
                continue;
            }

            LossNoise noise = MeasureNoise(parameter, entries, loss, centre, h);
            Differences first = Compare(parameter, entries, loss, crossings, centre, h, noise, tolerance);
            Differences best = first;
            GradientVerdict verdict = GradientVerdict.Ok;
            if (!first.Finite)
            {
                verdict = GradientVerdict.NotFinite;
            }
            else if (first.Scale == 0)
            {
                verdict = GradientVerdict.Flat;
            }
            else if (!first.Agrees(tolerance) || !first.Discerns)
            {
                // One step can cross many kinks at once, which no pair of one-sided differences brackets: at initialisation a
                // conv bias is 0 and, on MNIST's blank background, so is every output of its channel there, all on the ReLU's
                // kink, with more just above it at the digits' faint edges; batch norm over a few rows ties every kink of a
                // channel to each of its entries. Shorter steps cross fewer, so the check tries h / 10 and h / 100. Their
                // differences carry the same rounding of the loss divided by a shorter step, 10 and 100 times the noise, which
                // could hide a wrong gradient's error as well as a right one's kinks. Each step bounds how far the gradient
                // itself is off by its disagreement plus its noise allowance (kinks only ever add to a disagreement), so the
                // check keeps the step with the tightest bound: a shorter step wins only where its disagreement fell by more
                // than its extra noise, which the error of a wrong gradient, the same at every step, never does. Where the
                // one-sided differences stay as far apart at h / 10, beyond what rounding adds (smooth curvature would close
                // the gap tenfold), the steps are crossing kinks and finite differences cannot judge the gradient on this
                // batch: unresolved, not wrong, unless the error is past what kinks explain.
                // An agreement is ok only at a step whose differences could have shown a gradient 5 % off (Discerns): where
                // every entry's interval is wide (kinks crossed, or rounding large beside the gradient), the right gradient and
                // one 5 % off both agree, and with few entries (--entries 3) all of them can be such. Shorter steps cross fewer
                // kinks, so they are tried for that too; with none that discerns, the tightest bound judges as before, and an
                // agreement there is inconclusive, not ok.
                bool kinks = false;
                var steps = new List<Differences> { first };
                for (int shrink = 10; !steps.Any(d => d.Agrees(tolerance) && d.Discerns) && shrink <= 100; shrink *= 10)
                {
                    Differences shorter = Compare(parameter, entries, loss, crossings, centre, h / shrink, noise, tolerance);
                    kinks |= shrink == 10 && shorter.Gap - shorter.GapNoise > 0.5 * first.Gap;
                    if (shorter.Finite)
                    {
                        steps.Add(shorter);
                    }
                }

                Differences[] sure = [.. steps.Where(d => d.Agrees(tolerance) && d.Discerns)];
                best = (sure.Length > 0 ? sure : steps.ToArray()).MinBy(d => d.Bound);

                // Between a parameter and the loss with no kink (the last layer's bias, softmax and cross-entropy after it),
                // differences that stay apart can only be the forward pass's float32 rounding beyond what the probe measured.
                // A gradient below what rounding resolves at all (a bias right before batch norm, 0 in exact arithmetic) stays
                // ok, which the table says in words.
                verdict = sure.Length > 0 ? GradientVerdict.Ok
                    : best.Agrees(tolerance) ? (best.RelativeNoise >= 1 ? GradientVerdict.Ok : GradientVerdict.Inconclusive)
                    : kinks && best.Agrees(UnresolvedTolerance) ? (beforeKinks.Contains(parameter) ? GradientVerdict.Unresolved : GradientVerdict.Rounding)
                    : GradientVerdict.Wrong;

                // A wrong gradient's error is the same at every step; kinks crossed only shrink with the step. So where a
                // shorter step agrees within its own noise allowance and its disagreement itself fell to half or less (not
                // merely hidden under a larger allowance), the longer step's disagreement was kinks, not backpropagation:
                // with two or three entries of a first-layer bias, each moving a unit on all 8 rows, the step of 0.01 can
                // cross several rows' kinks, which its one-sided differences do not bracket, while h / 10 crosses none. The
                // shorter step's ten times larger noise leaves that inconclusive, not ok.
                if (verdict == GradientVerdict.Wrong)
                {
                    double longest = best.Disagreement;
                    Differences[] fell = [.. steps.Where(d => d.Agrees(tolerance) && d.Disagreement <= 0.5 * longest)];
                    if (fell.Length > 0)
                    {
                        best = fell.MinBy(d => d.Bound);
                        verdict = GradientVerdict.Inconclusive;
                    }
                }

                // An entry whose steps both ways changed which piece some unit took (a ReLU's input crossed 0, a max-pool's
                // winner changed) measured kinks at that step, on both sides: neither difference is the derivative
                // backpropagation takes, however short the step (a unit sitting on its kink flips at any step). With one
                // side clean, that side is the centre's own piece, whose slope backpropagation computes, and the interval
                // holds it. So a disagreement counts against the gradient only on the entries some side of which crossed no
                // kink, at the step where those judge best; where every entry crossed kinks both ways at every step, the
                // differences cannot judge the gradient: unresolved.
                if (verdict == GradientVerdict.Wrong)
                {
                    Differences[] judgeable = [.. steps.Select(d => d.Judgeable(tolerance)).Where(d => d.Entries.Length > 0)];
                    if (steps.Any(d => d.Entries.Any(e => e.Kinked)))
                    {
                        Differences[] sureJudgeable = [.. judgeable.Where(d => d.Agrees(tolerance) && d.Discerns)];
                        Differences tightest = judgeable.Length == 0 ? best : judgeable.MinBy(d => d.Bound);
                        (best, verdict) = judgeable.Length == 0 ? (best, GradientVerdict.Unresolved)
                            : sureJudgeable.Length > 0 ? (sureJudgeable.MinBy(d => d.Bound), GradientVerdict.Ok)
                            : (tightest, tightest.Agrees(tolerance) ? GradientVerdict.Unresolved : GradientVerdict.Wrong);
                    }
                }
            }

            results.Add(new GradientCheckResult(parameter.Name, count, best.Relative, best.RelativeNoise, best.MaxAbsolute, best.Step, verdict, best.Noise, tolerance));
        }

        return results;
    }

    /// <summary>The parameters with a kink (an activation's <see cref="IActivation.HasKink"/>, max-pool) between them and the loss, which a step may cross.</summary>
    internal static HashSet<Parameter> BeforeKinks(Sequential network)
    {
        var before = new HashSet<Parameter>();
        bool kinkAfter = false;
        for (int i = network.Layers.Count - 1; i >= 0; i--)
        {
            ILayer layer = network.Layers[i];
            kinkAfter |= layer is MaxPool2D or ActivationLayer { Activation.HasKink: true };
            if (kinkAfter)
            {
                before.UnionWith(layer.Parameters);
            }
        }

        return before;
    }

    // Norm: the typical norm of the rounding in the disagreement over the entries, times the step (loss units; see
    // MeasureNoise) · Sum: Σ |q| over the probed entries, where q = L(θ + δ) + L(θ − δ) − 2·L(θ) · Q: each entry's q ·
    // Floor: the least Norm, one ulp of the loss.
    private readonly record struct LossNoise(double Norm, double Sum, double[] Q, double Floor)
    {
        public static LossNoise Of(double[] q, double floor) => new(Math.Max(Math.Sqrt(q.Sum(v => v * v)) / 2, floor), q.Sum(Math.Abs), q, floor);

        // The noise of the entries kept, in the order the entries were probed.
        public LossNoise Of(bool[] keep) => Of([.. Q.Where((_, i) => keep[i])], Floor);
    }

    /// <summary>
    /// The loss's rounding noise as this parameter's differences meet it. A float32 pass rounds every value it computes; moving
    /// one entry re-rounds everything downstream of it, so the loss comes back off its exact value by an amount e that is new
    /// at every step and does not shrink with the step: a few ulps of a loss near 2.3 (ulp 2.4e-7) on a deep network, nothing
    /// at all where batch norm subtracts a bias again exactly. Divided by the step it is noise in every difference, 2.4e-5 per
    /// ulp at h = 1e-2 and 2.4e-3 at h / 100, more than a gradient of 0 (a conv bias right before batch norm) can be told from.
    /// The probe takes, on the checked entries themselves, the second difference q = e₊ + e₋ − 2e₀ at a step δ so short that q
    /// is 0 in exact arithmetic but for δ²·L″: what it measures is rounding, E q² = 2σ² + 4e₀² per entry (σ² the variance
    /// of e, e₀ the centre's own). The one-sided differences hold (e₊ − e₀) / h and (e₀ − e₋) / h; the analytic value is
    /// compared with the nearer end of their interval, so a correct one is off only where both noises have one sign, by the
    /// smaller, whose square is at most their product, ((e₊ − e₋)² − q²) / 4, of mean at most σ² / 2. Over the entries that
    /// is at most Σ q² / 4: √Σ q² / 2, divided by the step, bounds the typical norm of the noise in the disagreement. A probe
    /// can miss the rare ulp that a longer step meets, so the norm is never taken below one ulp of the loss.
    /// </summary>
    private static LossNoise MeasureNoise(Parameter parameter, int[] entries, Func<double> loss, double centre, float h)
    {
        var q = new double[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            int k = entries[i];
            float saved = parameter.Value[k];
            float delta = ProbeStep(saved, h);
            parameter.Value[k] = saved + delta;
            double plus = loss();
            parameter.Value[k] = saved - delta;
            double minus = loss();
            parameter.Value[k] = saved;
            q[i] = plus + minus - (2 * centre);
        }

        return LossNoise.Of(q, Ulp((float)centre));
    }

    // h · NoiseProbeShare, but at least 16 ulps of the entry, so that a large value moves too and re-rounds what follows it.
    private static float ProbeStep(float value, float h) => Math.Max(h * NoiseProbeShare, 16 * Ulp(value));

    private static float Ulp(float value) => MathF.BitIncrement(Math.Abs(value)) - Math.Abs(value);

    // Disagreement: ‖a − n‖ over the entries · Scale: ‖a‖ + ‖n‖ · Noise: what rounding may put into ‖a − n‖ at this step ·
    // MaxAbsolute: the largest |a − n| · Gap: Σ |forward − backward|, how far apart the one-sided differences are · GapNoise:
    // what rounding adds to Gap. Scale is 0 only where every analytic entry and every difference is exactly 0: nothing disagrees.
    // Discerns: a central difference 5 % larger or smaller (DiscernedErrorPerTolerance) would disagree with these intervals
    // by more than the tolerance and the noise allow, so an agreement here rules out a gradient that far off.
    // Entries: each entry's differences, in the order probed · Source: the noise of those entries, as probed.
    private readonly record struct Differences(float Step, double Disagreement, double Scale, double Noise, double MaxAbsolute, double Gap, double GapNoise, bool Discerns, EntryDifferences[] Entries, LossNoise Source)
    {
        // Every sum is finite only where every loss, difference and analytic entry was (an overflow anywhere makes one NaN or ∞).
        public bool Finite => double.IsFinite(Disagreement) && double.IsFinite(Scale) && double.IsFinite(Noise) && double.IsFinite(Gap);

        public double Relative => Scale > 0 ? Disagreement / Scale : 0;

        public double RelativeNoise => Noise / Scale;

        public bool Agrees(double tolerance) => Disagreement <= (tolerance * Scale) + Noise;

        // The most the gradient's own error can be, as far as this step sees: noise may have hidden up to its allowance.
        public double Bound => Disagreement + Noise;

        // The same step judged on the entries whose differences did not both cross a kink.
        public Differences Judgeable(double tolerance)
        {
            bool[] keep = [.. Entries.Select(e => !e.Kinked)];
            return Aggregate([.. Entries.Where(e => !e.Kinked)], Step, Source.Of(keep), tolerance);
        }
    }

    // Forward, Backward: the one-sided differences · Analytic: backpropagation's value · Kinked: the steps both ways changed
    // some unit's piece (KinkCrossings), so neither difference is the slope of the centre's piece.
    private readonly record struct EntryDifferences(double Forward, double Backward, double Analytic, bool Kinked);

    private static Differences Compare(Parameter parameter, int[] entries, Func<double> loss, KinkCrossings crossings, double centre, float h, LossNoise noise, double tolerance)
    {
        var measured = new EntryDifferences[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            int k = entries[i];
            float saved = parameter.Value[k];
            parameter.Value[k] = saved + h;
            double plus = loss();
            bool crossedUp = crossings.Crossed();
            parameter.Value[k] = saved - h;
            double minus = loss();
            bool crossedDown = crossings.Crossed();
            parameter.Value[k] = saved;
            measured[i] = new EntryDifferences((plus - centre) / h, (centre - minus) / h, parameter.Gradient[k], crossedUp && crossedDown);
        }

        return Aggregate(measured, h, noise, tolerance);
    }

    private static Differences Aggregate(EntryDifferences[] measured, float h, LossNoise noise, double tolerance)
    {
        double diff = 0, analyticNorm = 0, numericNorm = 0, maxAbs = 0, gap = 0;
        double shift = DiscernedErrorPerTolerance * tolerance;
        Span<double> offDiff = stackalloc double[2];
        Span<double> offNorm = stackalloc double[2];
        Span<double> offNumericNorm = stackalloc double[2];
        foreach ((double forward, double backward, double analytic, _) in measured)
        {
            // The central difference lies between the two one-sided ones. Where a step crosses a ReLU kink the sides
            // differ and the true (sub)gradient is one of them, so the analytic value is compared with the nearest
            // point of that interval; where there is no kink the interval is O(h·L″) wide around the derivative.
            double numeric = Math.Clamp(analytic, Math.Min(forward, backward), Math.Max(forward, backward));
            diff += (analytic - numeric) * (analytic - numeric);
            analyticNorm += analytic * analytic;
            numericNorm += numeric * numeric;
            maxAbs = Math.Max(maxAbs, Math.Abs(analytic - numeric));
            gap += Math.Abs(forward - backward);

            // A gradient 5 % off what the differences say, either way, measured as the analytic one is.
            double central = (forward + backward) / 2;
            for (int side = 0; side < 2; side++)
            {
                double off = central * (side == 0 ? 1 + shift : 1 - shift);
                double nearest = Math.Clamp(off, Math.Min(forward, backward), Math.Max(forward, backward));
                offDiff[side] += (off - nearest) * (off - nearest);
                offNorm[side] += off * off;
                offNumericNorm[side] += nearest * nearest;
            }
        }

        // The loss's rounding is the same whatever the step, so its share of every difference grows as the step shrinks.
        double noiseNorm = NoiseDeviations * noise.Norm / h;
        bool discerns = true;
        for (int side = 0; side < 2; side++)
        {
            discerns &= Math.Sqrt(offDiff[side]) > (tolerance * (Math.Sqrt(offNorm[side]) + Math.Sqrt(offNumericNorm[side]))) + noiseNorm;
        }

        return new Differences(h, Math.Sqrt(diff), Math.Sqrt(analyticNorm) + Math.Sqrt(numericNorm), noiseNorm, maxAbs, gap, noise.Sum / h, discerns, measured, noise);
    }

    /// <summary>
    /// One training step on the batch (training mode: batch norm on the batch's statistics, dropout on), then one step
    /// of <paramref name="optimizer"/>: the norms of every parameter and its gradient, and how far the step moved it. The
    /// step is undone afterwards, batch norm's running statistics included (the optimizer's own state, such as
    /// momentum, is not), so the network is left as it was.
    /// </summary>
    public static IReadOnlyList<ParameterStatistics> MeasureParameters(Sequential network, IOptimizer optimizer, ReadOnlyMemory<float> x, ReadOnlySpan<float> targets, int n)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        TrainingStep step = StepOn(network, optimizer, x, targets, n);
        IReadOnlyList<Parameter> parameters = network.Parameters;
        float[][] before = parameters.Select(p => (float[])p.Value.Clone()).ToArray();

        // The optimizers read the gradients and leave them, so after the step they still hold the step's gradient.
        using (new MeasuredMode(network, training: true))
        {
            step.Run(n);
        }

        var results = new ParameterStatistics[parameters.Count];
        for (int i = 0; i < parameters.Count; i++)
        {
            Parameter p = parameters[i];
            results[i] = Statistics(p.Name, before[i], p.Value, p.Gradient);
            before[i].CopyTo(p.Value, 0);
        }

        return results;
    }

    /// <summary>
    /// ‖θ‖, ‖∇θ‖ and ‖Δθ‖ / ‖θ‖ of one parameter, from its values before and after one optimizer step and that step's
    /// gradient. The dashboard measures training this way every few hundred batches, from copies taken around a step.
    /// </summary>
    public static ParameterStatistics Statistics(string parameter, ReadOnlySpan<float> before, ReadOnlySpan<float> after, ReadOnlySpan<float> gradient)
    {
        if (after.Length != before.Length || gradient.Length != before.Length)
        {
            throw new ArgumentException($"{parameter}: {before.Length} values before the step, {after.Length} after it and {gradient.Length} gradient values; all three must match", nameof(after));
        }

        // One pass over the three arrays (the dashboard calls this on the training thread).
        double weight = 0, update = 0, grad = 0;
        for (int k = 0; k < before.Length; k++)
        {
            double b = before[k];
            double d = after[k] - b;
            double g = gradient[k];
            weight += b * b;
            update += d * d;
            grad += g * g;
        }

        double weightNorm = Math.Sqrt(weight);
        return new ParameterStatistics(parameter, weightNorm, Math.Sqrt(grad), weightNorm == 0 ? null : Math.Sqrt(update) / weightNorm);
    }

    /// <summary>
    /// Runs the probe rows through the network layer by layer and measures each activation layer's input: in evaluation
    /// mode (a trained network, as it predicts), or with <paramref name="batchStatistics"/> as a training step sees them,
    /// batch norm normalising by the probe's own statistics (a network at initialisation, whose running statistics are
    /// still 0 and 1 and would leave every batch norm the identity). Dropout stays off, and the network is left as it was.
    /// </summary>
    public static IReadOnlyList<ActivationStatistics> MeasureActivations(Sequential network, ReadOnlyMemory<float> x, int n, bool batchStatistics = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        var results = new List<ActivationStatistics>();
        using var mode = new MeasuredMode(network, training: false);
        foreach (BatchNorm normalisation in network.Layers.OfType<BatchNorm>())
        {
            normalisation.IsTraining = batchStatistics;
        }

        ReadOnlyMemory<float> input = x;
        foreach (ILayer layer in network.Layers)
        {
            if (layer is ActivationLayer activation)
            {
                results.Add(Measure(activation, input.Span, n));
            }

            input = layer.Forward(input, n);
        }

        return results;
    }

    /// <summary>
    /// A measurement's training switch, set for its passes; disposed, it puts the switch and batch norm's running
    /// statistics (which a pass in training mode updates) back as they were, so diagnosing never changes the network.
    /// </summary>
    private sealed class MeasuredMode : IDisposable
    {
        private readonly Sequential _network;
        private readonly bool _wasTraining;
        private readonly float[][] _state;

        public MeasuredMode(Sequential network, bool training)
        {
            _network = network;
            _wasTraining = network.IsTraining;
            _state = [.. network.State.Select(s => (float[])s.Value.Clone())];
            network.IsTraining = training;
        }

        public void Dispose()
        {
            _network.IsTraining = _wasTraining;
            for (int i = 0; i < _state.Length; i++)
            {
                _state[i].CopyTo(_network.State[i].Value, 0);
            }
        }
    }

    // x: (n, InputShape) · targets: (n, OutputSize) one-hot
    /// <summary>
    /// Trains on this one batch only, up to <paramref name="maxSteps"/> steps or until the loss is below
    /// <paramref name="targetLoss"/>. A network that cannot memorise 32 rows has a bug, or a learning rate far off.
    /// The steps run in training mode, as the trainer's do; the loss is measured in evaluation mode, as validation is.
    /// </summary>
    /// <param name="cancellationToken">Checked before each step (Ctrl+C): a CNN's 5,000 steps take minutes.</param>
    public static OverfitResult OverfitOneBatch(Sequential network, IOptimizer optimizer, ReadOnlyMemory<float> x, ReadOnlySpan<float> targets, int n, int maxSteps, double targetLoss = 0.01, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSteps);
        float[] y = targets.ToArray();
        var probabilities = new float[n * network.OutputSize];
        TrainingStep step = StepOn(network, optimizer, x, targets, n);
        double initial = Loss(network, x, y, n, probabilities);
        double loss = initial;
        int steps = 0;
        while (steps < maxSteps && loss >= targetLoss)
        {
            cancellationToken.ThrowIfCancellationRequested();
            network.IsTraining = true;
            step.Run(n);
            network.IsTraining = false;
            steps++;
            loss = Loss(network, x, y, n, probabilities);
        }

        return new OverfitResult(n, steps, initial, loss, targetLoss);
    }

    // A unit is a channel: a dense layer's feature (its plane is one value), or a convolution's filter (its plane is H·W pixels).
    private static ActivationStatistics Measure(ActivationLayer layer, ReadOnlySpan<float> input, int n)
    {
        int units = layer.InputShape.Channels, plane = layer.InputShape.Plane;
        string name = layer.Activation.Name;

        bool hasDeadRegion = layer.Activation.HasDeadRegion;
        var everActive = new bool[units];
        long inactive = 0;
        for (int r = 0; r < n; r++)
        {
            ReadOnlySpan<float> row = input.Slice(r * layer.InputSize, layer.InputSize);
            for (int u = 0; u < units; u++)
            {
                foreach (float value in row.Slice(u * plane, plane))
                {
                    if (value > 0f)
                    {
                        everActive[u] = true;
                    }
                    else
                    {
                        inactive++;
                    }
                }
            }
        }

        int dead = everActive.Count(a => !a);
        return new ActivationStatistics(layer.Name, name, units, hasDeadRegion ? dead : null, n == 0 ? 0 : (double)inactive / ((long)n * layer.InputSize));
    }

    /// <summary>The trainer's own step, with this batch in its buffers.</summary>
    private static TrainingStep StepOn(Sequential network, IOptimizer optimizer, ReadOnlyMemory<float> x, ReadOnlySpan<float> targets, int n)
    {
        var step = new TrainingStep(network, optimizer, n);
        x.Span[..(n * network.InputSize)].CopyTo(step.X);
        targets[..(n * network.OutputSize)].CopyTo(step.Y);
        return step;
    }

    // The gradient check's pass: forward and backward with no optimizer step.
    private static void Backpropagate(Sequential network, ReadOnlyMemory<float> x, float[] y, int n, float[] probabilities)
    {
        int classes = network.OutputSize;
        float[] logits = network.Forward(x, n);
        SoftmaxCrossEntropy.Forward(logits.AsSpan(0, n * classes), y, probabilities, n, classes);
        var dLogits = new float[n * classes];
        SoftmaxCrossEntropy.Backward(probabilities, y, dLogits, n, classes);
        network.Backward(dLogits, n);
    }

    /// <summary>
    /// The cross-entropy of the network on this batch in evaluation mode (batch norm on its running statistics, dropout off),
    /// as the overfit test measures it; the network is left as it was.
    /// </summary>
    public static double BatchLoss(Sequential network, ReadOnlyMemory<float> x, ReadOnlySpan<float> targets, int n)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var mode = new MeasuredMode(network, training: false);
        return Loss(network, x, targets.ToArray(), n, new float[n * network.OutputSize]);
    }

    private static double Loss(Sequential network, ReadOnlyMemory<float> x, float[] y, int n, float[] probabilities)
    {
        int classes = network.OutputSize;
        float[] logits = network.Forward(x, n);
        return SoftmaxCrossEntropy.Forward(logits.AsSpan(0, n * classes), y, probabilities, n, classes);
    }

    // The loss the differences are taken of, in double from the logits: the training loss's −log p of a float32 p near 1 moves
    // in steps of 6e-8 a row, which on a batch the network is sure of (loss 1e-4) is coarser than a step of 1e-2 moves it, and
    // a staircase the noise probe's far shorter step never leaves, so it cannot see it.
    private static double DifferencedLoss(Sequential network, ReadOnlyMemory<float> x, float[] y, int n)
    {
        int classes = network.OutputSize;
        float[] logits = network.Forward(x, n);
        return SoftmaxCrossEntropy.ForwardFromLogits(logits.AsSpan(0, n * classes), y, n, classes);
    }

    // A seeded shuffle of every entry; where some are known to meet only zero inputs on the check's rows (reached[k] false),
    // the others come first in the shuffled order, so those trivial 0 = 0 comparisons are checked only where too few
    // entries are left to fill the count. The draw from rng is the same either way.
    internal static int[] Sample(int length, int count, Xoshiro256 rng, bool[]? reached = null)
    {
        int[] all = Enumerable.Range(0, length).ToArray();
        rng.Shuffle(all.AsSpan());
        if (reached is not null)
        {
            all = [.. all.Where(k => reached[k]), .. all.Where(k => !reached[k])];
        }

        return all[..count];
    }
}
