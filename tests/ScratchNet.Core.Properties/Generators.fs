/// Bounded generators for the kernel properties: small shapes biased towards the sizes where the
/// GEMM changes path (4-row tiles, 16-lane vectors, 64-column tiles and their tails), and finite
/// floats in a fixed range, never NaN or ±∞.
module ScratchNet.Core.Properties.Generators

open FsCheck
open FsCheck.FSharp

/// One fixed (seed, gamma) for every property, so a run replays exactly. Change it to explore more inputs.
[<Literal>]
let Replay = "(20240917,1357913579)"

/// A float32 uniform on [lo, hi] at a resolution of (hi − lo)/10⁶.
let floatIn (lo: float32) (hi: float32) : Gen<float32> =
    Gen.choose (0, 1_000_000)
    |> Gen.map (fun i -> if i = 1_000_000 then hi else lo + (hi - lo) * (float32 i / 1_000_000.0f))

/// Floats on [-2, 2], with exact zeros mixed in so ReLU's kink and zero-skipping paths are seen.
let smallFloat : Gen<float32> =
    Gen.frequency [ 9, floatIn -2.0f 2.0f; 1, Gen.elements [ 0.0f; -0.0f; 1.0f; -1.0f; 2.0f; -2.0f ] ]

let floats (length: int) (element: Gen<float32>) : Gen<float32[]> = Gen.arrayOfLength length element

/// Sizes where the GEMM switches path: 1..3 rows (no full 4-row tile), 15/16/17 (one vector ± 1),
/// 63/64/65 (one 4×64 tile ± 1), and odd sizes in between.
let private edgeSizes = [ 1; 2; 3; 4; 5; 7; 8; 9; 13; 15; 16; 17; 23; 31; 32; 33; 47; 48; 49; 63; 64; 65; 67; 69; 70 ]

/// A dimension in 1..maxSize: half uniform, half from the path-switching sizes.
let dim (maxSize: int) : Gen<int> =
    Gen.frequency
        [ 1, Gen.choose (1, maxSize)
          1, Gen.elements (edgeSizes |> List.filter (fun s -> s <= maxSize)) ]

/// A dense-layer product case: x (N, In), w (In, Out), b (Out) or empty, dY (N, Out).
type MatMulCase =
    { N: int
      In: int
      Out: int
      X: float32[]
      W: float32[]
      B: float32[]
      DY: float32[] }

    override this.ToString() =
        sprintf "MatMulCase(n=%d, in=%d, out=%d, bias=%b)" this.N this.In this.Out (this.B.Length > 0)

let matMulCase (maxSize: int) : Gen<MatMulCase> =
    gen {
        let! n = dim maxSize
        let! inF = dim maxSize
        let! outF = dim maxSize
        let! x = floats (n * inF) smallFloat
        let! w = floats (inF * outF) smallFloat
        let! withBias = Gen.elements [ true; false ]
        let! b = if withBias then floats outF smallFloat else Gen.constant [||]
        let! dY = floats (n * outF) smallFloat
        return { N = n; In = inF; Out = outF; X = x; W = w; B = b; DY = dY }
    }

/// A row-major (Rows, Classes) block of logits or probabilities.
type Rows =
    { Rows: int
      Classes: int
      Values: float32[] }

    override this.ToString() = sprintf "Rows(%d×%d: %A)" this.Rows this.Classes this.Values

let rows (maxRows: int) (maxClasses: int) (element: Gen<float32>) : Gen<Rows> =
    gen {
        let! r = Gen.choose (1, maxRows)
        let! c = Gen.frequency [ 3, Gen.choose (1, maxClasses); 1, Gen.constant 10 ]
        let! v = floats (r * c) element
        return { Rows = r; Classes = c; Values = v }
    }

/// One-hot targets for a block of rows: one random class per row.
let oneHot (r: int) (c: int) : Gen<float32[]> =
    Gen.arrayOfLength r (Gen.choose (0, c - 1))
    |> Gen.map (fun labels ->
        let t = Array.zeroCreate (r * c)
        labels |> Array.iteri (fun i label -> t[i * c + label] <- 1.0f)
        t)

/// A vector of length 1..100, so both the Vector512 body and the scalar tail of elementwise kernels run.
let vector (element: Gen<float32>) : Gen<float32[]> =
    gen {
        let! length = Gen.frequency [ 3, Gen.choose (1, 100); 1, Gen.elements [ 1; 15; 16; 17; 31; 32; 33; 64; 65; 100 ] ]
        return! floats length element
    }
