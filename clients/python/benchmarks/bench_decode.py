"""Client-side decode cost per clip, side by side with decoding the same frames from MP4.

Fetches one batch of clips from a running server, then alternates, round after round:
- SynthClips: zstd decompress into a recycled buffer + safetensors parse into numpy views
  (what `Client.batch` does per response);
- PyAV: decoding each clip's frames from a 256×256 H.264 MP4 into RGB numpy arrays, the MP4s
  encoded once beforehand from the very same frames (libx264, yuv420p, default settings).

Both run on one thread and are timed in this process's CPU time, so the ratio is per core. PyAV is only needed by
this benchmark (`pip install av`), never by the client.

    python benchmarks/bench_decode.py http://127.0.0.1:8080 [--rounds 5] [--stage accelerating-shapes]
"""
from __future__ import annotations

import argparse
import io
import statistics
import time

import av

from synthclips import Client, _safetensors


def encode_mp4(frames):
    """The frames ([T, H, W, 3] uint8) as an in-memory H.264 MP4."""
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height = frames.shape[2], frames.shape[1]
        stream.pix_fmt = "yuv420p"
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode())
    return out.getvalue()


def decode_mp4(data):
    """Every frame of an MP4 as RGB numpy arrays, decoded on this thread alone (FFmpeg would
    otherwise start decoder threads, whose CPU time a per-core figure must count too)."""
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.video[0]
        stream.thread_type, stream.thread_count = "NONE", 1
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(stream)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--stage", default="accelerating-shapes")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    if not 1 <= a.rounds <= 100:
        ap.error("--rounds must be in 1...100")

    with Client(a.url) as c:
        response, body = c._get(f"/v1/batches/{a.stage}/0", {"batch_size": a.batch_size})
    if response.headers.get("content-encoding") != "zstd":
        raise SystemExit(f"the server answered {response.headers.get('content-encoding', 'identity')!r} bodies, not zstd")
    recycler = _safetensors.BufferRecycler(keep=2)
    video = _safetensors.parse(recycler.decompress(body))[0]["video"].copy()
    clips, frames = video.shape[0], video.shape[1]
    mp4s = [encode_mp4(clip) for clip in video]
    decoded = decode_mp4(mp4s[0])
    if len(decoded) != frames or decoded[0].shape != video.shape[2:]:
        raise SystemExit(f"MP4 round trip gave {len(decoded)} frames of {decoded[0].shape}, expected {video.shape[1:]}")

    def synthclips_round():
        t0 = time.process_time()
        for _ in range(4):
            _safetensors.parse(recycler.decompress(body))
        return (time.process_time() - t0) / (4 * clips)

    def pyav_round():
        t0 = time.process_time()
        for data in mp4s:
            decode_mp4(data)
        return (time.process_time() - t0) / clips

    zstd_ms, mp4_ms = [], []
    for r in range(a.rounds):
        zstd_ms.append(synthclips_round() * 1e3)
        mp4_ms.append(pyav_round() * 1e3)
        print(f"round {r + 1}/{a.rounds}: SynthClips {zstd_ms[-1]:.3f} ms/clip, PyAV MP4 {mp4_ms[-1]:.3f} ms/clip, "
              f"ratio {mp4_ms[-1] / zstd_ms[-1]:.1f}x")
    z, m = statistics.median(zstd_ms), statistics.median(mp4_ms)
    print(f"median of {a.rounds}: SynthClips {z:.3f} ms/clip ({len(body) / clips / 1e3:.0f} kB zstd), "
          f"PyAV {m:.3f} ms/clip ({sum(map(len, mp4s)) / clips / 1e3:.0f} kB MP4, {frames} frames "
          f"{video.shape[3]}x{video.shape[2]}): SynthClips decodes {m / z:.1f}x cheaper, CPU time, one thread")


if __name__ == "__main__":
    main()
