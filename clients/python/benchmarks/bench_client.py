"""Clips/s a client receives and decodes: httpx with httpcore's default 64 KiB stream windows
versus raised windows, zstd versus uncompressed bodies (`compress=False`), batches of 16
`accelerating-shapes` clips, and the decode cost per clip.
With `--server-pid`, also the CPU each side spends per clip (this process's CPU time, the
server's from /proc): on a machine where both share the cores, that says which side would limit
on separate ones. Each run prints the client's stats (requests, retries).

    python benchmarks/bench_client.py http://127.0.0.1:8080 [--seconds 8] [--prefetch 8] [--server-pid PID]
"""
from __future__ import annotations

import argparse
import itertools
import os
import time

import zstandard

from synthclips import Client, _safetensors


def server_cpu_seconds(pid):
    """utime + stime of a process, from /proc/PID/stat (fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(url, window, seconds, prefetch, stage, batch_size, start_step, server_pid=None, compress=True):
    with Client(url, prefetch=prefetch, stream_window=window, compress=compress) as c:
        it = c.batches(stage, batch_size, start_step=start_step)
        next(it)  # connection up, pipeline full
        t0, cpu0, clips = time.perf_counter(), time.process_time(), 0
        server0 = server_cpu_seconds(server_pid) if server_pid else 0.0
        while time.perf_counter() - t0 < seconds:
            clips += len(next(it))
        dt = time.perf_counter() - t0
        cpu = {"client": (time.process_time() - cpu0) / clips}
        if server_pid:
            cpu["server"] = (server_cpu_seconds(server_pid) - server0) / clips
        return clips / dt, cpu, dict(c.stats)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--prefetch", type=int, default=8)
    ap.add_argument("--stage", default="accelerating-shapes")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--server-pid", type=int, help="the server's PID, for its CPU time per clip")
    a = ap.parse_args()
    step = itertools.count(10_000, 1000)
    for name, window, compress in (("httpx default (64 KiB stream window)", None, True),
                                   ("raised 16 MiB stream window", 16 << 20, True),
                                   ("raised 32 MiB stream window", 32 << 20, True),
                                   ("16 MiB window, uncompressed bodies", 16 << 20, False)):
        rate, cpu, stats = run(a.url, window, a.seconds, a.prefetch, a.stage, a.batch_size, next(step), a.server_pid,
                               compress)
        per_clip = ", ".join(f"{side} CPU {seconds * 1e3:.2f} ms/clip" for side, seconds in cpu.items())
        print(f"{name:40s} {rate:8.1f} clips/s  {per_clip}  requests {stats['requests']} retries {stats['retries']}")
    with Client(a.url) as c:
        r, body = c._get(f"/v1/batches/{a.stage}/0", {"batch_size": a.batch_size})
    recycler = _safetensors.BufferRecycler(keep=2)
    # "New memory" is one-shot zstd into a fresh buffer, as the client decoded before it recycled buffers.
    one_shot = zstandard.ZstdDecompressor().decompress
    for name, decompress in (("into new memory", one_shot), ("into a recycled buffer", recycler.decompress)):
        n, t0 = 20, time.perf_counter()
        for _ in range(n):
            _safetensors.parse(decompress(body))
        per_clip = (time.perf_counter() - t0) / n / a.batch_size
        print(f"decode {name:22s} (zstd + safetensors → numpy views): {per_clip * 1e3:.2f} ms per clip, "
              f"{len(body) / a.batch_size / 1e3:.0f} kB compressed per clip")


if __name__ == "__main__":
    main()
