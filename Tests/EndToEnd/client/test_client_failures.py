"""Failure handling: SIGKILL + restart mid-iteration loses nothing; 4xx carries the problem; a
response whose metadata disagrees with its headers is an error."""
from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from client_support import SMALL, STAGE, Server, client, server  # noqa: F401 - fixtures

from synthclips import Client, SynthClipsError, SynthClipsProtocolError
from synthclips import client as client_module


def test_server_killed_and_restarted_mid_iteration(tmp_path):
    db = tmp_path / "kill.sqlite"
    s = Server(db)
    port = s.port
    reference = None
    try:
        with Client(s.url, prefetch=4, retries=40, backoff=0.05, backoff_cap=0.5, timeout=20) as c:
            it = c.batches(STAGE, 2, start_step=0, **SMALL)
            first = list(itertools.islice(it, 5))
            s.kill()                                   # SIGKILL with requests in flight
            time.sleep(0.3)
            s = Server(db, port=port)                  # same port: the client reconnects
            rest = list(itertools.islice(it, 5))
            assert c.stats["retries"] >= 1
        got = first + rest
        assert [b.index for b in got] == list(range(10))
        with Client(s.url) as fresh:
            reference = [fresh.batch(STAGE, k, 2, **SMALL) for k in range(10)]
        for a, b in zip(got, reference):
            assert np.array_equal(a.video, b.video) and np.array_equal(a.seeds, b.seeds)
    finally:
        s.stop()


def test_unreachable_server_gives_up_after_bounded_retries(tmp_path):
    s = Server(tmp_path / "gone.sqlite")
    url = s.url
    s.kill()
    t0 = time.monotonic()
    with Client(url, retries=3, backoff=0.01, backoff_cap=0.05, timeout=5) as c:
        with pytest.raises(SynthClipsError):
            c.batch(STAGE, 0, 2, **SMALL)
    assert time.monotonic() - t0 < 20


def test_unknown_stage_is_a_404_with_problem(client):
    with pytest.raises(SynthClipsError) as e:
        client.batch("no-such-stage", 0, 2)
    assert e.value.status == 404 and e.value.title and "no-such-stage" in e.value.detail
    assert e.value.problem.get("status") == 404


def test_batch_size_zero_is_a_400_naming_the_parameter(client):
    with pytest.raises(SynthClipsError) as e:
        client.batch(STAGE, 0, 0)
    assert e.value.status == 400 and e.value.parameter == "batch_size"
    with pytest.raises(SynthClipsError) as e:
        next(client.batches(STAGE, 0))
    assert e.value.status == 400


def test_4xx_is_not_retried(client):
    before = client.stats["retries"]
    with pytest.raises(SynthClipsError):
        client.clip(STAGE, 1, resolution=0)
    assert client.stats["retries"] == before


def test_metadata_mismatch_is_an_error(client, monkeypatch):
    real = client_module.Client._get

    def tampered(self, path, params):
        r, body = real(self, path, params)
        r.headers["x-synthclips-config-hash"] = "0" * 64
        return r, body

    monkeypatch.setattr(client_module.Client, "_get", tampered)
    with pytest.raises(SynthClipsProtocolError, match="config_hash"):
        client.batch(STAGE, 0, 2, **SMALL)


def test_requested_hash_is_enforced(client):
    h = client.batch(STAGE, 0, 2, **SMALL).config_hash
    with pytest.raises(SynthClipsProtocolError):
        next(client.batches(STAGE, 2, config_hash="f" * 64, **SMALL))
    assert next(client.batches(STAGE, 2, config_hash=h, **SMALL)).config_hash == h


def test_malformed_documents_are_rejected():
    from synthclips._safetensors import parse
    good_header = b'{"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}'
    doc = len(good_header).to_bytes(8, "little") + good_header + b"ab"
    t, _ = parse(doc)
    assert t["x"].tolist() == [97, 98]
    for bad in (doc[:-1], doc + b"c", b"\xff" * 8 + doc[8:], doc[:8] + b"[" + doc[9:],
                len(b'{"x":{"dtype":"U8","shape":[3],"data_offsets":[0,2]}}').to_bytes(8, "little")
                + b'{"x":{"dtype":"U8","shape":[3],"data_offsets":[0,2]}}' + b"ab"):
        with pytest.raises(SynthClipsProtocolError):
            parse(bad)


def test_a_cold_texture_pool_is_waited_for_without_using_up_retries(server):  # noqa: F811
    # 48 fresh StyleGAN-Oriented textures: the server answers 503 "Textures warming up" while it
    # generates them; the client waits (no retries allowed here) and then gets the batch.
    params = {**SMALL, "objects": 300, "textureCount": 48, "textureSeed": 11}
    with Client(server.url, retries=0, timeout=60) as c:
        b = c.batch("accelerating-stylegan", 0, 2, **params)
        assert b.video.shape[0] == 2
        assert c.stats["warmup_waits"] >= 1 and c.stats["retries"] == 0
    with Client(server.url, retries=0, warmup_timeout=0) as c:
        with pytest.raises(SynthClipsError) as e:
            c.batch("accelerating-stylegan", 0, 2, **{**params, "textureSeed": 12})
        assert e.value.status == 503 and e.value.title == "Textures warming up"


def test_each_thread_has_its_own_connection(client):
    """httpcore does not serialise the h2 state of a connection shared by threads (see the
    Client docstring): the prefetch threads and the caller each use their own."""
    import threading

    batches = client.batches(STAGE, 2, **SMALL)
    for _ in range(12):
        next(batches)
    mine = client._http
    theirs = client._executor().submit(lambda: client._http).result()
    assert mine is not theirs
    assert len(client._connections) >= 2
    assert len({id(c) for c in client._connections}) == len(client._connections)
    other = []
    t = threading.Thread(target=lambda: other.append(client._http))
    t.start()
    t.join()
    assert other[0] is not mine and other[0] is not theirs


def test_a_closed_client_raises_at_once(server):  # noqa: F811
    c = Client(server.url, retries=10, backoff=5)
    c.close()
    started = time.monotonic()
    with pytest.raises(RuntimeError):
        c.batch(STAGE, 0, 2, **SMALL)
    assert time.monotonic() - started < 2, "a closed client retried"
