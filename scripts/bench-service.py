#!/usr/bin/env python3
"""End-to-end service benchmark (issue 4): clips/s received and decoded by the Python client
(clients/python) keeping many batch requests in flight, with provenance on and off, next to `synthclips bench` (render +
compress) with the same worker count, all measured in one run on this machine; then the server's
peak resident memory (VmHWM) under 64 concurrent streams of batches of 32.

    scripts/bench-service.py [--bin .build/release/synthclips] [--workers 2] [--seconds 10]
                             [--stage accelerating-shapes] [--batch-size 16] [--in-flight 16]
"""
import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time

import httpx

CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python")
sys.path[:0] = [os.path.join(CLIENT, "src"), os.path.join(CLIENT, "benchmarks")]
import bench_client  # noqa: E402 - the client benchmark's loop, from the path above
from synthclips._transport import DEFAULT_STREAM_WINDOW  # noqa: E402


def start_server(binary, workers, db, provenance):
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--db", db, "--workers", str(workers),
                             "--provenance", provenance],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    if not line.startswith("listening on "):
        proc.kill()
        sys.exit(f"server did not start: {line!r}")
    return proc, line.split()[-1]


def receive(base, stage, batch_size, in_flight, seconds):
    """The Python client (clients/python, its default wide flow-control windows) iterating
    batches with `in_flight` requests prefetched, each decoded into numpy; returns clips/s."""
    rate, _, _ = bench_client.run(base, DEFAULT_STREAM_WINDOW, seconds, in_flight, stage, batch_size, 0)
    return rate


async def pull(base, stage, batch_size, in_flight, seconds):
    """Requests batches 0, 1, 2, … with `in_flight` outstanding on one httpx connection (its
    default windows), bodies discarded; returns clips/s received. Drives the memory test."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(http1=False, http2=True, limits=limits, timeout=60) as client:
        next_index = 0
        clips = 0
        deadline = time.monotonic() + seconds

        async def worker():
            nonlocal next_index, clips
            while time.monotonic() < deadline:
                index = next_index
                next_index += 1
                while True:
                    r = await client.get(f"{base}/v1/batches/{stage}/{index}",
                                         params={"batch_size": batch_size, "run": "bench"},
                                         headers={"accept-encoding": "zstd"})
                    if r.status_code != 503:
                        break
                    await asyncio.sleep(0.05)
                r.raise_for_status()
                clips += batch_size
        start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        return clips / (time.monotonic() - start)


def memory_kib(pid, field):
    """A VmRSS/VmHWM line of /proc/PID/status, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default=".build/release/synthclips")
    p.add_argument("--workers", type=int, default=os.cpu_count())
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--stage", default="accelerating-shapes")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--in-flight", type=int, default=16)
    a = p.parse_args()

    bench = json.loads(subprocess.run([a.bin, "bench", "--stage", a.stage, "--threads", str(a.workers),
                                       "--seconds", str(a.seconds), "--json"],
                                      check=True, capture_output=True, text=True).stdout)["stages"][0]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for provenance in ("on", "off"):
            proc, base = start_server(a.bin, a.workers, os.path.join(tmp, f"{provenance}.sqlite"), provenance)
            try:
                results[provenance] = receive(base, a.stage, a.batch_size, a.in_flight, a.seconds)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
        # Memory: the render pool admits what it can, streams wait for their reader; the
        # server's peak must stay bounded however many streams ask at once.
        proc, base = start_server(a.bin, a.workers, os.path.join(tmp, "memory.sqlite"), "on")
        try:
            idle_kib = memory_kib(proc.pid, "VmRSS")
            loaded = asyncio.run(pull(base, a.stage, 32, 64, a.seconds))
            peak_kib = memory_kib(proc.pid, "VmHWM")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    render_compress = bench["render_compress_clips_per_second"]
    print(json.dumps({
        "stage": a.stage, "workers": a.workers, "batch_size": a.batch_size, "in_flight": a.in_flight,
        "bench_render_clips_per_second": bench["clips_per_second"],
        "bench_render_compress_clips_per_second": render_compress,
        "service_clips_per_second_provenance_on": round(results["on"], 1),
        "service_clips_per_second_provenance_off": round(results["off"], 1),
        "ratio_service_to_bench": round(results["on"] / render_compress, 3),
        "provenance_on_over_off": round(results["on"] / results["off"], 3),
        "memory_idle_rss_mib": round(idle_kib / 1024, 1),
        "memory_peak_rss_mib_64_streams_batch_32": round(peak_kib / 1024, 1),
        "memory_run_clips_per_second": round(loaded, 1),
    }, indent=2))


if __name__ == "__main__":
    main()
