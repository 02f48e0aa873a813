#!/usr/bin/python3
"""The table of `compare --scaling`: one row per layers:batch:threads, ScratchNet beside PyTorch and NumPy float32.

Reads the manifest compare writes (name, threads, round, rc, log, layers, batch per run) and prints Markdown:
seconds per training epoch (the mean of the epochs after the first; with 2 epochs, the second), the median over
rounds, and the ratios taken within each round (contenders run back to back there), with their median.
"""
import collections
import datetime
import re
import statistics
import sys

EPOCH = re.compile(r"epoch=(\d+)\b.*?\btime=([0-9.]+)s")
manifest, epochs, rounds, model, cores, cmdline = sys.argv[1:]

# (layers, batch, threads) -> contender -> round -> seconds per epoch
times = collections.OrderedDict()
failures = []
for line in open(manifest):
    name, t, r, rc, log, layers, batch = line.rstrip("\n").split("\t")
    row = times.setdefault((layers, int(batch), int(t)), collections.OrderedDict())
    per_round = row.setdefault(name, {})
    text = open(log, errors="replace").read()
    secs = [float(s) for _, s in EPOCH.findall(text)]
    if rc != "0" or not secs:
        failures.append(f"{name} {layers} batch {batch} threads {t} round {r}: rc={rc}, {len(secs)} epoch lines ({log})")
        continue
    timed = secs[1:] if len(secs) >= 2 else secs
    per_round[int(r)] = sum(timed) / len(timed)


def median(values):
    return statistics.median(values) if values else None


def paired(slower, faster):
    """slower[r] / faster[r] for every round both ran: how many times faster `faster` is, round by round."""
    return [slower[r] / faster[r] for r in sorted(faster) if r in slower and faster[r] > 0]


def fmt(value, pattern="%.3f"):
    return pattern % value if value is not None else "—"


def ratios(values):
    return f"{median(values):.2f}× ({', '.join(f'{v:.2f}' for v in values)})" if values else "—"


print("# ScratchNet scaling comparison\n")
print(f"- machine: {model or 'unknown CPU'}, {cores} cores")
print(f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M:%S %Z')}")
print(f"- command: `{cmdline}`")
print(f"- workload: MNIST MLP of the given layers, ReLU, SGD lr 0.003, {epochs} epochs per run, {rounds} alternating "
      f"rounds; s/epoch = median over rounds of each run's mean training-epoch time "
      f"({'first epoch excluded' if int(epochs) >= 2 else 'all epochs'}; validation not timed); every contender runs "
      f"on the row's threads (NumPy: its BLAS threads)")
print("- ratios: the row's time ÷ ScratchNet's, taken within each round; the median first, every round in brackets\n")
print("| layers | batch | threads | ScratchNet s/epoch | PyTorch s/epoch | NumPy f32 s/epoch | ScratchNet vs PyTorch | ScratchNet vs NumPy f32 | ScratchNet vs its 1 thread |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for (layers, batch, t), row in times.items():
    sn, pt, np32 = row.get("ScratchNet", {}), row.get("PyTorch", {}), row.get("NumPy float32", {})
    one = times.get((layers, batch, 1), {}).get("ScratchNet", {}) if t > 1 else {}
    print(f"| {layers} | {batch} | {t} | {fmt(median(list(sn.values())))} | {fmt(median(list(pt.values())))} "
          f"| {fmt(median(list(np32.values())))} | {ratios(paired(pt, sn))} | {ratios(paired(np32, sn))} "
          f"| {ratios(paired(one, sn)) if t > 1 else '—'} |")
if failures:
    print("\nFailed runs (see the logs):")
    for f in failures:
        print(f"- {f}")
