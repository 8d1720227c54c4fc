"""End-to-end fixtures for `synthclips serve`: start the built binary on 127.0.0.1 with an
ephemeral port and a temporary provenance store, and talk to it with real clients.

Nothing is built here. The binary is $SYNTHCLIPS_BIN, else `.build/release/synthclips` under the
repository root; the tests are skipped (with the reason) when it is missing or has no `serve`.
Build it with `swift build -c release --product synthclips`.
"""
from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "Tests/EndToEnd"))
from synthclips_server import Server, binary, skip_reason  # noqa: E402  (shared with the client tests)
SPEC = ROOT / "Sources/SynthClipsService/Resources/openapi.yaml"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    needs_binary = {"server", "server_factory", "base_url", "h2"}
    for item in items:
        if Path(str(item.fspath)).parent == here and needs_binary & set(getattr(item, "fixturenames", ())):
            reason = skip_reason()
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def server_factory(tmp_path):
    """Makes servers on demand (each stopped with SIGTERM at the end)."""
    servers: list[Server] = []

    def make(*args: str, db: Path | None = None, **kw) -> Server:
        s = Server(db or tmp_path / f"prov{len(servers)}.sqlite", *args, **kw)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server per test module, on a fresh store."""
    db = tmp_path_factory.mktemp("svc") / "provenance.sqlite"
    s = Server(db)
    yield s
    rc = s.stop()
    assert rc == 0, f"serve exited {rc} on SIGTERM: {s.stderr()[-2000:]}"


@pytest.fixture(scope="module")
def base_url(server) -> str:
    return server.url


@pytest.fixture(scope="module")
def h2(server):
    with server.h2() as c:
        yield c


# ---- helpers shared by the test modules ----

def get_raw(client: httpx.Client, url: str, **kw) -> tuple[httpx.Response, bytes]:
    """GET without httpx's content decoding: the response and its body as sent."""
    with client.stream("GET", url, **kw) as r:
        return r, b"".join(r.iter_raw())


def unzstd(body: bytes) -> bytes:
    """Every zstd frame of `body`, decompressed and concatenated."""
    import io
    import zstandard
    return zstandard.ZstdDecompressor().stream_reader(io.BytesIO(body), read_across_frames=True).read()

def render_cli(tmp_path: Path, stage: str, seed: int, *args: str) -> bytes:
    """`synthclips render STAGE --seed N ARGS --out X.safetensors`: its bytes."""
    out = tmp_path / f"cli-{stage}-{seed}-{abs(hash(args))}.safetensors"
    r = subprocess.run([str(binary()), "render", stage, "--seed", str(seed), *args, "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return out.read_bytes()


def split_documents(body: bytes) -> list[bytes]:
    """Splits a stream body into its safetensors documents (8-byte LE header length, JSON
    header, data whose size is the largest data_offsets end)."""
    docs = []
    pos = 0
    while pos < len(body):
        assert len(body) - pos >= 8, "truncated document header length"
        (n,) = struct.unpack_from("<Q", body, pos)
        header = json.loads(body[pos + 8: pos + 8 + n])
        size = max((v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"), default=0)
        end = pos + 8 + n + size
        assert end <= len(body), "truncated document data"
        docs.append(body[pos:end])
        pos = end
    return docs


def tensors(doc: bytes):
    """The document's header, metadata and tensors as numpy arrays."""
    import numpy as np
    (n,) = struct.unpack_from("<Q", doc, 0)
    header = json.loads(doc[8: 8 + n])
    meta = header.pop("__metadata__", {})
    dtypes = {"U8": np.uint8, "U64": np.uint64, "I32": np.int32}
    base = 8 + n
    out = {}
    for name, v in header.items():
        a, b = v["data_offsets"]
        out[name] = np.frombuffer(doc[base + a: base + b], dtype=dtypes[v["dtype"]]).reshape(v["shape"])
    return meta, out


def assert_problem(r: httpx.Response, status: int, parameter: str | None = None) -> dict:
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers
    p = r.json()
    assert p["status"] == status and p["title"] and p["detail"] and p["type"], p
    if parameter is not None:
        assert p.get("parameter") == parameter, p
    return p
