"""Clips/s a client receives and decodes: httpx with httpcore's default 64 KiB stream windows
versus raised windows, batches of 16 `accelerating-shapes` clips, and the decode cost per clip.

    python benchmarks/bench_client.py http://127.0.0.1:8080 [--seconds 8] [--prefetch 8]
"""
from __future__ import annotations

import argparse
import itertools
import time

from synthclips import Client, _safetensors


def run(url, window, seconds, prefetch, stage, batch_size, start_step):
    with Client(url, prefetch=prefetch, stream_window=window) as c:
        it = c.batches(stage, batch_size, start_step=start_step)
        next(it)  # connection up, pipeline full
        t0, clips = time.perf_counter(), 0
        while time.perf_counter() - t0 < seconds:
            clips += len(next(it))
        dt = time.perf_counter() - t0
        return clips / dt, c.stats["bytes"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--prefetch", type=int, default=8)
    ap.add_argument("--stage", default="accelerating-shapes")
    ap.add_argument("--batch-size", type=int, default=16)
    a = ap.parse_args()
    step = itertools.count(10_000, 1000)
    for name, window in (("httpx default (64 KiB stream window)", None), ("raised 16 MiB stream window", 16 << 20),
                         ("raised 32 MiB stream window", 32 << 20)):
        rate, _ = run(a.url, window, a.seconds, a.prefetch, a.stage, a.batch_size, next(step))
        print(f"{name:40s} {rate:8.1f} clips/s")
    with Client(a.url) as c:
        r, body = c._get(f"/v1/batches/{a.stage}/0", {"batch_size": a.batch_size})
    recycler = _safetensors.BufferRecycler(keep=2)
    for name, decompress in (("into new memory", _safetensors.decompress), ("into a recycled buffer", recycler.decompress)):
        n, t0 = 20, time.perf_counter()
        for _ in range(n):
            _safetensors.parse(decompress(body))
        per_clip = (time.perf_counter() - t0) / n / a.batch_size
        print(f"decode {name:22s} (zstd + safetensors → numpy views): {per_clip * 1e3:.2f} ms per clip, "
              f"{len(body) / a.batch_size / 1e3:.0f} kB compressed per clip")


if __name__ == "__main__":
    main()
