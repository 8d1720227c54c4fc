"""Fixtures for the Python client's end-to-end tests: a real `synthclips serve` on 127.0.0.1.

Not a conftest.py (another conftest module in the same pytest session would shadow it). The
package is imported from clients/python/src, so the tests need no install (test_client_install
checks the install separately)."""
from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "clients/python/src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

STAGE = "accelerating-shapes"
SMALL = {"resolution": 32, "frames": 4, "objects": 8}   # cheap clips: tests are about order, not pixels


def binary() -> Path:
    p = Path(os.environ.get("SYNTHCLIPS_BIN", ".build/release/synthclips"))
    return p if p.is_absolute() else ROOT / p


def require_binary() -> Path:
    b = binary()
    if not b.exists():
        pytest.skip(f"synthclips binary not found at {b}: set SYNTHCLIPS_BIN or build it with "
                    "`swift build -c release --product synthclips`")
    return b


class Server:
    def __init__(self, db: Path, port: int = 0, start_timeout: float = 30):
        self.db = Path(db)
        self.stderr_path = self.db.with_suffix(f".stderr.{time.monotonic_ns()}")
        self._stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(
            [str(require_binary()), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(self.db),
             "--workers", "2"],
            stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL,
            env={k: v for k, v in os.environ.items() if not k.startswith("SYNTHCLIPS_")})
        self.url = self._wait_listening(start_timeout)
        self.port = int(self.url.rsplit(":", 1)[1])

    def _wait_listening(self, timeout: float) -> str:
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline, buf = time.monotonic() + timeout, b""
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
        raise RuntimeError(f"synthclips serve did not start in {timeout}s: {buf!r} {self.stderr_path.read_text()[-2000:]}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._close()

    def _close(self) -> None:
        if self.proc.stdout and not self.proc.stdout.closed:
            self.proc.stdout.close()
        if not self._stderr.closed:
            self._stderr.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("client") / "prov.sqlite")
    yield s
    s.stop()


@pytest.fixture
def client(server):
    from synthclips import Client
    with Client(server.url, run="client-tests", prefetch=4, timeout=30) as c:
        yield c
