"""The release binary as the CLI tests run it (imported by the test modules of this folder).

Binary: $SYNTHCLIPS_BIN (relative paths are taken from the repository root), default
.build/release/synthclips; tests are skipped, with the reason, when it is missing.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 300


def binary() -> str:
    path = Path(os.environ.get("SYNTHCLIPS_BIN", ".build/release/synthclips"))
    if not path.is_absolute():
        path = ROOT / path
    if not path.exists():
        pytest.skip(f"synthclips binary not found at {path}: build it with "
                    "`swift build -c release --product synthclips` or set SYNTHCLIPS_BIN")
    return str(path)


def run(*args, check=True, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """`synthclips ARGS`; with `check`, a non-zero exit fails the test with its stderr."""
    result = subprocess.run([binary(), *map(str, args)], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"synthclips {' '.join(map(str, args))} failed ({result.returncode}):\n{result.stderr}")
    return result
