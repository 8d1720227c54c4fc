"""Bad input gets the right 4xx (problem+json naming the parameter where there is one)."""
from __future__ import annotations

import subprocess

import httpx
import pytest

from conftest import assert_problem

S = "accelerating-shapes"
SMALL = "resolution=32&objects=10&frames=2"

# (method, path, body, headers, status, parameter) — parameter None: no parameter to name;
# "-": not problem+json (answered by the HTTP layer before a route runs).
TABLE = [
    ("GET", "/v1/clips/no-such-stage/1", None, {}, 404, None),
    ("GET", "/v1/stages/no-such-stage", None, {}, 404, None),
    ("GET", f"/v1/clips/{'0' * 64}/1", None, {}, 404, None),
    ("GET", f"/v1/configs/{'0' * 64}", None, {}, 404, None),
    ("GET", "/v1/configs/not-a-hash", None, {}, 400, "hash"),
    ("GET", f"/v1/clips/{S}/abc", None, {}, 400, "seed"),
    ("GET", f"/v1/clips/{S}/-1", None, {}, 400, "seed"),
    ("GET", f"/v1/clips/{S}/18446744073709551616", None, {}, 400, "seed"),
    ("GET", f"/v1/clips/{S}/1?frame_indices=0,10000", None, {}, 400, "frame_indices"),
    ("GET", f"/v1/clips/{S}/1?frame_indices=0,x", None, {}, 400, "frame_indices"),
    ("GET", f"/v1/clips/{S}/1?frame_indices=1,2&frames=2", None, {}, 400, "frame_indices"),
    ("GET", f"/v1/clips/{S}/1?start=9999&frames=2", None, {}, 400, "start"),
    ("GET", f"/v1/clips/{S}/1?resolution=1025", None, {}, 400, "resolution"),
    ("GET", f"/v1/clips/{S}/1?resolution=15", None, {}, 400, "resolution"),
    ("GET", f"/v1/clips/{S}/1?frames=0", None, {}, 400, "frames"),
    ("GET", f"/v1/clips/{S}/1?frames=257", None, {}, 400, "frames"),
    ("GET", f"/v1/clips/{S}/1?resolution=1024&frames=22", None, {}, 400, "frames"),
    ("GET", f"/v1/clips/{S}/1?stride=65", None, {}, 400, "stride"),
    ("GET", f"/v1/clips/{S}/1?objects=5001", None, {}, 400, "objects"),
    ("GET", f"/v1/clips/{S}/1?speed=2,1", None, {}, 400, "speed"),
    ("GET", f"/v1/clips/{S}/1?color=purple", None, {}, 400, "color"),
    ("GET", f"/v1/clips/{S}/1?colour=red", None, {}, 400, "colour"),
    ("GET", f"/v1/clips/{S}/1?batch_size=2", None, {}, 400, "batch_size"),   # not a clip parameter
    ("GET", f"/v1/clips/{S}/1?frames=2&frames=3", None, {}, 400, "frames"),
    ("GET", f"/v1/clips/{S}/1?run=has%20space", None, {}, 400, "run"),
    ("GET", f"/v1/clips/{S}/1", None, {"x-run-id": "x" * 129}, 400, "run"),
    ("GET", f"/v1/clips/{S}/1/frames/abc.png", None, {}, 400, "frame"),
    ("GET", f"/v1/clips/{S}/1/frames/3.jpg", None, {}, 400, "frame"),
    ("GET", f"/v1/clips/{S}/1/frames/10000.png", None, {}, 400, "frame"),
    ("GET", f"/v1/batches/{S}/0?batch_size=0&{SMALL}", None, {}, 400, "batch_size"),
    ("GET", f"/v1/batches/{S}/0?batch_size=257&{SMALL}", None, {}, 400, "batch_size"),
    ("GET", f"/v1/batches/{S}/0?batch_size=256&resolution=1024&frames=21", None, {}, 413, "batch_size"),
    ("GET", f"/v1/batches/{S}/18446744073709551615?batch_size=2&{SMALL}", None, {}, 400, "index"),
    ("GET", f"/v1/batches/{S}/0?start_seed=18446744073709551615&batch_size=2&{SMALL}", None, {}, 400, "index"),
    ("GET", f"/v1/stream/{S}?rank=3&world_size=3&{SMALL}", None, {}, 400, "rank"),
    ("GET", f"/v1/stream/{S}?count=0&{SMALL}", None, {}, 400, "count"),
    ("GET", f"/v1/stream/{S}?world_size=0&{SMALL}", None, {}, 400, "world_size"),
    ("GET", f"/v1/clips/{S}/1?{SMALL}", None, {"accept": "text/html"}, 406, "accept"),
    ("GET", f"/v1/clips/{S}/1/preview.png?{SMALL}", None, {"accept": "application/json"}, 406, "accept"),
    ("GET", f"/v1/batches/{S}/0?{SMALL}", None, {"accept": "text/html"}, 406, "accept"),
    ("GET", "/v1/provenance/runs?limit=0", None, {}, 400, "limit"),
    ("GET", "/v1/provenance/requests?limit=1001", None, {}, 400, "limit"),
    ("GET", "/v1/provenance/requests?since=yesterday", None, {}, 400, "since"),
    ("GET", "/v1/provenance/runs?cursor=nonsense", None, {}, 400, "cursor"),
    ("GET", "/v1/provenance/seeds/x", None, {}, 400, "seed"),
    ("POST", "/v1/configs", b"{", {"content-type": "application/json"}, 400, "body"),
    ("POST", "/v1/configs", b"[1]", {"content-type": "application/json"}, 400, "body"),
    ("POST", "/v1/configs", b'{"bogus": 1}', {"content-type": "application/json"}, 400, "bogus"),
    ("POST", "/v1/configs", b'{"objects": 0}', {"content-type": "application/json"}, 400, "objects"),
    ("POST", "/v1/configs", b'{"base": "nope"}', {"content-type": "application/json"}, 400, "base"),
    ("POST", "/v1/configs", b"\xff\xfe", {"content-type": "application/json"}, 400, "body"),
]


@pytest.mark.parametrize("method,path,body,headers,status,parameter", TABLE,
                         ids=[f"{m} {p[:70]} {s}" for m, p, _, _, s, _ in TABLE])
def test_bad_input(h2, method, path, body, headers, status, parameter):
    r = h2.request(method, path, content=body, headers=headers)
    p = assert_problem(r, status, parameter)
    if status == 400 and parameter not in (None, "body", "bogus", "colour", "batch_size", "seed", "run"):
        assert p.get("allowed") or "allowed" in p["detail"] or p["detail"], p


def test_no_500_and_server_alive(h2):
    assert h2.get("/healthz").status_code == 200


def test_wrong_method_405_with_allow(h2, base_url):
    for method, path, allow in (("DELETE", "/v1/stages", {"GET", "HEAD"}), ("POST", f"/v1/clips/{S}/1", {"GET", "HEAD"}),
                                ("GET", "/v1/configs", {"POST"}), ("PUT", "/healthz", {"GET", "HEAD"})):
        r = h2.request(method, path)
        assert r.status_code == 405, (method, path, r.status_code)
        assert {m.strip() for m in r.headers["allow"].split(",")} == allow
    r = httpx.request("DELETE", base_url + "/v1/stages", timeout=30)   # HTTP/1.1
    assert r.status_code == 405 and "GET" in r.headers["allow"]


def test_unknown_path_404(h2):
    assert h2.get("/v2/nothing").status_code == 404


def test_oversized_body_413(h2, base_url):
    big = b'{"objects": 1' + b" " * (1 << 20) + b"}"
    r = h2.post("/v1/configs", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    r = httpx.post(base_url + "/v1/configs", content=big, headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 413
    assert h2.get("/healthz").status_code == 200


def test_uri_too_long_414_and_headers_too_large_431(h2, base_url):
    r = subprocess.run(["curl", "-sS", "--http1.1", "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code}",
                        base_url + "/v1/stages?" + "x" * 9000], capture_output=True, text=True, timeout=60)
    assert r.stdout == "414", r
    big = {"x-big": "y" * 17000}
    r = subprocess.run(["curl", "-sS", "--http1.1", "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code}",
                        "-H", "x-big: " + "y" * 17000, base_url + "/v1/stages"], capture_output=True, text=True, timeout=60)
    assert r.stdout == "431", r
    with httpx.Client(http1=False, http2=True, base_url=base_url, timeout=30) as c:
        try:
            status = c.get("/v1/stages", headers=big).status_code
        except httpx.RemoteProtocolError:
            status = "goaway"   # HPACK itself may give up; the documented alternative
        assert status in (431, "goaway")
    assert h2.get("/healthz").status_code == 200


def test_token_protected_server(server_factory, tmp_path):
    token = tmp_path / "token"
    token.write_text("s3cret-token\n")
    s = server_factory("--token-file", str(token))
    with s.h2() as c:
        for path in ("/healthz", "/readyz", "/openapi.yaml"):
            assert c.get(path).status_code == 200, path
        for path in ("/metrics", "/v1/stages", f"/v1/clips/{S}/1?{SMALL}", "/v1/provenance/runs"):
            for auth in (None, "Bearer wrong", "Bearer s3cret-tokenX", "Bearer s3cret-toke", "Basic s3cret-token"):
                r = c.get(path, headers={"authorization": auth} if auth else {})
                assert_problem(r, 401)
                assert r.headers["www-authenticate"] == "Bearer"
        ok = c.get(f"/v1/clips/{S}/1?{SMALL}", headers={"authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200, ok.text
        r = c.post("/v1/configs", json={"objects": 3}, headers={"authorization": "Bearer nope"})
        assert_problem(r, 401)
