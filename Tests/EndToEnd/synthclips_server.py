"""`synthclips serve` as a test fixture: the built binary on 127.0.0.1 with a temporary provenance
store, shared by the service and client end-to-end suites (imported, not a conftest: two conftest
modules in one pytest session shadow each other).

Nothing is built here. The binary is $SYNTHCLIPS_BIN, else `.build/release/synthclips` under the
repository root; tests are skipped (with the reason) when it is missing or has no `serve`.
"""
from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


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


class Server:
    """One `synthclips serve` process. Every wait is bounded."""

    def __init__(self, db: Path, *args: str, port: int = 0, workers: int = 2, start_timeout: float = 30):
        if skip_reason():
            pytest.skip(skip_reason())
        self.db = Path(db)
        self.args = args
        self.workers = workers
        self.stderr_path = self.db.with_suffix(self.db.suffix + f".stderr.{time.monotonic_ns()}")
        self._stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(
            [str(binary()), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(self.db),
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
