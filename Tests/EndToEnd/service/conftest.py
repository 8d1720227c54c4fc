"""End-to-end fixtures for `synthclips serve`: start the built binary on 127.0.0.1 with an
ephemeral port and a temporary provenance store, and talk to it with real clients.

Nothing is built here. The binary is $SYNTHCLIPS_BIN, else `.build/release/synthclips` under the
repository root; the tests are skipped (with the reason) when it is missing or has no `serve`.
Build it with `swift build -c release --product synthclips`.
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import struct
import subprocess
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT / "Sources/SynthClipsService/Resources/openapi.yaml"


def binary() -> Path:
    p = Path(os.environ.get("SYNTHCLIPS_BIN", ".build/release/synthclips"))
    return p if p.is_absolute() else ROOT / p


_checked: dict[str, str | None] = {}


def skip_reason() -> str | None:
    """Why the service tests cannot run here (None when they can)."""
    if "reason" not in _checked:
        b = binary()
        reason = None
        if not b.exists():
            reason = (f"synthclips binary not found at {b} (set SYNTHCLIPS_BIN or build it with "
                      "`swift build -c release --product synthclips`)")
        else:
            r = subprocess.run([str(b), "serve", "--help"], capture_output=True, text=True, timeout=30)
            if r.returncode != 0:
                reason = f"{b} has no `serve` subcommand (an old build?): {r.stderr.strip()[:200]}"
        _checked["reason"] = reason
    return _checked["reason"]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    needs_binary = {"server", "server_factory", "base_url", "h2"}
    for item in items:
        if Path(str(item.fspath)).parent == here and needs_binary & set(getattr(item, "fixturenames", ())):
            reason = skip_reason()
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


class Server:
    """One `synthclips serve` process. Every wait is bounded."""

    def __init__(self, db: Path, *args: str, workers: int = 2, start_timeout: float = 30):
        if skip_reason():
            pytest.skip(skip_reason())
        self.db = Path(db)
        self.args = args
        self.workers = workers
        self.stderr_path = self.db.with_suffix(self.db.suffix + f".stderr.{time.monotonic_ns()}")
        self._stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(
            [str(binary()), "serve", "--host", "127.0.0.1", "--port", "0", "--db", str(self.db),
             "--workers", str(workers), *args],
            stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL,
            env={k: v for k, v in os.environ.items() if not k.startswith("SYNTHCLIPS_")})
        self.url = self._wait_listening(start_timeout)
        self.port = int(self.url.rsplit(":", 1)[1])

    def _wait_listening(self, timeout: float) -> str:
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        buf = b""
        try:
            while time.monotonic() < deadline:
                if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
                    break
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                buf += chunk
                for line in buf.decode(errors="replace").splitlines():
                    if line.startswith("listening on http://"):
                        return line.split()[-1].rstrip("/")
        finally:
            sel.close()
        self.kill()
        raise RuntimeError(f"synthclips serve did not start in {timeout}s: stdout={buf!r} "
                           f"stderr={self.stderr()[-2000:]!r}")

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 15) -> int | None:
        """SIGTERM, then SIGKILL past `timeout`."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._close()
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._close()

    def _close(self) -> None:
        if self.proc.stdout and not self.proc.stdout.closed:
            self.proc.stdout.close()
        if not self._stderr.closed:
            self._stderr.close()

    def h2(self, **kw) -> httpx.Client:
        """An HTTP/2 client with prior knowledge (h2c)."""
        kw.setdefault("timeout", 60)
        # identity by default: httpx would otherwise ask for (and itself decode) zstd.
        kw.setdefault("headers", {"accept-encoding": "identity"})
        return httpx.Client(http1=False, http2=True, base_url=self.url, **kw)


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
