"""Recycled decompression buffers: a batch's buffer is reused only once nothing of it is alive."""
from __future__ import annotations

import gc
import json
import struct

import numpy as np
import pytest
import zstandard

from client_support import SMALL, STAGE, client, server  # noqa: F401 - fixtures

from synthclips import SynthClipsProtocolError
from synthclips._safetensors import BufferRecycler, parse


def document(fill: int, side: int = 64) -> bytes:
    """A safetensors document with one U8 tensor `video` of side² bytes, all `fill`."""
    header = json.dumps({"video": {"dtype": "U8", "shape": [side, side], "data_offsets": [0, side * side]}}).encode()
    return struct.pack("<Q", len(header)) + header + bytes([fill]) * (side * side)


def body(fill: int, side: int = 64) -> bytes:
    return zstandard.ZstdCompressor(level=3).compress(document(fill, side))


def video(recycler: BufferRecycler, fill: int, side: int = 64) -> np.ndarray:
    tensors, _ = parse(recycler.decompress(body(fill, side)))
    return tensors["video"]


def test_a_live_batch_keeps_its_buffer():
    r = BufferRecycler(keep=4)
    first = video(r, 1)
    second = video(r, 2)
    assert not np.shares_memory(first, second)
    assert (first == 1).all() and (second == 2).all()


@pytest.mark.parametrize("keep_alive", ["array", "slice", "memoryview", "frame"])
def test_anything_derived_from_a_batch_keeps_its_buffer(keep_alive):
    r = BufferRecycler(keep=1)
    v = video(r, 7)
    held = {"array": v, "slice": v[3:5], "memoryview": memoryview(v[1]), "frame": v[0]}[keep_alive]
    del v
    gc.collect()
    other = video(r, 9)
    assert (np.asarray(held) == 7).all(), "a buffer still seen through a view was overwritten"
    assert (other == 9).all()


def test_a_released_buffer_is_reused_with_the_new_contents():
    r = BufferRecycler(keep=2)
    v = video(r, 3)
    address = v.__array_interface__["data"][0]
    del v
    gc.collect()
    w = video(r, 4)
    assert w.__array_interface__["data"][0] == address, "the freed buffer was not reused"
    assert (w == 4).all()


def test_arrays_are_read_only():
    v = video(BufferRecycler(keep=2), 5)
    with pytest.raises(ValueError):
        v[0, 0] = 1


def test_the_pool_is_bounded_and_sized_to_fit():
    r = BufferRecycler(keep=2)
    live = [video(r, k) for k in range(5)]   # more live batches than slots: the rest get their own
    assert [int(a[0, 0]) for a in live] == list(range(5))
    assert len(r._slots) == 2
    del live
    gc.collect()
    big = video(r, 6, side=512)              # a much larger document does not squeeze into a small buffer
    assert big.shape == (512, 512) and (big == 6).all()
    small = video(r, 8, side=64)
    assert (small == 8).all() and not np.shares_memory(small, big)


def test_corrupt_and_truncated_bodies_are_protocol_errors_and_free_the_buffer():
    r = BufferRecycler(keep=1)
    good = body(1)
    with pytest.raises(SynthClipsProtocolError):
        r.decompress(good[:-8])
    with pytest.raises(SynthClipsProtocolError):
        r.decompress(b"not zstd at all")
    assert len(r._slots) == 1 and r._slots[0].is_free, "a failed body kept its buffer"
    buffer = r._slots[0].buffer
    v = video(r, 2)
    assert (v == 2).all() and r._slots[0].buffer is buffer


def test_a_body_of_several_frames_decodes_whole():
    doc = document(5)
    cut = len(doc) // 2
    two = zstandard.ZstdCompressor().compress(doc[:cut]) + zstandard.ZstdCompressor().compress(doc[cut:])
    tensors, _ = parse(BufferRecycler(keep=2).decompress(two))
    assert (tensors["video"] == 5).all()


def test_batches_from_a_server_reuse_buffers_and_stay_correct(client):  # noqa: F811
    """Consecutive batches decode into recycled buffers; each equals the same batch fetched
    again while all of them are alive (no batch overwrote another)."""
    kept = []
    for step, b in zip(range(6), client.batches(STAGE, 4, **SMALL)):
        if step % 2 == 0:
            kept.append((step, b))          # half the batches stay alive, half are dropped
    fresh = {step: client.batch(STAGE, step, 4, **SMALL) for step, _ in kept}
    for step, b in kept:
        assert np.array_equal(b.video, fresh[step].video), f"batch {step} changed after later batches"
        assert np.array_equal(b.seeds, fresh[step].seeds)
