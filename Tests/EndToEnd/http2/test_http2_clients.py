"""Real clients against a real server: curl (h2c prior knowledge, HTTP/1.1, TLS), nghttp,
h2load, httpx with HTTP/2."""
import asyncio
import ssl
import subprocess

import httpx

from http2_support import DemoServer, demo, demo_factory, tls_files  # noqa: F401 (fixtures)


def pattern(n: int) -> bytes:
    return bytes(((i * 31) + (i >> 8)) & 0xFF for i in range(n))


def curl(*args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run(["curl", "-sS", "--max-time", str(int(timeout)), *args],
                          capture_output=True, timeout=timeout + 5)


def test_curl_h2c_prior_knowledge(demo: DemoServer):
    # One URL per curl call: curl 7.88 drops the second request with --http2-prior-knowledge.
    r = curl("--http2-prior-knowledge", "-o", "-", "-w", "\n%{http_code} %{http_version}", demo.url("/bytes/100000"))
    body, _, meta = r.stdout.rpartition(b"\n")
    assert meta == b"200 2"
    assert body == pattern(100000)
    r = curl("--http2-prior-knowledge", "-w", "%{http_code}", "-o", "/dev/null", demo.url("/nope"))
    assert r.stdout == b"404"


def test_curl_http11_keepalive(demo: DemoServer):
    r = curl("-v", demo.url("/bytes/1000"), demo.url("/deferred/2000?ms=5"), demo.url("/stream/3/1000"))
    assert r.returncode == 0
    assert r.stdout == pattern(1000) + pattern(2000) + pattern(1000) * 3
    assert b"Re-using existing connection" in r.stderr
    assert r.stderr.count(b"< HTTP/1.1 200") == 3
    r = curl("-w", "%{http_code}", "-o", "/dev/null", "-X", "DELETE", demo.url("/bytes/1"))
    assert r.stdout == b"405"


def test_curl_post_echo_both_protocols(demo: DemoServer, tmp_path):
    data = pattern(200000)
    f = tmp_path / "body.bin"
    f.write_bytes(data)
    for flags in ([], ["--http2-prior-knowledge"]):
        r = curl(*flags, "--data-binary", f"@{f}", "-H", "Content-Type: application/octet-stream", demo.url("/echo"))
        assert r.stdout == data


def test_nghttp_many_streams(demo: DemoServer):
    urls = [demo.url(f"/bytes/{1000 + i}") for i in range(20)] + [demo.url("/deferred/5000?ms=20")]
    r = subprocess.run(["nghttp", "-ns", *urls], capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count(b" 200 ") == 21


def test_h2load_many_concurrent_streams_one_connection(demo: DemoServer):
    r = subprocess.run(["h2load", "-n", "2000", "-c", "1", "-m", "100", demo.url("/bytes/4096")],
                       capture_output=True, timeout=60, text=True)
    assert "2000 succeeded, 0 failed, 0 errored" in r.stdout, r.stdout
    r = subprocess.run(["h2load", "-n", "200", "-c", "2", "-m", "50", demo.url("/stream/4/16384")],
                       capture_output=True, timeout=60, text=True)
    assert "200 succeeded, 0 failed, 0 errored" in r.stdout, r.stdout


def test_httpx_http2_concurrent(demo_factory):
    demo = demo_factory("--jobs-per-connection", "64")
    async def run():
        async with httpx.AsyncClient(http1=False, http2=True, timeout=30) as client:  # h2c prior knowledge
            paths = [f"/bytes/{100 * i}" for i in range(1, 61)] + [f"/deferred/{10 * i}?ms=5" for i in range(1, 41)]
            rs = await asyncio.gather(*(client.get(demo.url(p)) for p in paths))
            return paths, rs
    paths, rs = asyncio.run(run())
    for p, r in zip(paths, rs):
        assert r.status_code == 200
        assert r.http_version == "HTTP/2"
        n = int(p.split("/")[2].split("?")[0])
        assert r.content == pattern(n)


def test_per_connection_job_quota_answers_503(demo_factory):
    demo = demo_factory("--jobs-per-connection", "4")

    async def run():
        async with httpx.AsyncClient(http1=False, http2=True, timeout=30) as client:
            return await asyncio.gather(*(client.get(demo.url("/deferred/10?ms=300")) for _ in range(10)))
    rs = asyncio.run(run())
    codes = sorted(r.status_code for r in rs)
    assert codes.count(200) == 4 and codes.count(503) == 6, codes
    assert all(r.headers["retry-after"] == "1" for r in rs if r.status_code == 503)


def test_pool_saturation_answers_503(demo_factory):
    demo = demo_factory("--workers", "1", "--queue", "1")

    async def run():
        # Separate connections: the pool bound, not the per-connection quota, is what refuses.
        clients = [httpx.AsyncClient(http1=False, http2=True, timeout=30) for _ in range(5)]
        try:
            return await asyncio.gather(*(c.get(demo.url("/deferred/10?ms=300")) for c in clients))
        finally:
            for c in clients:
                await c.aclose()
    codes = sorted(r.status_code for r in asyncio.run(run()))
    assert codes.count(200) == 2 and codes.count(503) == 3, codes


def test_httpx_http1(demo: DemoServer):
    with httpx.Client(http2=False, timeout=10) as client:
        for i in range(5):
            r = client.get(demo.url(f"/bytes/{i * 1000}"))
            assert r.status_code == 200 and r.http_version == "HTTP/1.1"
            assert r.content == pattern(i * 1000)


def test_tls_alpn_h2_and_http11(demo_factory, tls_files):
    cert, key = tls_files
    s = demo_factory("--tls-cert", cert, "--tls-key", key)
    r = curl("--cacert", cert, "-w", "\n%{http_code} %{http_version}", s.url("/info", "https"))
    body, _, meta = r.stdout.rpartition(b"\n")
    assert meta == b"200 2", r.stderr
    assert b"tls=true" in body
    r = curl("--cacert", cert, "--http1.1", "-w", "\n%{http_code} %{http_version}", s.url("/bytes/300000", "https"))
    body, _, meta = r.stdout.rpartition(b"\n")
    assert meta == b"200 1.1"
    assert body == pattern(300000)
    r = curl("--cacert", cert, "--tlsv1.1", "--tls-max", "1.1", s.url("/info", "https"))
    assert r.returncode != 0   # TLS 1.2 is the minimum

    async def run():
        async with httpx.AsyncClient(http2=True, verify=ssl.create_default_context(cafile=cert), timeout=30) as client:
            return await asyncio.gather(*(client.get(s.url(f"/bytes/{50000 + i}", "https")) for i in range(30)))
    for i, resp in enumerate(asyncio.run(run())):
        assert resp.http_version == "HTTP/2"
        assert resp.content == pattern(50000 + i)
    r = subprocess.run(["h2load", "-n", "100", "-c", "2", "-m", "10", s.url("/bytes/100000", "https")],
                       capture_output=True, timeout=60, text=True)
    assert "100 succeeded, 0 failed" in r.stdout, r.stdout
