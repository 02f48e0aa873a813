#!/usr/bin/python3
"""OpenBLAS sgemm GFLOP/s at the exact GEMM shapes of ScratchNet's MatMul benchmarks.

The side-by-side anchor for bench/ScratchNet.Benchmarks (MatMulBenchmarks): same names, same shapes
(n x in x out of the reference MLP [784,128,64,10]), float32, FLOP = 2*n*in*out, results written
into preallocated arrays (np.matmul(..., out=)) so neither side pays for allocation.

  Forward          y  = x @ W        (n, in)  @ (in, out)
  BackwardWeights  dW = x.T @ dY     (in, n)  @ (n, out)   x.T is a view: BLAS reads it transposed
  BackwardInput    dX = dY @ W.T     (n, out) @ (out, in)  W.T is a view: BLAS reads it transposed

Usage: /usr/bin/python3 bench/compare/blas_gemm.py [--batch 32,128,512] [--threads 1] [--repeats 7]
Prints a Markdown table; the GFLOP/s column is from the median of --repeats timings of a loop sized
to run about --seconds each.
"""
import argparse
import os
import statistics
import time

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--batch", default="32", help="comma-separated batch sizes (default 32)")
parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
parser.add_argument("--repeats", type=int, default=7)
parser.add_argument("--seconds", type=float, default=0.05, help="target length of one timing")
args = parser.parse_args()

# Must be set before numpy (and its BLAS) is loaded.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402

LAYERS = [(784, 128), (128, 64), (64, 10)]


def time_call(fn):
    fn()
    calls = 1
    while True:  # size the loop so one timing lasts about args.seconds
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= args.seconds / 4 or calls >= 1 << 22:
            break
        calls *= 4
    calls = max(1, int(calls * args.seconds / max(elapsed, 1e-9)))
    samples = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def blas_name():
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception:  # NumPy < 1.25 has no dict mode: name the library the loader resolves (Debian alternatives)
        for lib in ("/usr/lib/x86_64-linux-gnu/libblas.so.3", "/usr/lib/aarch64-linux-gnu/libblas.so.3"):
            if os.path.exists(lib):
                return os.path.realpath(lib)
        return "see numpy.show_config()"


def main():
    rng = np.random.default_rng(2024)
    print(f"# numpy {np.__version__}, BLAS {blas_name()}, threads={args.threads}, float32, median of {args.repeats}")
    print()
    print("| kernel | shape (n x in x out) | time (us) | GFLOP/s |")
    print("|---|---|---:|---:|")
    for n in (int(b) for b in args.batch.split(",")):
        for fan_in, fan_out in LAYERS:
            x = rng.uniform(-1, 1, (n, fan_in)).astype(np.float32)
            w = rng.uniform(-1, 1, (fan_in, fan_out)).astype(np.float32)
            b = rng.uniform(-1, 1, fan_out).astype(np.float32)
            dy = rng.uniform(-1, 1, (n, fan_out)).astype(np.float32)
            y = np.empty((n, fan_out), np.float32)
            dw = np.empty((fan_in, fan_out), np.float32)
            dx = np.empty((n, fan_in), np.float32)
            flops = 2.0 * n * fan_in * fan_out
            cases = [
                ("Forward", lambda: np.matmul(x, w, out=y)),
                ("Forward+bias", lambda: np.add(np.matmul(x, w, out=y), b, out=y)),
                ("BackwardWeights", lambda: np.matmul(x.T, dy, out=dw)),
            ]
            if fan_in != 784:  # the trainer never computes the first layer's input gradient
                cases.append(("BackwardInput", lambda: np.matmul(dy, w.T, out=dx)))
            for name, fn in cases:
                seconds = time_call(fn)
                print(f"| {name} | {n}x{fan_in}x{fan_out} | {seconds * 1e6:.2f} | {flops / seconds / 1e9:.1f} |")


if __name__ == "__main__":
    main()
