"""The `synthclips` command line, run as a user would: `render`, `stages`, `bench`.

Checks the wire format of DESIGN.md (safetensors document, optionally one zstd frame), the
determinism promise across processes, frame selection, overrides, PNG previews, and that bad
input fails with a message that names the problem.

Binary: $SYNTHCLIPS_BIN (relative paths are taken from the repository root), default
.build/release/synthclips. Needs numpy, safetensors and zstandard; PNGs are decoded with zlib.
"""
import hashlib
import json
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest
import zstandard

from cli_support import binary, run
from safetensors.numpy import load as load_safetensors

MAIN_STAGES = ["static-circles", "moving-circles", "moving-shapes", "transforming-shapes", "accelerating-shapes"]
TIMEOUT = 120


# MARK: helpers

def decompress_one_frame(data: bytes) -> bytes:
    """Decompresses a zstd stream that must hold exactly one frame."""
    obj = zstandard.ZstdDecompressor().decompressobj()
    out = obj.decompress(data)
    assert obj.eof, "the zstd frame is incomplete"
    assert obj.unused_data == b"", f"{len(obj.unused_data)} bytes after the first zstd frame"
    return out


def header(document: bytes) -> dict:
    (length,) = struct.unpack("<Q", document[:8])
    return json.loads(document[8:8 + length])


def load(path: Path):
    """(tensors, metadata, raw document bytes) of a .safetensors or .safetensors.zst file."""
    data = path.read_bytes()
    if path.name.endswith(".zst"):
        data = decompress_one_frame(data)
    return load_safetensors(data), header(data).get("__metadata__", {}), data


def render(tmp_path: Path, stage: str, seed: int, *extra, name="clip.safetensors.zst"):
    out = tmp_path / name
    run("render", stage, "--seed", seed, "--out", out, *extra)
    return load(out)


def canonical(value) -> str:
    """Python's rendering of SynthClips' canonical JSON (sorted keys, no spaces, shortest
    round-trip floats with a fraction, integers as integers)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def stages_json() -> dict:
    return json.loads(run("stages", "--json").stdout)


def decode_png(path: Path) -> np.ndarray:
    """A minimal PNG decoder (8-bit RGB, non-interlaced; all five filter types)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name}: not a PNG"
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"{path.name}: bad CRC in {kind!r}"
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    width, height, depth, color, _, _, interlace = ihdr
    assert (depth, color, interlace) == (8, 2, 0), f"{path.name}: not 8-bit RGB non-interlaced: {ihdr}"
    raw = zlib.decompress(b"".join(idat))
    stride = width * 3
    assert len(raw) == height * (stride + 1)
    image = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.int64)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        row = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1).astype(np.int64)
        if kind == 0:
            current = row
        elif kind == 1:  # Sub: running sum per channel
            current = np.cumsum(row.reshape(-1, 3), axis=0).reshape(-1) % 256
        elif kind == 2:  # Up
            current = (row + previous) % 256
        elif kind in (3, 4):
            r, b, out = row.tolist(), previous.tolist(), [0] * stride
            for i in range(stride):
                a = out[i - 3] if i >= 3 else 0
                if kind == 3:
                    out[i] = (r[i] + (a + b[i]) // 2) & 255
                else:
                    c = b[i - 3] if i >= 3 else 0
                    p = a + b[i] - c
                    pa, pb, pc = abs(p - a), abs(p - b[i]), abs(p - c)
                    predictor = a if pa <= pb and pa <= pc else (b[i] if pb <= pc else c)
                    out[i] = (r[i] + predictor) & 255
            current = np.array(out, dtype=np.int64)
        else:
            raise AssertionError(f"{path.name}: unknown filter {kind} on row {y}")
        image[y] = current
        previous = current
    return image.reshape(height, width, 3)


# MARK: render

def test_render_zst_document(tmp_path):
    seed = 7
    tensors, metadata, _ = render(tmp_path, "moving-shapes", seed)
    assert set(tensors) == {"video", "seeds", "frame_indices"}

    video = tensors["video"]
    assert video.dtype == np.uint8 and video.shape == (1, 16, 256, 256, 3)
    assert video.any(), "the clip is all black"

    assert tensors["seeds"].dtype == np.uint64 and tensors["seeds"].tolist() == [seed]

    frames = tensors["frame_indices"]
    assert frames.dtype == np.int32 and frames.shape == (1, 16)
    steps = np.diff(frames[0])
    assert (steps == 4).all(), frames
    # VideoMAE's sampler: start s ~ U{0..D−64} with D ∈ 100..200, so 0 ≤ s ≤ 136 and every
    # index stays below 201 (at most D − 4 ≤ 196).
    start = int(frames[0, 0])
    assert 0 <= start <= 200 - 64
    assert int(frames[0, -1]) < 201

    assert set(metadata) == {"stage", "config_hash", "generator_version", "config"}
    assert metadata["stage"] == "moving-shapes"
    assert metadata["config_hash"] == hashlib.sha256(metadata["config"].encode()).hexdigest()
    config = json.loads(metadata["config"])
    # The configuration text is canonical: Python's sorted compact rendering gives the same text.
    assert canonical(config) == metadata["config"]
    assert config["speed"] == [1.2, 3.0] and len(config["shapes"]) == 6

    stages = stages_json()
    assert metadata["generator_version"] == str(stages["generator_version"])
    preset = next(s for s in stages["stages"] if s["id"] == "moving-shapes")
    assert preset["config_hash"] == metadata["config_hash"]
    assert preset["config"] == config


def test_sampled_starts_cover_the_range(tmp_path):
    # Different seeds draw different durations and starts, all inside the documented range.
    starts = set()
    for seed in range(12):
        tensors, _, _ = render(tmp_path, "static-circles", seed, "--set", "resolution=16", name=f"s{seed}.safetensors")
        frames = tensors["frame_indices"][0]
        assert (np.diff(frames) == 4).all()
        assert 0 <= frames[0] <= 136
        starts.add(int(frames[0]))
    assert len(starts) >= 6, starts


def test_static_stage_repeats_one_image(tmp_path):
    tensors, _, _ = render(tmp_path, "static-circles", 3)
    video = tensors["video"][0]
    assert video.any()
    assert all(np.array_equal(video[0], frame) for frame in video[1:])


def test_zst_is_one_frame_of_the_uncompressed_document(tmp_path):
    raw_path, zst_path = tmp_path / "clip.safetensors", tmp_path / "clip.safetensors.zst"
    run("render", "accelerating-shapes", "--seed", 11, "--out", raw_path)
    run("render", "accelerating-shapes", "--seed", 11, "--out", zst_path)
    raw = raw_path.read_bytes()
    compressed = zst_path.read_bytes()
    assert decompress_one_frame(compressed) == raw
    assert len(compressed) < len(raw)
    # The uncompressed file is a plain safetensors document: 8-byte length, JSON header, data.
    head = header(raw)
    (length,) = struct.unpack("<Q", raw[:8])
    assert head["video"]["dtype"] == "U8" and head["video"]["shape"] == [1, 16, 256, 256, 3]
    assert head["seeds"]["dtype"] == "U64" and head["frame_indices"]["dtype"] == "I32"
    end = max(info["data_offsets"][1] for key, info in head.items() if key != "__metadata__")
    assert 8 + length + end == len(raw)


def test_digest_is_sha256_of_the_video_tensor(tmp_path):
    out = tmp_path / "clip.safetensors"
    result = run("render", "transforming-shapes", "--seed", 5, "--out", out, "--digest")
    tensors, _, _ = load(out)
    assert result.stdout.strip() == hashlib.sha256(tensors["video"].tobytes()).hexdigest()
    # --digest alone writes nothing and prints the same line.
    alone = run("render", "transforming-shapes", "--seed", 5, "--digest")
    assert alone.stdout == result.stdout
    assert list(tmp_path.iterdir()) == [out]


def test_two_processes_write_identical_files(tmp_path):
    for stage, seed in [("accelerating-shapes", 123), ("accelerating-shapes-color-background", 2**63 + 5)]:
        paths = [tmp_path / f"{stage}-{i}.safetensors.zst" for i in range(2)]
        processes = [subprocess.Popen([binary(), "render", stage, "--seed", str(seed), "--out", str(p)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE) for p in paths]
        for process in processes:
            _, err = process.communicate(timeout=TIMEOUT)
            assert process.returncode == 0, err
        assert paths[0].read_bytes() == paths[1].read_bytes()
        tensors, _, _ = load(paths[0])
        assert tensors["seeds"].tolist() == [seed]
    # Different seeds give different clips.
    a, _, _ = load(tmp_path / "accelerating-shapes-0.safetensors.zst")
    b, _, _ = render(tmp_path, "accelerating-shapes", 124)
    assert not np.array_equal(a["video"], b["video"])


def test_explicit_frames(tmp_path):
    tensors, _, _ = render(tmp_path, "moving-circles", 9, "--frames", "0,4,8", name="explicit.safetensors")
    assert tensors["frame_indices"].tolist() == [[0, 4, 8]]
    assert tensors["video"].shape == (1, 3, 256, 256, 3)

    # Frames are closed-form in t: naming the sampled clip's frames, in any order or subset,
    # renders the same images.
    sampled, _, _ = render(tmp_path, "moving-circles", 9, name="sampled.safetensors")
    indices = sampled["frame_indices"][0].tolist()
    named, _, _ = render(tmp_path, "moving-circles", 9, "--frames", ",".join(map(str, indices)), name="named.safetensors")
    assert np.array_equal(named["video"], sampled["video"])
    subset, _, _ = render(tmp_path, "moving-circles", 9, "--frames", f"{indices[5]},{indices[0]},{indices[5]}",
                          name="subset.safetensors")
    assert subset["frame_indices"].tolist() == [[indices[5], indices[0], indices[5]]]
    assert np.array_equal(subset["video"][0], sampled["video"][0][[5, 0, 5]])
    # A moving stage: frames 0, 4 and 8 are not all the same image.
    video = tensors["video"][0]
    assert not (np.array_equal(video[0], video[1]) and np.array_equal(video[1], video[2]))


def test_num_frames_and_stride(tmp_path):
    tensors, metadata, _ = render(tmp_path, "moving-shapes", 21, "--num-frames", 8, "--stride", 2)
    frames = tensors["frame_indices"]
    assert frames.shape == (1, 8) and tensors["video"].shape == (1, 8, 256, 256, 3)
    assert (np.diff(frames[0]) == 2).all()
    # start ~ U{0..D − 16}, D ≤ 200.
    assert 0 <= frames[0, 0] <= 200 - 16
    config = json.loads(metadata["config"])
    assert config["frames"] == 8 and config["stride"] == 2
    default = next(s for s in stages_json()["stages"] if s["id"] == "moving-shapes")
    assert metadata["config_hash"] != default["config_hash"]


def test_resolution_override(tmp_path):
    small, small_meta, _ = render(tmp_path, "accelerating-shapes", 4, "--set", "resolution=128", name="small.safetensors")
    full, full_meta, _ = render(tmp_path, "accelerating-shapes", 4, name="full.safetensors")
    assert small["video"].shape == (1, 16, 128, 128, 3)
    assert json.loads(small_meta["config"])["resolution"] == 128
    assert small_meta["config_hash"] != full_meta["config_hash"]
    # Resolution is an output field: same scene, so the same duration and clip start.
    assert small["frame_indices"].tolist() == full["frame_indices"].tolist()


def test_png_frames_match_the_tensor(tmp_path):
    png_dir = tmp_path / "frames"
    out = tmp_path / "clip.safetensors"
    run("render", "accelerating-shapes", "--seed", 1, "--out", out, "--png", png_dir)
    tensors, _, _ = load(out)
    video, indices = tensors["video"][0], tensors["frame_indices"][0].tolist()
    files = sorted(png_dir.iterdir())
    assert [f.name for f in files] == [f"frame-{k:02d}-t{t:04d}.png" for k, t in enumerate(indices)]
    assert len(files) == 16
    for k, path in enumerate(files):
        image = decode_png(path)
        assert image.shape == (256, 256, 3)
        assert np.array_equal(image, video[k]), f"{path.name} differs from frame {k} of the tensor"


# MARK: stages

def test_stages_json():
    stages = stages_json()
    assert isinstance(stages["generator_version"], int) and stages["generator_version"] >= 1
    ids = [s["id"] for s in stages["stages"]]
    assert len(ids) == len(set(ids))
    assert ids[:5] == MAIN_STAGES
    by_id = {s["id"]: s for s in stages["stages"]}
    assert by_id["static-circles"]["parent"] is None
    for parent, child in zip(MAIN_STAGES, MAIN_STAGES[1:]):
        assert by_id[child]["parent"] == parent
    for stage in stages["stages"]:
        assert {"id", "title", "parent", "adds", "delta", "config_hash", "config"} <= set(stage)
        assert stage["adds"] and stage["title"]
        # The hash is the SHA-256 of the canonical configuration text.
        assert stage["config_hash"] == hashlib.sha256(canonical(stage["config"]).encode()).hexdigest(), stage["id"]
        if stage["parent"] is not None:
            assert ids.index(stage["parent"]) < ids.index(stage["id"])
            expected = dict(by_id[stage["parent"]]["config"], **stage["delta"])
            assert stage["config"] == expected, stage["id"]
    # The values of GENERATORS.md §11/§13.
    assert by_id["moving-circles"]["config"]["speed"] == [1.2, 3.0]
    assert len(by_id["moving-shapes"]["config"]["shapes"]) == 6
    assert by_id["transforming-shapes"]["config"]["rotationSpeed"] == 1.8
    assert by_id["accelerating-shapes"]["config"]["acceleration"] == 0.03


def test_stages_text_lists_every_stage_and_field():
    text = run("stages").stdout
    for stage in stages_json()["stages"]:
        assert stage["id"] in text and stage["config_hash"] in text
    assert "radiusRange" in text and "1...5000" in text


# MARK: bad input

BAD_INPUT = [
    (["render", "nope", "--seed", "1", "--digest"], ["unknown stage", "nope"]),
    (["render", "moving-shapes", "--seed", "1", "--set", "speed=5,1", "--digest"], ["speed", "low ≤ high"]),
    (["render", "moving-shapes", "--seed", "1", "--set", "objects=0", "--digest"], ["objects", "1...5000"]),
    (["render", "moving-shapes", "--seed", "1", "--set", "nosuch=1", "--digest"], ["unknown configuration field", "nosuch"]),
    (["render", "moving-shapes", "--seed", "1", "--set", "resolution=big", "--digest"], ["resolution", "16...1024"]),
    (["render", "moving-shapes", "--seed", "1", "--set", "speed", "--digest"], ["--set expects field=value"]),
    (["render", "moving-shapes", "--seed", "1", "--frames", "1,x", "--digest"], ["frames", "'x'"]),
    # "-1" after --frames reads as an option to the argument parser: the value is missing.
    (["render", "moving-shapes", "--seed", "1", "--frames", "-1", "--digest"], ["--frames"]),
    (["render", "moving-shapes", "--seed", "1", "--frames=-1", "--digest"], ["frame index -1", "0...9999"]),
    (["render", "moving-shapes", "--seed", "1", "--frames", "10000", "--digest"], ["frame index 10000", "0...9999"]),
    (["render", "moving-shapes", "--seed", "1", "--frames", "0,4", "--stride", "2", "--digest"], ["--frames", "--stride"]),
    (["render", "moving-shapes", "--seed", "1", "--out", "foo.bin"], [".safetensors", "foo.bin"]),
    (["render", "moving-shapes", "--seed", "1"], ["nothing to do"]),
    (["render", "moving-shapes", "--seed", "-3", "--digest"], ["seed"]),
    (["render", "moving-shapes", "--digest"], ["seed"]),
    (["render", "moving-shapes", "--seed", "1", "--set", "resolution=1024", "--num-frames", "22", "--digest"],
     ["frames", "67108864"]),
    (["bench", "--threads", "0", "--seconds", "0.1"], ["--threads"]),
    (["bench", "--stage", "nope", "--seconds", "0.1"], ["unknown stage", "nope"]),
    (["bench", "--clips", "0"], ["--clips"]),
    (["bench", "--clips", "2", "--seconds", "1"], ["--seconds and --clips"]),
    (["bench", "--rounds", "0", "--seconds", "0.1"], ["--rounds", "1...100"]),
]


@pytest.mark.parametrize("args,needles", BAD_INPUT, ids=[" ".join(a[1:]) for a, _ in BAD_INPUT])
def test_bad_input_fails_with_a_message(tmp_path, args, needles):
    args = [str(tmp_path / a) if a == "foo.bin" else a for a in args]
    result = subprocess.run([binary(), *args], capture_output=True, text=True, timeout=TIMEOUT, cwd=tmp_path)
    assert result.returncode != 0, f"exit 0 for {args}: {result.stdout}"
    message = result.stderr + result.stdout
    for needle in needles:
        assert needle in message, f"{needle!r} not in the message for {args}:\n{message}"
    assert "Fatal error" not in message and result.returncode > 0, "a crash, not an error"
    assert list(tmp_path.iterdir()) == [], "a failed render wrote a file"


# MARK: bench

def test_bench_json():
    result = run("bench", "--stage", "static-circles", "--threads", "1", "--seconds", "0.2", "--json")
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout
    report = json.loads(lines[0])
    assert len(report["stages"]) == 1
    stage = report["stages"][0]
    assert stage["stage"] == "static-circles"
    assert stage["threads"] == 1
    assert stage["clips_per_second"] > 0
    assert stage["ms_p50"] > 0
    assert stage["zstd_ratio"] > 1
    assert stage["clips"] >= 1


def test_bench_clips_renders_a_fixed_workload():
    """`--clips N` renders exactly N clips per thread, however long that takes (for profilers)."""
    result = run("bench", "--stage", "moving-circles", "--threads", "2", "--clips", "3", "--json")
    stage = json.loads(result.stdout)["stages"][0]
    assert stage["clips"] == 6
    assert stage["threads"] == 2


def test_bench_rounds_report_each_stages_median_round():
    """`--rounds N` measures the stages in turn N times; each reports its median round, and
    every round's clips/s is listed."""
    result = run("bench", "--stage", "static-circles", "--stage", "moving-circles", "--threads", "1",
                 "--clips", "2", "--rounds", "3", "--json")
    stages = json.loads(result.stdout)["stages"]
    assert [s["stage"] for s in stages] == ["static-circles", "moving-circles"]
    for stage in stages:
        assert len(stage["rounds"]) == 3 and all(r > 0 for r in stage["rounds"])
        assert stage["clips_per_second"] == sorted(stage["rounds"])[1]
        assert stage["clips"] == 2, "the reported figures are those of one round"
    text = run("bench", "--stage", "static-circles", "--threads", "1", "--clips", "1", "--rounds", "2").stdout
    assert text.count("round 1/2:") == 1 and text.count("round 2/2:") == 1 and "median of 2:" in text, text
