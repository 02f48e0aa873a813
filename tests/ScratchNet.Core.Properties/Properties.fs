/// Laws the math kernels must satisfy for every bounded input, checked by FsCheck with a fixed
/// replay seed (see Generators.Replay) so each run sees the same inputs.
/// A failing case raises with the index and values that disagree; FsCheck prints the generated case.
/// Marked as a fixture explicitly: NUnit 4 does not discover a class whose only tests are FsCheck [<Property>]s.
[<NUnit.Framework.TestFixture>]
module ScratchNet.Core.Properties.Properties

open System
open System.Collections.Generic
open FsCheck
open FsCheck.FSharp
open FsCheck.NUnit
open ScratchNet.Core.Activations
open ScratchNet.Core.Kernels
open ScratchNet.Core.Layers
open ScratchNet.Core.Losses
open ScratchNet.Training.Optimizers
open ScratchNet.Core.Properties.Generators

// ---------------------------------------------------------------------------------------------
// Helpers

let private ro (a: float32[]) = ReadOnlySpan<float32>(a)

let private rw (a: float32[]) = Span<float32>(a)

let private absAll (a: float32[]) = Array.map abs a

/// Each output buffer gets this many extra values after the (rows, columns) it should fill;
/// the kernels may only write the first rows·columns.
let private Pad = 19

let private Sentinel = 12345.678f

/// A buffer of len values pre-filled with NaN (the kernel must overwrite every one) followed by sentinels.
let private outputBuffer (len: int) =
    Array.init (len + Pad) (fun i -> if i < len then Single.NaN else Sentinel)

let private assertPaddingUntouched (what: string) (buffer: float32[]) (len: int) =
    for i in len .. buffer.Length - 1 do
        if buffer[i] <> Sentinel then
            failwithf "%s wrote past its (rows, columns): index %d of %d holds %g" what i len buffer[i]

/// |expected − actual| ≤ tolerance i for every i; NaN anywhere fails.
let private assertClose (what: string) (expected: float32[]) (actual: float32[]) (length: int) (tolerance: int -> float32) =
    for i in 0 .. length - 1 do
        let difference = abs (expected[i] - actual[i])
        if not (difference <= tolerance i) then
            failwithf "%s[%d]: expected %.9g, got %.9g (|Δ| = %.3g > %.3g)" what i expected[i] actual[i] difference (tolerance i)

/// Float32 dot products of length k ≤ 70 accumulated by FMA have error ≤ k·2⁻²⁴·Σ|aᵢbᵢ| ≈ 4.2e-6·Σ|aᵢbᵢ|;
/// 1e-5 of that magnitude bound leaves headroom without hiding a wrong index (which is off by O(1)).
let private RelativeTolerance = 1e-5f

// ---------------------------------------------------------------------------------------------
// GEMM kernels against the naive double-accumulated oracle

[<Property(MaxTest = 200, Replay = Replay)>]
let ``MatMul.Forward agrees with MatMulNaive.Forward`` () =
    Prop.forAll (Arb.fromGen (matMulCase 70)) (fun c ->
        let len = c.N * c.Out
        let expected = Array.zeroCreate len
        MatMulNaive.Forward(ro c.X, ro c.W, ro c.B, rw expected, c.N, c.In, c.Out)
        let bound = Array.zeroCreate len
        MatMulNaive.Forward(ro (absAll c.X), ro (absAll c.W), ro (absAll c.B), rw bound, c.N, c.In, c.Out)
        let actual = outputBuffer len
        MatMul.Forward(ro c.X, ro c.W, ro c.B, rw actual, c.N, c.In, c.Out)
        assertClose "y" expected actual len (fun i -> RelativeTolerance * bound[i])
        assertPaddingUntouched "MatMul.Forward" actual len)

[<Property(MaxTest = 200, Replay = Replay)>]
let ``MatMul.BackwardWeights agrees with MatMulNaive.BackwardWeights`` () =
    Prop.forAll (Arb.fromGen (matMulCase 70)) (fun c ->
        let len = c.In * c.Out
        let expected = Array.zeroCreate len
        MatMulNaive.BackwardWeights(ro c.X, ro c.DY, rw expected, c.N, c.In, c.Out)
        let bound = Array.zeroCreate len
        MatMulNaive.BackwardWeights(ro (absAll c.X), ro (absAll c.DY), rw bound, c.N, c.In, c.Out)
        let actual = outputBuffer len
        MatMul.BackwardWeights(ro c.X, ro c.DY, rw actual, c.N, c.In, c.Out)
        assertClose "dW" expected actual len (fun i -> RelativeTolerance * bound[i])
        assertPaddingUntouched "MatMul.BackwardWeights" actual len)

[<Property(MaxTest = 200, Replay = Replay)>]
let ``MatMul.BackwardInput agrees with MatMulNaive.BackwardInput`` () =
    Prop.forAll (Arb.fromGen (matMulCase 70)) (fun c ->
        let len = c.N * c.In
        let expected = Array.zeroCreate len
        MatMulNaive.BackwardInput(ro c.DY, ro c.W, rw expected, c.N, c.In, c.Out)
        let bound = Array.zeroCreate len
        MatMulNaive.BackwardInput(ro (absAll c.DY), ro (absAll c.W), rw bound, c.N, c.In, c.Out)
        let actual = outputBuffer len
        MatMul.BackwardInput(ro c.DY, ro c.W, rw actual, c.N, c.In, c.Out)
        assertClose "dX" expected actual len (fun i -> RelativeTolerance * bound[i])
        assertPaddingUntouched "MatMul.BackwardInput" actual len)

[<Property(MaxTest = 200, Replay = Replay)>]
let ``Bias.Backward agrees with MatMulNaive.BiasBackward`` () =
    Prop.forAll (Arb.fromGen (matMulCase 70)) (fun c ->
        let expected = Array.zeroCreate c.Out
        MatMulNaive.BiasBackward(ro c.DY, rw expected, c.N, c.Out)
        let bound = Array.zeroCreate c.Out
        MatMulNaive.BiasBackward(ro (absAll c.DY), rw bound, c.N, c.Out)
        let actual = Array.create c.Out Single.NaN
        Bias.Backward(ro c.DY, rw actual, c.N, c.Out)
        assertClose "dB" expected actual c.Out (fun i -> RelativeTolerance * bound[i]))

/// (AB)ᵀ = BᵀAᵀ with A = x (n, in) and B = w (in, out), both products taken by MatMul.Forward with no bias.
[<Property(MaxTest = 200, Replay = Replay)>]
let ``(AB)ᵀ equals BᵀAᵀ through MatMul.Forward and MatMul.Transpose`` () =
    Prop.forAll (Arb.fromGen (matMulCase 70)) (fun c ->
        let m, k, p = c.N, c.In, c.Out
        let ab = Array.zeroCreate (m * p)
        MatMul.Forward(ro c.X, ro c.W, ReadOnlySpan<float32>.Empty, rw ab, m, k, p)
        let abT = Array.zeroCreate (p * m)
        MatMul.Transpose(ro ab, rw abT, m, p)

        let aT = Array.zeroCreate (k * m)
        MatMul.Transpose(ro c.X, rw aT, m, k)
        let bT = Array.zeroCreate (p * k)
        MatMul.Transpose(ro c.W, rw bT, k, p)
        let bTaT = outputBuffer (p * m)
        MatMul.Forward(ro bT, ro aT, ReadOnlySpan<float32>.Empty, rw bTaT, p, k, m)

        // Magnitude bound (|B|ᵀ|A|ᵀ)[j,i] = Σq |A[i,q]|·|B[q,j]|, from the oracle.
        let bound = Array.zeroCreate (p * m)
        MatMulNaive.Forward(ro (absAll bT), ro (absAll aT), ReadOnlySpan<float32>.Empty, rw bound, p, k, m)
        assertClose "BᵀAᵀ" abT bTaT (p * m) (fun i -> RelativeTolerance * bound[i])
        assertPaddingUntouched "MatMul.Forward" bTaT (p * m))

[<Property(MaxTest = 100, Replay = Replay)>]
let ``MatMul.Transpose twice is the identity`` () =
    Prop.forAll (Arb.fromGen (matMulCase 70)) (fun c ->
        let t = Array.zeroCreate (c.In * c.N)
        MatMul.Transpose(ro c.X, rw t, c.N, c.In)
        let back = Array.zeroCreate (c.N * c.In)
        MatMul.Transpose(ro t, rw back, c.In, c.N)
        if back <> c.X then failwith "Transpose(Transpose(x)) ≠ x")

// ---------------------------------------------------------------------------------------------
// Softmax and cross-entropy

let private assertSoftmaxRows (r: Rows) (p: float32[]) (strictlyPositive: bool) =
    for i in 0 .. r.Rows - 1 do
        let mutable sum = 0.0
        for j in 0 .. r.Classes - 1 do
            let v = p[i * r.Classes + j]
            let inRange = if strictlyPositive then v > 0.0f && v <= 1.0f else v >= 0.0f && v <= 1.0f
            if not inRange then
                failwithf "row %d, class %d: probability %.9g is outside %s" i j v (if strictlyPositive then "(0, 1]" else "[0, 1]")
            sum <- sum + float v
        if not (abs (sum - 1.0) <= 1e-5) then
            failwithf "row %d sums to %.9g, not 1 within 1e-5" i sum

/// Logits on [-30, 30]: the largest gap is 60 and e^-60 ≈ 8.8e-27 is a normal float32, so every entry stays > 0.
[<Property(MaxTest = 200, Replay = Replay)>]
let ``softmax rows sum to 1 and every entry is in (0, 1]`` () =
    Prop.forAll (Arb.fromGen (rows 8 40 (floatIn -30.0f 30.0f))) (fun r ->
        let p = Array.zeroCreate r.Values.Length
        Softmax.Forward(ro r.Values, rw p, r.Rows, r.Classes)
        assertSoftmaxRows r p true

        // The contract allows probabilities to alias logits; in place must give the same answer.
        let inPlace = Array.copy r.Values
        Softmax.Forward(ro inPlace, rw inPlace, r.Rows, r.Classes)
        if inPlace <> p then failwith "Softmax.Forward in place differs from out of place")

/// Logits on [-10⁴, 10⁴]: gaps beyond ~104 underflow e^(z − max) to exactly 0 in float32, so entries can
/// be 0 — that is correct rounding, not a bug. Rows must still sum to 1 and nothing may be NaN.
[<Property(MaxTest = 200, Replay = Replay)>]
let ``softmax of widely spread logits still sums to 1 with entries in [0, 1]`` () =
    Prop.forAll (Arb.fromGen (rows 8 40 (floatIn -10000.0f 10000.0f))) (fun r ->
        let p = Array.zeroCreate r.Values.Length
        Softmax.Forward(ro r.Values, rw p, r.Rows, r.Classes)
        assertSoftmaxRows r p false)

[<Property(MaxTest = 200, Replay = Replay)>]
let ``softmax cross-entropy is log Σ e^z − z[label], averaged, for logits up to 1000 apart and one-hot targets`` () =
    let case =
        gen {
            let! r = rows 8 40 (floatIn -500.0f 500.0f)
            let! t = oneHot r.Rows r.Classes
            return r, t
        }

    Prop.forAll (Arb.fromGen case) (fun (r, t) ->
        let p = Array.zeroCreate r.Values.Length
        let loss = SoftmaxCrossEntropy.Forward(ro r.Values, ro t, rw p, r.Rows, r.Classes)
        // The definition in double, shifted by each row's max; no probability is formed, so nothing underflows.
        let expected =
            [ for i in 0 .. r.Rows - 1 ->
                let z = [| for j in 0 .. r.Classes - 1 -> float r.Values.[i * r.Classes + j] |]
                let m = Array.max z
                let label = [ 0 .. r.Classes - 1 ] |> List.find (fun j -> t.[i * r.Classes + j] = 1.0f)
                m + log (z |> Array.sumBy (fun v -> exp (v - m))) - z.[label] ]
            |> List.average
        if not (loss >= 0.0f && Single.IsFinite loss && abs (float loss - expected) <= 1e-5 * max 1.0 expected) then
            failwithf "softmax cross-entropy = %.9g, expected %.9g for %O" loss expected r)

// ---------------------------------------------------------------------------------------------
// SGD

[<Property(MaxTest = 200, Replay = Replay)>]
let ``an SGD step with a zero gradient leaves every parameter bit-for-bit unchanged`` () =
    let case =
        gen {
            let! rowsCount = dim 40
            let! columns = dim 40
            let! value = floats (rowsCount * columns) smallFloat
            let! learningRate = Gen.frequency [ 3, floatIn 1e-6f 10.0f; 1, Gen.elements [ 0.01f; 0.1f; 1.0f ] ]
            return rowsCount, columns, value, learningRate
        }

    Prop.forAll (Arb.fromGen case) (fun (rowsCount, columns, value, learningRate) ->
        let parameter = Parameter("p.weight", rowsCount, columns)
        Array.blit value 0 parameter.Value 0 value.Length
        let optimizer = Sgd(learningRate)
        optimizer.Step([| parameter |] :> IReadOnlyList<Parameter>)
        for i in 0 .. value.Length - 1 do
            if BitConverter.SingleToInt32Bits parameter.Value[i] <> BitConverter.SingleToInt32Bits value[i] then
                failwithf "value[%d] went from %.9g to %.9g (lr = %g)" i value[i] parameter.Value[i] learningRate)

// ---------------------------------------------------------------------------------------------
// Activations against their scalar definitions

let private activationInput : Gen<float32[]> =
    vector (Gen.frequency [ 3, smallFloat; 1, floatIn -20.0f 20.0f ])

/// f.Forward out of place and in place (y may alias x) both match the scalar definition within 1e-6.
let private checkActivation (activation: IActivation) (reference: float32 -> float32) (x: float32[]) =
    let expected = Array.map reference x
    let y = Array.create x.Length Single.NaN
    activation.Forward(ro x, rw y)
    assertClose $"{activation.Name}(x)" expected y x.Length (fun _ -> 1e-6f)
    let inPlace = Array.copy x
    activation.Forward(ro inPlace, rw inPlace)
    assertClose $"{activation.Name}(x) in place" expected inPlace x.Length (fun _ -> 1e-6f)

[<Property(MaxTest = 200, Replay = Replay)>]
let ``Relu.Forward is max(0, x)`` () =
    Prop.forAll (Arb.fromGen activationInput) (checkActivation (Relu()) (fun v -> MathF.Max(0.0f, v)))

[<Property(MaxTest = 200, Replay = Replay)>]
let ``LeakyRelu.Forward is x if x > 0 else slope·x`` () =
    let case =
        gen {
            let! slope = Gen.frequency [ 1, Gen.constant LeakyRelu.DefaultSlope; 2, floatIn 0.0f 0.99f ]
            let! x = activationInput
            return slope, x
        }

    Prop.forAll (Arb.fromGen case) (fun (slope, x) ->
        checkActivation (LeakyRelu(slope)) (fun v -> if v > 0.0f then v else slope * v) x)

[<Property(MaxTest = 200, Replay = Replay)>]
let ``Sigmoid.Forward is 1 / (1 + e^-x)`` () =
    Prop.forAll (Arb.fromGen activationInput) (checkActivation (Sigmoid()) (fun v -> 1.0f / (1.0f + MathF.Exp(-v))))

[<Property(MaxTest = 200, Replay = Replay)>]
let ``Tanh.Forward is tanh(x)`` () =
    Prop.forAll (Arb.fromGen activationInput) (checkActivation (Tanh()) (fun v -> MathF.Tanh v))

/// Backward(x, f(x), dY) = dY ⊙ f'(x), with f' from Derivative, for every activation.
[<Property(MaxTest = 200, Replay = Replay)>]
let ``activation Backward is dY times Derivative`` () =
    let case =
        gen {
            let! name = Gen.elements Activation.Names
            let! x = activationInput
            let! dY = floats x.Length smallFloat
            return name, x, dY
        }

    Prop.forAll (Arb.fromGen case) (fun (name, x, dY) ->
        let activation = Activation.Create name
        let y = Array.zeroCreate x.Length
        activation.Forward(ro x, rw y)
        let slope = Array.zeroCreate x.Length
        activation.Derivative(ro x, rw slope)
        let expected = Array.map2 (*) dY slope
        let dX = Array.create x.Length Single.NaN
        activation.Backward(ro x, ro y, ro dY, rw dX)
        assertClose $"{name}'·dY" expected dX x.Length (fun _ -> 1e-6f))
