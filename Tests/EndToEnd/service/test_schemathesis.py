"""Schemathesis against the live server with the repository's openapi.yaml: no 5xx, every
status, content type, header and body as documented, 405 with Allow for other methods.

Bounded: SCHEMATHESIS_MAX_EXAMPLES (default 15) examples per operation and phase, a request
timeout, and a wall-clock limit on the whole run. SCHEMATHESIS_SEED (default 20261127) keeps
runs reproducible; set it to `random` to explore."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import SPEC

HERE = Path(__file__).parent
CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "unsupported_method",
    "allow_header_conformance",
])


def test_openapi_validates():
    from openapi_spec_validator import validate
    validate(yaml.safe_load(SPEC.read_text()))


def test_spec_covers_every_route():
    """Every route the service registers is in the spec (read from the route files)."""
    import re
    routes = set()
    for f in (SPEC.parents[1] / "Routes").glob("*.swift"):
        routes |= {(m.lower(), p) for m, p in re.findall(r'add\(&router, "([A-Z]+)", "([^"]+)"', f.read_text())}
    assert routes, "no routes found in Sources/SynthClipsService/Routes"
    paths = yaml.safe_load(SPEC.read_text())["paths"]
    documented = {(m, p) for p, ops in paths.items() for m in ops if m in ("get", "post", "put", "delete")}
    assert routes == documented, (sorted(routes - documented), sorted(documented - routes))


def test_schemathesis(server_factory, tmp_path):
    exe = shutil.which("schemathesis") or shutil.which("st")
    if exe is None:
        pytest.skip("schemathesis is not installed (pip install -r Tests/EndToEnd/requirements.txt)")
    server = server_factory()
    seed = os.environ.get("SCHEMATHESIS_SEED", "20261127")
    args = [exe, "run", str(SPEC), "--url", server.url, "--checks", CHECKS,
            "--max-examples", os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15"),
            "--request-timeout", "60", "--workers", "2", "--no-color"]
    if seed != "random":
        args += ["--seed", seed]
    env = dict(os.environ, SCHEMATHESIS_HOOKS="schemathesis_hooks",
               PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    log = tmp_path / "schemathesis.log"
    with open(log, "w") as out:
        try:
            r = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
                               timeout=float(os.environ.get("SCHEMATHESIS_TIMEOUT", "240")))
        except subprocess.TimeoutExpired:
            pytest.fail(f"schemathesis ran past its time limit; log: {log.read_text()[-4000:]}")
    text = log.read_text()
    assert r.returncode == 0, f"schemathesis failed (rc {r.returncode}):\n{text[-12000:]}"
    assert server.alive(), "the server died under schemathesis"
    import re
    assert not re.search(r"unmapped error|threw .*; 500|internal server error", server.stderr()), server.stderr()[-4000:]
    print(text[-1500:], file=sys.stderr)
