"""Fixtures for the Python client's end-to-end tests: a real `synthclips serve` on 127.0.0.1.

Not a conftest.py (another conftest module in the same pytest session would shadow it). The
package is imported from clients/python/src, so the tests need no install (test_client_install
checks the install separately)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "clients/python/src"
for path in (SRC, ROOT / "Tests/EndToEnd"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from synthclips_server import Server  # noqa: E402  (shared with the service tests)

STAGE = "accelerating-shapes"
SMALL = {"resolution": 32, "frames": 4, "objects": 8}   # cheap clips: tests are about order, not pixels


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
