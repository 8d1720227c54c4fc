"""The client against a real server: determinism, DESIGN.md's batch order, sharding and resume."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from client_support import SMALL, STAGE, client, server  # noqa: F401 - fixtures

from synthclips import Batch, batch_index, worker_steps


def same(a: Batch, b: Batch) -> bool:
    return (np.array_equal(a.video, b.video) and np.array_equal(a.seeds, b.seeds)
            and np.array_equal(a.frame_indices, b.frame_indices) and a.config_hash == b.config_hash
            and a.generator_version == b.generator_version)


def test_same_batch_twice_is_identical(client):
    a = client.batch(STAGE, 5, 4, **SMALL)
    b = client.batch(STAGE, 5, 4, **SMALL)
    assert a.video.shape == (4, 4, 32, 32, 3) and a.video.dtype == np.uint8
    assert a.seeds.dtype == np.uint64 and a.frame_indices.dtype == np.int32 and a.frame_indices.shape == (4, 4)
    assert same(a, b)
    assert a.stage == STAGE and len(a.config_hash) == 64 and isinstance(a.config, dict)


def test_batch_equals_its_clips_and_seeds_follow_design(client):
    B, k, S = 3, 4, 100
    b = client.batch(STAGE, k, B, start_seed=S, **SMALL)
    assert b.seeds.tolist() == list(range(S + k * B, S + k * B + B))
    clips = np.stack([client.clip(STAGE, int(s), **SMALL) for s in b.seeds])
    assert np.array_equal(clips, b.video)


def test_full_size_default_clip(client):
    v = client.clip(STAGE, 7)
    assert v.shape[0] == 16 and v.shape[-1] == 3 and v.dtype == np.uint8


def test_index_functions():
    assert [batch_index(j, 1, 3) for j in range(4)] == [1, 4, 7, 10]
    assert list(itertools.islice(worker_steps(5, (1, 3)), 3)) == [6, 9, 12]
    with pytest.raises(ValueError):
        batch_index(0, 2, 2)


def take(it, n):
    return list(itertools.islice(it, n))


def test_two_ranks_two_workers_cover_one_rank_one_worker(client):
    steps = 6
    single = take(client.batches(STAGE, 2, **SMALL), 2 * steps)      # world 1: indices 0..11
    got = {}
    for rank in range(2):
        per_worker = [take(client.batches(STAGE, 2, rank=rank, world_size=2, worker=(w, 2), **SMALL), steps // 2)
                      for w in range(2)]
        # What a DataLoader does with IterableDataset workers: round-robin interleave.
        merged = [b for pair in zip(*per_worker) for b in pair]
        assert [b.step for b in merged] == list(range(steps))          # the rank's order: 0, 1, 2, …
        assert [b.index for b in merged] == [j * 2 + rank for j in range(steps)]
        for b in merged:
            assert b.index not in got, f"batch {b.index} twice"
            got[b.index] = b
    assert sorted(got) == [b.index for b in single] == list(range(2 * steps))   # no gaps, no duplicates
    for b in single:
        assert same(b, got[b.index])


def test_resume_at_step_k_matches_uninterrupted(client):
    full = take(client.batches(STAGE, 2, rank=1, world_size=3, **SMALL), 7)
    resumed = take(client.batches(STAGE, 2, start_step=4, rank=1, world_size=3, **SMALL), 3)
    assert [b.index for b in resumed] == [b.index for b in full[4:]] == [13, 16, 19]
    assert all(same(a, b) for a, b in zip(full[4:], resumed))


def test_prefetch_depth_does_not_change_order(server):
    from synthclips import Client
    with Client(server.url, prefetch=1) as a, Client(server.url, prefetch=8) as b:
        xa = take(a.batches(STAGE, 2, start_step=3, **SMALL), 6)
        xb = take(b.batches(STAGE, 2, start_step=3, **SMALL), 6)
    assert [x.index for x in xa] == [x.index for x in xb] == list(range(3, 9))
    assert all(same(p, q) for p, q in zip(xa, xb))


def test_identity_encoding_gives_the_same_arrays(server, client):
    from synthclips import Client
    with Client(server.url, compress=False) as plain:
        assert same(plain.batch(STAGE, 2, 3, **SMALL), client.batch(STAGE, 2, 3, **SMALL))


def test_stages_and_provenance(client):
    stages = client.stages()
    assert any(s.get("id", s.get("stage")) == STAGE for s in stages["stages"]) or STAGE in str(stages)
    client.batch(STAGE, 0, 2, **SMALL)
    prov = client.provenance("client-tests")
    assert "client-tests" in str(prov) or prov
