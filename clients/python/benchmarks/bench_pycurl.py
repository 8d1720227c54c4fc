"""pycurl (libcurl + nghttp2) against the SynthClips client, the other candidate the issue names:
one HTTP/2 connection multiplexing `--in-flight` batch requests (h2c with prior knowledge, zstd
bodies), each body decoded with the client's own decoder (recycled buffer, safetensors → numpy),
so the two differ only in the HTTP/2 stack. Prints clips/s and this process's CPU per clip.

    python benchmarks/bench_pycurl.py http://127.0.0.1:8080 [--seconds 8] [--in-flight 8]

pycurl is not a dependency of the client: `pip install pycurl` (its wheels bundle libcurl with
nghttp2) to run this.
"""
from __future__ import annotations

import argparse
import io
import itertools
import time

import pycurl
from bench_client import run  # this directory, on sys.path when run as a script

from synthclips import _safetensors
from synthclips._transport import DEFAULT_STREAM_WINDOW


def pycurl_rate(url, stage, batch_size, in_flight, seconds, start):
    multi = pycurl.CurlMulti()
    multi.setopt(pycurl.M_PIPELINING, pycurl.PIPE_MULTIPLEX)
    recycler = _safetensors.BufferRecycler(keep=in_flight + 4)
    indices = itertools.count(start)
    idle = [pycurl.Curl() for _ in range(in_flight)]
    bodies = {}

    def submit(handle):
        body = io.BytesIO()
        handle.setopt(pycurl.URL, f"{url}/v1/batches/{stage}/{next(indices)}?batch_size={batch_size}")
        handle.setopt(pycurl.HTTP_VERSION, pycurl.CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE)
        handle.setopt(pycurl.HTTPHEADER, ["accept-encoding: zstd"])
        handle.setopt(pycurl.WRITEDATA, body)
        handle.setopt(pycurl.PIPEWAIT, 1)
        bodies[handle] = body
        multi.add_handle(handle)

    for handle in idle:
        submit(handle)
    clips, t0, cpu0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < seconds:
        multi.select(1.0)
        while multi.perform()[0] == pycurl.E_CALL_MULTI_PERFORM:
            pass
        _, done, failed = multi.info_read()
        if failed:
            raise RuntimeError(f"pycurl: {failed}")
        for handle in done:
            multi.remove_handle(handle)
            status = handle.getinfo(pycurl.RESPONSE_CODE)
            if status != 200:
                raise RuntimeError(f"HTTP {status}")
            arrays, _ = _safetensors.parse(recycler.decompress(bodies.pop(handle).getvalue()))
            clips += len(arrays["seeds"])
            del arrays
            submit(handle)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    multi.close()
    return clips / elapsed, cpu / clips


def client_rate(url, stage, batch_size, in_flight, seconds, start):
    rate, cpu, _ = run(url, DEFAULT_STREAM_WINDOW, seconds, in_flight, stage, batch_size, start)
    return rate, cpu["client"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--in-flight", type=int, default=8)
    ap.add_argument("--stage", default="accelerating-shapes")
    ap.add_argument("--batch-size", type=int, default=16)
    a = ap.parse_args()
    start = itertools.count(20_000, 1000)
    for name, measure in (("pycurl (libcurl, nghttp2)", pycurl_rate), ("synthclips.Client (httpx, h2)", client_rate)):
        rate, cpu = measure(a.url.rstrip("/"), a.stage, a.batch_size, a.in_flight, a.seconds, next(start))
        print(f"{name:32s} {rate:8.1f} clips/s  client CPU {cpu * 1e3:.2f} ms/clip")


if __name__ == "__main__":
    main()
