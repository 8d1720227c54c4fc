"""The bytes the server sends are the CLI's bytes; batches and streams hold the documented seeds."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import get_raw, render_cli, split_documents, tensors, unzstd

STAGE = "accelerating-shapes"
BASE = {"resolution": "32", "objects": "25"}
BASE_SET = ["--set", "resolution=32", "--set", "objects=25"]


# (query overrides, equivalent CLI arguments)
CASES = [
    ({}, []),
    ({"frames": "5"}, ["--num-frames", "5"]),
    ({"frames": "3", "stride": "7"}, ["--num-frames", "3", "--stride", "7"]),
    ({"start": "10", "frames": "3", "stride": "5"}, ["--set", "frames=3", "--set", "stride=5", "--frames", "10,15,20"]),
    ({"frame_indices": "0,9,4,4"}, ["--frames", "0,9,4,4"]),
    ({"resolution": "48", "frames": "2"}, ["--set", "resolution=48", "--num-frames", "2"]),
    ({"speed": "0.6,1.5", "shapes": "circle,triangle", "frames": "2"},
     ["--set", "speed=0.6,1.5", "--set", "shapes=circle,triangle", "--num-frames", "2"]),
]


@pytest.mark.parametrize("query,cli", CASES, ids=[",".join(q) or "default" for q, _ in CASES])
def test_clip_bytes_equal_cli_render(h2, tmp_path, query, cli):
    seed = 123456789
    params = {**BASE, **query}
    plain = h2.get(f"/v1/clips/{STAGE}/{seed}", params=params)
    assert plain.status_code == 200, plain.text
    zst, zbody = get_raw(h2, f"/v1/clips/{STAGE}/{seed}", params=params, headers={"accept-encoding": "zstd"})
    assert zst.status_code == 200 and zst.headers["content-encoding"] == "zstd"
    set_args = [a for a in BASE_SET]
    if "resolution" in query:   # the query's resolution replaces the base one
        set_args = ["--set", "objects=25"]
    expected = render_cli(tmp_path, STAGE, seed, *set_args, *cli)
    assert plain.content == expected
    assert unzstd(zbody) == expected
    meta, t = tensors(plain.content)
    assert t["seeds"].tolist() == [seed]
    assert meta["stage"] == STAGE and meta["config_hash"] == plain.headers["x-synthclips-config-hash"]


def test_large_seed(h2, tmp_path):
    seed = 2**64 - 1
    r = h2.get(f"/v1/clips/{STAGE}/{seed}", params={**BASE, "frames": "2"})
    assert r.status_code == 200
    assert r.content == render_cli(tmp_path, STAGE, seed, *BASE_SET, "--num-frames", "2")
    assert tensors(r.content)[1]["seeds"].tolist() == [seed]


def clip_video(h2, seed: int, params: dict) -> np.ndarray:
    r = h2.get(f"/v1/clips/{STAGE}/{seed}", params=params)
    assert r.status_code == 200
    return tensors(r.content)[1]


@pytest.mark.parametrize("k,B,S", [(0, 3, 0), (2, 3, 100), (5, 1, 7), (1, 4, 2**64 - 8)])
def test_batch_holds_documented_seeds(h2, k, B, S):
    params = {**BASE, "frames": "2"}
    r = h2.get(f"/v1/batches/{STAGE}/{k}", params={**params, "batch_size": str(B), "start_seed": str(S)})
    assert r.status_code == 200, r.text
    expected_seeds = [S + k * B + i for i in range(B)]
    assert r.headers["x-synthclips-seeds"] == f"{expected_seeds[0]}-{expected_seeds[-1]}"
    meta, t = tensors(r.content)
    assert t["seeds"].tolist() == expected_seeds
    assert t["video"].shape == (B, 2, 32, 32, 3)
    # Equal to the concatenation of the single clips.
    singles = [clip_video(h2, s, params) for s in expected_seeds]
    assert np.array_equal(t["video"], np.concatenate([c["video"] for c in singles]))
    assert np.array_equal(t["frame_indices"], np.concatenate([c["frame_indices"] for c in singles]))
    # zstd batch decompresses to the same document.
    z, zbody = get_raw(h2, f"/v1/batches/{STAGE}/{k}", params={**params, "batch_size": str(B), "start_seed": str(S)},
                       headers={"accept-encoding": "zstd"})
    assert z.headers.get("content-encoding") == "zstd" and unzstd(zbody) == r.content


@pytest.mark.parametrize("rank,world,start_index,count", [(0, 1, 0, 3), (1, 3, 2, 2), (2, 3, 0, 2)])
@pytest.mark.parametrize("zstd", [False, True])
def test_stream_documents_equal_batches(h2, rank, world, start_index, count, zstd):
    B, S = 2, 1000
    params = {**BASE, "frames": "2", "batch_size": str(B), "start_seed": str(S)}
    headers = {"accept-encoding": "zstd"} if zstd else {}
    r, body = get_raw(h2, f"/v1/stream/{STAGE}", params={**params, "rank": str(rank), "world_size": str(world),
                                                         "start_index": str(start_index), "count": str(count)},
                      headers=headers)
    assert r.status_code == 200, body[:300]
    if zstd:
        assert r.headers["content-encoding"] == "zstd"
        assert body.count(b"\x28\xb5\x2f\xfd") >= count   # one frame per document
        body = unzstd(body)
    docs = split_documents(body)
    assert len(docs) == count
    for j, doc in enumerate(docs):
        k = (start_index + j) * world + rank
        batch = h2.get(f"/v1/batches/{STAGE}/{k}", params=params)
        assert batch.status_code == 200
        assert doc == batch.content, f"stream document {j} != batch {k}"
        assert tensors(doc)[1]["seeds"].tolist() == [S + k * B + i for i in range(B)]
