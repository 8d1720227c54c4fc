"""The package installs with pip into a fresh virtual environment from the repository, and
imports without torch."""
from __future__ import annotations

import shutil
import subprocess
import sys

from client_support import ROOT


def test_pip_install_into_fresh_venv(tmp_path):
    venv = tmp_path / "venv"
    # --system-site-packages: the dependencies (httpx, h2, numpy, zstandard) resolve from the
    # system, so pip downloads nothing it does not have to; the dependency check is real.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    py = venv / "bin/python"
    # Install from a copy: setuptools writes build/ and *.egg-info next to the sources.
    src = tmp_path / "synthclips-src"
    shutil.copytree(ROOT / "clients/python", src,
                    ignore=shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__"))
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        str(src)], capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    code = ("import synthclips, sys; from synthclips import Client, Batch, SynthClipsError; "
            "assert 'torch' not in sys.modules; print(synthclips.__file__)")
    r = subprocess.run([str(py), "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert str(venv) in r.stdout, r.stdout          # the installed copy, not the source tree


def test_torch_submodule_without_torch_says_so():
    code = ("import sys; sys.modules['torch'] = None\n"
            "try:\n    import synthclips.torch\nexcept ImportError as e:\n    print('ok', e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={"PYTHONPATH": str(ROOT / "clients/python/src"), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0 and r.stdout.startswith("ok") and "install" in r.stdout, r.stdout + r.stderr
