"""The release binary renders the golden clips bit for bit, in two separate processes, and every
stage has a golden (the flat stages here, the textured ones in test_textured_goldens.py).

The flat stages' golden file is checked by the debug build's unit tests (GoldenClipTests) too, so
together they prove debug and release builds give identical bytes.
"""
import json
import subprocess
from pathlib import Path

import pytest

from cli_support import binary

ROOT = Path(__file__).resolve().parents[3]
GOLDENS = json.loads((ROOT / "Tests/SyntheticVideoTests/Goldens/clips.json").read_text())


def digest(clip: dict) -> str:
    args = [binary(), "render", clip["stage"], "--seed", str(clip["seed"]), "--digest"]
    for name, value in sorted(clip.get("overrides", {}).items()):
        args += ["--set", f"{name}={value}"]
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout.strip()


@pytest.mark.parametrize("clip", GOLDENS["clips"], ids=lambda c: f"{c['stage']}-{c['seed']}-{len(c.get('overrides', {}))}")
def test_release_binary_matches_golden(clip):
    assert digest(clip) == clip["sha256"]


def test_generator_version_matches_binary():
    stages = json.loads(subprocess.run([binary(), "stages", "--json"], check=True, capture_output=True,
                                       text=True, timeout=60).stdout)
    assert stages["generator_version"] == GOLDENS["generator_version"]


def test_every_stage_has_a_golden():
    stages = json.loads(subprocess.run([binary(), "stages", "--json"], check=True, capture_output=True,
                                       text=True, timeout=60).stdout)
    textured = json.loads((ROOT / "Tests/EndToEnd/cli/Goldens/textured.json").read_text())
    pinned = {c["stage"] for c in GOLDENS["clips"]} | {c["stage"] for c in textured["clips"]}
    assert {s["id"] for s in stages["stages"]} - pinned == set()
