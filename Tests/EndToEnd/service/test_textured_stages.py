"""Textured stages over HTTP/2: the server's bytes are the CLI's (images pool and procedural
pools, batches rendered on two workers), and a server without an images pool answers requests
that need one with a 409 that says how to supply it, serving everything else."""
from __future__ import annotations

import json
import time
import sys

from conftest import ROOT, render_cli, tensors

sys.path.insert(0, str(ROOT / "Tests/EndToEnd"))
from image_sets import write_mixed_set  # noqa: E402

SMALL = {"resolution": "64", "objects": "60", "frames": "3"}
SMALL_SET = ["--set", "resolution=64", "--set", "objects=60", "--num-frames", "3"]


def test_without_an_images_pool_image_stages_are_409_and_others_work(server_factory):
    server = server_factory()
    assert "no images pool" in server.stderr()
    with server.h2() as h2:
        for path in ["/v1/clips/accelerating-image-crops/0", "/v1/batches/accelerating-shapes-image-background/0",
                     "/v1/clips/accelerating-textures-and-images/3/preview.png",
                     "/v1/clips/accelerating-image-crops/1/frames/0.png", "/v1/stream/accelerating-shapes-static-images"]:
            # Streamed, so that a stream answered 200 by mistake does not hold the test for ever.
            with h2.stream("GET", path, params=SMALL) as r:
                assert r.status_code == 409, (path, r.status_code)
                r.read()
            assert r.headers["content-type"] == "application/problem+json"
            problem = r.json()
            assert "--images DIR" in problem["detail"] and problem["status"] == 409
        assert h2.get("/v1/clips/accelerating-shapes/0", params=SMALL).status_code == 200
        assert h2.get("/readyz").status_code == 200


def test_image_crops_equal_the_cli_and_bad_files_are_reported(server_factory, tmp_path):
    images = write_mixed_set(tmp_path / "images")
    server = server_factory("--images", str(images))
    log = server.stderr()
    assert "4 images" in log and "skipped e-corrupt.jpg" in log and "skipped f-truncated.png" in log
    with server.h2() as h2:
        for stage, seed in [("accelerating-image-crops", 11), ("accelerating-shapes-image-background", 12),
                            ("accelerating-shapes-static-images", 13)]:
            r = h2.get(f"/v1/clips/{stage}/{seed}", params=SMALL)
            assert r.status_code == 200, r.text
            assert r.content == render_cli(tmp_path, stage, seed, "--images", str(images), *SMALL_SET)
            meta, _ = tensors(r.content)
            manifest = json.loads(meta["config"])["imagePool"]
            assert len(manifest) == 64 and meta["config_hash"] == r.headers["x-synthclips-config-hash"]


def test_procedural_batches_equal_the_cli_clip_by_clip(server_factory, tmp_path):
    server = server_factory()
    params = {**SMALL, "textureCount": "3", "batch_size": "4", "start_seed": "40"}
    with server.h2() as h2:
        r = h2.get("/v1/batches/accelerating-stylegan/0", params=params)
        assert r.status_code == 200, r.text
        _, t = tensors(r.content)
        assert t["seeds"].tolist() == [40, 41, 42, 43]
        for k, seed in enumerate(range(40, 44)):
            expected = tensors(render_cli(tmp_path, "accelerating-stylegan", seed, "--set", "textureCount=3", *SMALL_SET))[1]
            assert (t["video"][k] == expected["video"][0]).all(), f"seed {seed}"
        # A warm cache gives the same bytes as the cold one.
        again = h2.get("/v1/batches/accelerating-stylegan/0", params=params)
        assert again.content == r.content


def test_a_cold_pool_is_warmed_in_the_background_behind_503s(server_factory):
    server = server_factory()
    params = {**SMALL, "textureCount": "48", "textureSeed": "3"}
    with server.h2() as h2:
        first = h2.get("/v1/clips/accelerating-stylegan/5", params=params)
        assert first.status_code == 503, first.text
        assert int(first.headers["retry-after"]) >= 1
        assert "texture-bank" in first.json()["detail"]
        # Everything else is served meanwhile.
        assert h2.get("/v1/clips/accelerating-shapes/5", params=SMALL).status_code == 200
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            r = h2.get("/v1/clips/accelerating-stylegan/5", params=params)
            if r.status_code == 200:
                break
            assert r.status_code == 503, r.text
            time.sleep(0.5)
        assert r.status_code == 200, "the pool never warmed"


def test_dynamic_textures_equal_the_cli_and_count_every_frame_as_a_texture(server_factory, tmp_path):
    server = server_factory()
    with server.h2() as h2:
        small = {**SMALL, "textureCount": "1"}
        r = h2.get("/v1/clips/accelerating-stylegan-dynamic/9", params=small)
        assert r.status_code == 200, r.text
        assert r.content == render_cli(tmp_path, "accelerating-stylegan-dynamic", 9, "--set", "textureCount=1", *SMALL_SET)
        # Each (texture, frame) is generated: 3 textures × 3 frames of a fresh pool is over the
        # 8 a request may generate itself.
        busy = h2.get("/v1/clips/accelerating-stylegan-dynamic/9", params={**SMALL, "textureCount": "3", "textureSeed": "1"})
        assert busy.status_code == 503, busy.text


def test_a_request_whose_cold_textures_could_not_stay_cached_is_413(server_factory):
    # Room for 8 textures of 512 KiB, half of it per request. The batch needs all 10 textures of
    # its pool: more than the 8 a request may generate itself, and more than the 4 it may keep
    # (at the 192 KiB of RGB bytes alone, 10 would have fit).
    server = server_factory("--texture-cache-mb", "4")
    with server.h2() as h2:
        r = h2.get("/v1/batches/accelerating-stylegan/0", params={**SMALL, "textureCount": "10", "batch_size": "4"})
        assert r.status_code == 413, r.text
        assert "--texture-cache-mb" in r.json()["detail"]


def test_a_stream_batch_that_reaches_cold_textures_waits_for_the_warm_up(server_factory, tmp_path):
    from conftest import split_documents
    server = server_factory()
    params = {**SMALL, "textureCount": "300", "textureSeed": "5", "batch_size": "1"}
    with server.h2() as h2:
        # Warm what seed 0 needs (its first batch is checked before the stream starts).
        deadline = time.monotonic() + 120
        while (r := h2.get("/v1/batches/accelerating-stylegan/0", params=params)).status_code == 503:
            assert time.monotonic() < deadline, "the pool never warmed"
            time.sleep(0.3)
        assert r.status_code == 200, r.text
        s = h2.get("/v1/stream/accelerating-stylegan", params={**params, "count": "2"}, timeout=180)
        assert s.status_code == 200, s.text
        docs = split_documents(s.content)
        assert len(docs) == 2 and docs[0] == r.content
        assert "stream batch waits for" in server.stderr()
        expected = render_cli(tmp_path, "accelerating-stylegan", 1, "--set", "textureCount=300",
                              "--set", "textureSeed=5", *SMALL_SET)
        assert tensors(docs[1])[1]["video"].tobytes() == tensors(expected)[1]["video"].tobytes()
