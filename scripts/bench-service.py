#!/usr/bin/env python3
"""End-to-end service benchmark (issue 4): clips/s received and decoded by the Python client
(clients/python) keeping many batch requests in flight, with provenance on and off, next to `synthclips bench` (render +
compress) with the same worker count, all measured in one run on this machine; then the server's
peak resident memory (VmHWM) under 64 concurrent streams of batches of 32.

    scripts/bench-service.py [--bin .build/release/synthclips] [--workers 2] [--seconds 10]
                             [--stage accelerating-shapes] [--batch-size 16] [--in-flight 16]
                             [--rounds 3] [--server-cpus 0-2 --client-cpus 3]

The machines here are shared and their speed drifts by ±20 % within a minute, so the three
throughputs are measured in alternation, `--rounds` times each, and compared by their medians.

On a machine with more cores than the server needs, `--server-cpus` pins the server and
`synthclips bench` to those CPUs and `--client-cpus` pins this process (the Python client), so
that the client does not share the server's cores (on the 2-core development machine it must).
"""
import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python")
sys.path[:0] = [os.path.join(CLIENT, "src"), os.path.join(CLIENT, "benchmarks")]
import bench_client  # noqa: E402 - the client benchmark's loop, from the path above
from synthclips._transport import DEFAULT_STREAM_WINDOW  # noqa: E402


def cpu_list(text):
    """'0-2,5' → {0, 1, 2, 5} (the taskset syntax)."""
    cpus = set()
    try:
        for part in text.split(","):
            first, _, last = part.partition("-")
            cpus.update(range(int(first), int(last or first) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a CPU list like 0-2,5: {text!r}")
    if not cpus:
        raise argparse.ArgumentTypeError(f"no CPU in {text!r}")
    return cpus


def pinned(command, cpus):
    """`command` run on `cpus` only, through taskset (children inherit the affinity)."""
    return ["taskset", "-c", ",".join(map(str, sorted(cpus))), *command]


def start_server(binary, workers, db, provenance, cpus):
    proc = subprocess.Popen(pinned([binary, "serve", "--port", "0", "--db", db, "--workers", str(workers),
                                    "--provenance", provenance], cpus),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    if not line.startswith("listening on "):
        proc.kill()
        sys.exit(f"server did not start: {line!r}")
    return proc, line.split()[-1]


def receive(base, stage, batch_size, in_flight, seconds, server_pid):
    """The Python client (clients/python, its default wide flow-control windows) iterating
    batches with `in_flight` requests prefetched, each decoded into numpy; returns clips/s and
    the server's CPU seconds per clip."""
    rate, cpu, _ = bench_client.run(base, DEFAULT_STREAM_WINDOW, seconds, in_flight, stage, batch_size, 0, server_pid)
    return rate, cpu["server"]


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
    p.add_argument("--workers", type=int, help="render workers (default: one per server CPU)")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--stage", default="accelerating-shapes")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--in-flight", type=int, default=16)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--server-cpus", type=cpu_list, help="pin the server and bench to these CPUs (e.g. 0-2)")
    p.add_argument("--client-cpus", type=cpu_list, help="pin this process, the client, to these CPUs (e.g. 3)")
    a = p.parse_args()
    if a.rounds < 1:
        p.error("--rounds must be at least 1")
    # The server and bench get --server-cpus, or every CPU this process may use: set before
    # this process pins itself, whose affinity its children would otherwise inherit.
    usable = os.sched_getaffinity(0)
    a.server_cpus = a.server_cpus or usable
    if a.client_cpus is not None:
        if a.server_cpus & a.client_cpus:
            p.error("--server-cpus and --client-cpus overlap")
        os.sched_setaffinity(0, a.client_cpus)
    a.workers = a.workers or len(a.server_cpus)

    def bench():
        out = subprocess.run(pinned([a.bin, "bench", "--stage", a.stage, "--threads", str(a.workers),
                              "--seconds", str(a.seconds), "--json"], a.server_cpus), check=True, capture_output=True, text=True)
        return json.loads(out.stdout)["stages"][0]

    def service(tmp, provenance, round_):
        proc, base = start_server(a.bin, a.workers, os.path.join(tmp, f"{provenance}-{round_}.sqlite"), provenance,
                                  a.server_cpus)
        try:
            return receive(base, a.stage, a.batch_size, a.in_flight, a.seconds, proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    rates = {"render": [], "render_compress": [], "on": [], "off": []}
    # The server's CPU time per clip delivered: what provenance costs, free of the machine's
    # drift in speed (throughput rounds vary by ±20 % here; CPU per clip by a few %).
    server_cpu = {"on": [], "off": []}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(a.rounds):
            b = bench()
            rates["render"].append(b["clips_per_second"])
            rates["render_compress"].append(b["render_compress_clips_per_second"])
            for provenance in ("on", "off"):
                rate, cpu = service(tmp, provenance, round_)
                rates[provenance].append(rate)
                server_cpu[provenance].append(cpu)
            print(f"round {round_ + 1}/{a.rounds}: render+compress {rates['render_compress'][-1]:.1f}, "
                  f"service {rates['on'][-1]:.1f} (provenance off {rates['off'][-1]:.1f}) clips/s; "
                  f"server CPU {server_cpu['on'][-1] * 1e3:.2f} (off {server_cpu['off'][-1] * 1e3:.2f}) ms/clip",
                  file=sys.stderr)
        # Memory: the render pool admits what it can, streams wait for their reader; the
        # server's peak must stay bounded however many streams ask at once.
        proc, base = start_server(a.bin, a.workers, os.path.join(tmp, "memory.sqlite"), "on", a.server_cpus)
        try:
            idle_kib = memory_kib(proc.pid, "VmRSS")
            loaded = asyncio.run(pull(base, a.stage, 32, 64, a.seconds))
            peak_kib = memory_kib(proc.pid, "VmHWM")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    median = {k: statistics.median(v) for k, v in rates.items()}
    cpu_median = {k: statistics.median(v) for k, v in server_cpu.items()}
    print(json.dumps({
        "stage": a.stage, "workers": a.workers, "batch_size": a.batch_size, "in_flight": a.in_flight,
        "rounds": a.rounds, "usable_cpus": len(usable),
        "server_cpus": sorted(a.server_cpus),
        "client_cpus": sorted(a.client_cpus) if a.client_cpus else None,
        "bench_render_clips_per_second": round(median["render"], 1),
        "bench_render_compress_clips_per_second": round(median["render_compress"], 1),
        "service_clips_per_second_provenance_on": round(median["on"], 1),
        "service_clips_per_second_provenance_off": round(median["off"], 1),
        "ratio_service_to_bench": round(median["on"] / median["render_compress"], 3),
        "provenance_on_over_off": round(median["on"] / median["off"], 3),
        "server_cpu_ms_per_clip_provenance_on": round(cpu_median["on"] * 1e3, 3),
        "server_cpu_ms_per_clip_provenance_off": round(cpu_median["off"] * 1e3, 3),
        "server_cpu_per_clip_on_over_off": round(cpu_median["on"] / cpu_median["off"], 3),
        "all_rounds": {k: [round(x, 1) for x in v] for k, v in rates.items()},
        "all_rounds_server_cpu_ms_per_clip": {k: [round(x * 1e3, 3) for x in v] for k, v in server_cpu.items()},
        "memory_idle_rss_mib": round(idle_kib / 1024, 1),
        "memory_peak_rss_mib_64_streams_batch_32": round(peak_kib / 1024, 1),
        "memory_run_clips_per_second": round(loaded, 1),
    }, indent=2))


if __name__ == "__main__":
    main()
