"""End-to-end fixtures and helpers for the HTTP2Server library: start the `http2-demo`
executable on 127.0.0.1 with an ephemeral port and talk to it with real clients.

Not a conftest.py on purpose: other end-to-end folders have their own conftest.py and import
from it by name, and two modules named `conftest` in one pytest session shadow each other.
Test modules import the fixtures from here explicitly.

The binary is taken from $HTTP2_DEMO, else the first of .build-http2/{debug,release} and
.build/{debug,release} under the repository root that exists. Build it with
`swift build --scratch-path .build-http2 --product http2-demo`.
"""
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def demo_binary() -> str:
    env = os.environ.get("HTTP2_DEMO")
    if env:
        return env
    for d in (".build-http2/debug", ".build-http2/release", ".build/debug", ".build/release"):
        p = ROOT / d / "http2-demo"
        if p.exists():
            return str(p)
    pytest.fail("http2-demo not built: swift build --scratch-path .build-http2 --product http2-demo")


class DemoServer:
    def __init__(self, *args: str):
        # stderr goes to a file: a pipe nobody drains would block a server that logs a lot, and
        # the file can be shown when a test fails.
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([demo_binary(), "--port", "0", "--log-level", "warning", *args],
                                     stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        line = self.proc.stdout.readline()  # bounded: the server prints it at once or exits
        if not line.startswith("listening on port "):
            self.proc.kill()
            self.proc.wait(5)
            raise RuntimeError(f"demo did not start: {line!r} {self.stderr()}")
        self.port = int(line.split()[-1])
        self.pid = self.proc.pid

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return -1

    def fd_count(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stderr(self, tail: int = 2000) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-tail:]

    def describe(self) -> str:
        """The process's state for a failure message: exit status or fd count, and its log."""
        state = f"exited with {self.proc.returncode}" if not self.alive() else f"running, {self.fd_count()} fds"
        return f"demo {state}; stderr: {self.stderr()!r}"

    def stop(self, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode


@pytest.fixture
def demo_factory():
    servers = []

    def make(*args: str) -> DemoServer:
        s = DemoServer(*args)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.stop()


@pytest.fixture
def demo(demo_factory):
    return demo_factory()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return str(cert), str(key)


def wait_until(predicate, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
