"""Provenance over REST reflects what was served."""
from __future__ import annotations

import pytest

from conftest import tensors

STAGE = "moving-shapes"
P = {"resolution": "32", "objects": "15", "frames": "2"}


@pytest.fixture(scope="module")
def served(server):
    """Serves a known set of responses on a fresh server and returns (server, what was served)."""
    with server.h2() as c:
        batches = []
        for k in range(3):
            r = c.get(f"/v1/batches/{STAGE}/{k}", params={**P, "batch_size": "4", "start_seed": "500", "run": "run-a"})
            assert r.status_code == 200
            batches.append(r)
        clip = c.get(f"/v1/clips/{STAGE}/77", params={**P, "start": "5"}, headers={"x-run-id": "run-b"})
        assert clip.status_code == 200
        explicit = c.get(f"/v1/clips/{STAGE}/78", params={"resolution": "32", "objects": "15",
                                                         "frame_indices": "1,3,2"}, headers={"x-run-id": "run-b"})
        assert explicit.status_code == 200
        stream = c.get(f"/v1/stream/{STAGE}", params={**P, "batch_size": "2", "count": "2", "run": "run-c"})
        assert stream.status_code == 200
    return batches, clip, explicit


def test_runs(h2, served):
    runs = {r["run"]: r for r in h2.get("/v1/provenance/runs").json()["items"]}
    assert {"run-a", "run-b", "run-c"} <= set(runs)
    a = runs["run-a"]
    assert a["requests"] == 3 and a["clips"] == 12 and a["stages"] == [STAGE]
    assert a["bytes"] == sum(len(r.content) for r in served[0])
    assert len(a["configuration_hashes"]) == 1 and a["first_time"] <= a["last_time"]
    assert runs["run-b"]["clips"] == 2 and runs["run-c"]["requests"] == 2


def test_run_detail(h2, served):
    d = h2.get("/v1/provenance/runs/run-a").json()
    assert d["summary"]["run"] == "run-a" and d["batches_truncated"] is False
    assert [(b["batch_index"], b["batch_size"], b["seed_first"], b["seed_count"]) for b in d["batches"]] == \
        [(0, 4, 500, 4), (1, 4, 504, 4), (2, 4, 508, 4)]
    assert all(b["route"] == "/v1/batches/{stage}/{index}" and b["stage"] == STAGE for b in d["batches"])
    h = served[0][0].headers["x-synthclips-config-hash"]
    assert [c["hash"] for c in d["configurations"]] == [h] and '"objects":15' in d["configurations"][0]["canonical"]
    truncated = h2.get("/v1/provenance/runs/run-a", params={"limit": "1"}).json()
    assert truncated["batches_truncated"] is True and len(truncated["batches"]) == 1
    missing = h2.get("/v1/provenance/runs/never-ran")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_seed_answer_regenerates_the_clip(h2, served):
    batches, clip, explicit = served
    # seed 509 was in batch 2 at position 1.
    s = h2.get("/v1/provenance/seeds/509").json()
    assert s["seed"] == 509
    hits = [x for x in s["served_by"] if x["hit"]["request"]["run"] == "run-a"]
    assert len(hits) == 1 and hits[0]["hit"]["position"] == 1 and hits[0]["hit"]["request"]["batch_index"] == 2
    regen = h2.get(hits[0]["regenerate"])
    assert regen.status_code == 200, (hits[0]["regenerate"], regen.text)
    _, batch_t = tensors(batches[2].content)
    _, clip_t = tensors(regen.content)
    assert (clip_t["video"][0] == batch_t["video"][1]).all()
    assert (clip_t["frame_indices"][0] == batch_t["frame_indices"][1]).all()
    # A clip with start= and one with explicit frame indices regenerate byte for byte
    # (same configuration hash, same frames; the stage metadata names the hash instead).
    for seed, original in ((77, clip), (78, explicit)):
        ans = h2.get(f"/v1/provenance/seeds/{seed}", params={"stage": STAGE}).json()
        url = next(x["regenerate"] for x in ans["served_by"] if x["hit"]["request"]["run"] == "run-b")
        again = h2.get(url)
        assert again.status_code == 200, (url, again.text)
        ma, ta = tensors(again.content)
        mo, to = tensors(original.content)
        assert (ta["video"] == to["video"]).all() and (ta["frame_indices"] == to["frame_indices"]).all(), url
        assert ma["config_hash"] == mo["config_hash"]
    none = h2.get("/v1/provenance/seeds/18446744073709551615").json()
    assert none == {"seed": 18446744073709551615, "served_by": []}


def test_requests_pagination_covers_every_row_once(h2, served):
    everything = h2.get("/v1/provenance/requests", params={"limit": "1000"}).json()
    assert "next_cursor" not in everything
    all_ids = [r["id"] for r in everything["items"]]
    assert len(all_ids) >= 7
    seen, cursor, pages = [], None, 0
    while pages < 100:
        params = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = h2.get("/v1/provenance/requests", params=params).json()
        pages += 1
        seen += [r["id"] for r in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert seen == all_ids and len(set(seen)) == len(seen)
    # Filters.
    b = h2.get("/v1/provenance/requests", params={"run": "run-b"}).json()["items"]
    assert [r["seed_first"] for r in b] == [77, 78] and [r["frames"] for r in b][1] == "1,3,2"
    routes = h2.get("/v1/provenance/requests", params={"route": "/v1/stream/{stage}"}).json()["items"]
    assert [r["run"] for r in routes] == ["run-c", "run-c"]
    assert h2.get("/v1/provenance/requests", params={"until": "2000"}).json()["items"] == []
    bad = h2.get("/v1/provenance/requests", params={"cursor": "garbage"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "cursor"
    # Runs pagination too.
    runs, cursor = [], None
    for _ in range(50):
        page = h2.get("/v1/provenance/runs", params={"limit": "1"} | ({"cursor": cursor} if cursor else {})).json()
        runs += [r["run"] for r in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert sorted(runs) == sorted({r["run"] for r in everything["items"] if "run" in r}) and len(set(runs)) == len(runs)
