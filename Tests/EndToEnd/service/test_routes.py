"""Every route end to end: httpx over HTTP/2 (h2c, prior knowledge) and curl over HTTP/1.1;
caching headers, content types, configs, metrics."""
from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from conftest import SPEC, get_raw, tensors, unzstd

SMALL = {"resolution": "32", "objects": "20", "frames": "4"}
STAGE = "accelerating-shapes"


def curl(url: str, *args: str) -> tuple[int, dict[str, str], bytes]:
    """GET over HTTP/1.1 with curl: status, headers (last response), body."""
    r = subprocess.run(["curl", "-sS", "--http1.1", "--max-time", "60", "-D", "-", "-o", "/dev/stdout", *args, url],
                       capture_output=True, timeout=90)
    assert r.returncode == 0, r.stderr
    raw = r.stdout
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


# (path, expected status, content-type prefix) for every GET route with a valid request.
def get_routes(config_hash: str) -> list[tuple[str, int, str]]:
    q = "resolution=32&objects=20&frames=4"
    return [
        ("/healthz", 200, "text/plain"),
        ("/readyz", 200, "text/plain"),
        ("/metrics", 200, "text/plain"),
        ("/openapi.yaml", 200, "application/yaml"),
        ("/v1/stages", 200, "application/json"),
        (f"/v1/stages/{STAGE}", 200, "application/json"),
        (f"/v1/configs/{config_hash}", 200, "application/json"),
        (f"/v1/clips/{STAGE}/7?{q}&run=routes", 200, "application/vnd.safetensors"),
        (f"/v1/clips/{config_hash}/7?run=routes", 200, "application/vnd.safetensors"),
        (f"/v1/clips/{STAGE}/7/frames/3.png?resolution=32&objects=20&run=routes", 200, "image/png"),
        (f"/v1/clips/{STAGE}/7/preview.png?{q}&run=routes", 200, "image/png"),
        (f"/v1/batches/{STAGE}/2?{q}&batch_size=3&run=routes", 200, "application/vnd.safetensors"),
        (f"/v1/stream/{STAGE}?{q}&batch_size=2&count=2&run=routes", 200, "application/vnd.safetensors"),
        ("/v1/provenance/runs", 200, "application/json"),
        ("/v1/provenance/runs/routes", 200, "application/json"),
        ("/v1/provenance/seeds/7", 200, "application/json"),
        ("/v1/provenance/requests?run=routes", 200, "application/json"),
    ]


@pytest.fixture(scope="module")
def config_hash(h2) -> str:
    r = h2.post("/v1/configs", json={"base": STAGE, "resolution": 32, "objects": 20, "frames": 4})
    assert r.status_code == 201, r.text
    return r.json()["hash"]


def test_every_route_over_http2_and_http11(h2, base_url, config_hash):
    for path, status, ctype in get_routes(config_hash):
        r = h2.get(path)
        assert r.http_version == "HTTP/2", path
        assert r.status_code == status, (path, r.status_code, r.text[:300])
        assert r.headers["content-type"].startswith(ctype), (path, r.headers)
        code, headers, body = curl(base_url + path)
        assert code == status, (path, code, body[:300])
        assert headers["content-type"].startswith(ctype), (path, headers)
        if ctype in ("application/vnd.safetensors", "image/png", "application/json"):
            assert body == r.content, f"{path}: HTTP/1.1 and HTTP/2 bodies differ"
    # POST over HTTP/1.1 too.
    code, headers, body = curl(base_url + "/v1/configs", "-X", "POST", "-H", "content-type: application/json",
                               "--data-binary", json.dumps({"base": STAGE, "objects": 21}))
    assert code == 201 and headers["location"] == "/v1/configs/" + json.loads(body)["hash"]


def test_png_routes_are_pngs(h2):
    r = h2.get(f"/v1/clips/{STAGE}/7/frames/0.png", params={"resolution": "32", "objects": "20"})
    assert r.content.startswith(b"\x89PNG\r\n\x1a\n")
    w, h = int.from_bytes(r.content[16:20], "big"), int.from_bytes(r.content[20:24], "big")
    assert (w, h) == (32, 32)
    r = h2.get(f"/v1/clips/{STAGE}/7/preview.png", params=SMALL)
    w, h = int.from_bytes(r.content[16:20], "big"), int.from_bytes(r.content[20:24], "big")
    assert (w, h) == (4 * 32, 32)   # 4 frames, 4 across
    assert r.headers["cache-control"].endswith("immutable")


def test_clip_headers_etag_304(h2):
    path = f"/v1/clips/{STAGE}/11"
    r = h2.get(path, params=SMALL)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.safetensors"
    assert "immutable" in r.headers["cache-control"]
    assert "content-encoding" not in r.headers
    timing = r.headers["server-timing"]
    assert "render;dur=" in timing and "compress;dur=" in timing
    assert len(r.headers["x-synthclips-config-hash"]) == 64
    assert r.headers["x-synthclips-seeds"] == "11-11"
    assert int(r.headers["x-synthclips-generator-version"]) >= 1
    etag = r.headers["etag"]
    again = h2.get(path, params=SMALL, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    star = h2.get(path, params=SMALL, headers={"if-none-match": '"nope", *'})
    assert star.status_code == 304
    other = h2.get(path, params={**SMALL, "frames": "5"}, headers={"if-none-match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag
    # zstd: its own ETag, same bytes once decompressed.
    z, raw = get_raw(h2, path, params=SMALL, headers={"accept-encoding": "zstd"})
    assert z.headers["content-encoding"] == "zstd" and z.headers["etag"] != etag
    assert raw[:4] == b"\x28\xb5\x2f\xfd"
    assert unzstd(raw) == r.content
    # q=0 refuses zstd.
    assert "content-encoding" not in h2.get(path, params=SMALL, headers={"accept-encoding": "zstd;q=0"}).headers


def test_stages_and_configs(h2):
    stages = h2.get("/v1/stages").json()
    ids = [s["id"] for s in stages["stages"]]
    assert STAGE in ids and stages["generator_version"] >= 1
    spec = yaml.safe_load(SPEC.read_text())
    assert sorted(spec["components"]["schemas"]["StageId"]["enum"]) == sorted(ids), "openapi StageId enum is stale"
    one = h2.get(f"/v1/stages/{STAGE}").json()
    assert one == next(s for s in stages["stages"] if s["id"] == STAGE)
    # A stage's own configuration is reachable by its hash.
    by_hash = h2.get(f"/v1/configs/{one['config_hash']}")
    assert by_hash.status_code == 200 and by_hash.json()["config"] == one["config"]

    r = h2.post("/v1/configs", json={"base": STAGE, "objects": 17, "resolution": 32, "frames": 3})
    assert r.status_code == 201, r.text
    answer = r.json()
    h = answer["hash"]
    assert r.headers["location"] == f"/v1/configs/{h}"
    assert answer["config"]["objects"] == 17 and answer["config"]["acceleration"] == one["config"]["acceleration"]
    assert h2.get(f"/v1/configs/{h}").json() == answer
    # The hash is a stage everywhere: same bytes as the stage with the same overrides.
    a = h2.get(f"/v1/clips/{h}/5")
    b = h2.get(f"/v1/clips/{STAGE}/5", params={"objects": "17", "resolution": "32", "frames": "3"})
    assert a.status_code == b.status_code == 200
    assert a.headers["x-synthclips-config-hash"] == b.headers["x-synthclips-config-hash"] == h
    ma, ta = tensors(a.content)
    mb, tb = tensors(b.content)
    assert (ta["video"] == tb["video"]).all() and ma["config_hash"] == mb["config_hash"] == h
    assert ta["video"].shape == (1, 3, 32, 32, 3)
    # Registering again is idempotent.
    assert h2.post("/v1/configs", json={"base": STAGE, "objects": 17, "resolution": 32, "frames": 3}).json()["hash"] == h


def test_served_openapi_is_the_contract(h2):
    r = h2.get("/openapi.yaml")
    assert r.content == SPEC.read_bytes(), "the binary serves another openapi.yaml than the repository's (stale build?)"
    top = SPEC.parents[3] / "openapi.yaml"
    assert top.is_symlink() and top.read_bytes() == SPEC.read_bytes(), "openapi.yaml must stay a link to the served document"
    from openapi_spec_validator import validate
    validate(yaml.safe_load(r.content))


def test_metrics_after_traffic(h2):
    for _ in range(2):
        h2.get(f"/v1/clips/{STAGE}/3", params=SMALL)
    h2.get("/v1/stages/nope")
    text = h2.get("/metrics").text
    samples = [l for l in text.splitlines() if l and not l.startswith("#")]
    names = {l.split("{")[0].split()[0] for l in samples}
    counters = [l for l in samples if "/v1/clips/{stage}/{seed}" in l and "200" in l]
    assert counters, f"no request counter for the clip route:\n{text[:3000]}"
    assert any(l for l in samples if "/v1/stages/{stage}" in l and "404" in l), text[:3000]
    buckets = {n for n in names if n.endswith("_bucket")}
    assert len(buckets) >= 2, f"expected render/compress histograms, got {sorted(names)}"
    assert any("render" in n for n in buckets) and any("compress" in n for n in buckets), sorted(names)
    assert any("provenance" in n for n in names), sorted(names)
