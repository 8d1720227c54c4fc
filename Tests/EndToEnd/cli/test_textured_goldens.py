"""Textured stages through the release binary: golden digests for stages 6–8 and the appendix
variants (stage 8 and image backgrounds on an image set the tests generate), banks that give
byte-identical clips, images pools that skip and report bad files, and clear errors.

Regenerate the goldens (after a deliberate generator version bump) with
`python3 Tests/EndToEnd/cli/test_textured_goldens.py --update`.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "Tests/EndToEnd"))
from image_sets import write_mixed_set, write_png_set  # noqa: E402
from cli_support import run  # noqa: E402

GOLDENS_PATH = ROOT / "Tests/EndToEnd/cli/Goldens/textured.json"

# Small procedural pools keep the cold pools cheap (textures are generated in every process).
CASES = [
    ("accelerating-textures", 0, {"textureCount": "2"}),
    ("accelerating-textures", 1, {"textureCount": "2", "resolution": "128"}),
    ("accelerating-stylegan", 0, {"textureCount": "3"}),
    ("accelerating-stylegan", 1, {"textureCount": "3"}),
    # Pools of more textures than a server request generates itself (8): warmed in the background.
    ("accelerating-stylegan", 2, {"textureCount": "24"}),
    ("accelerating-textures", 2, {"textureCount": "12", "resolution": "128"}),
    ("accelerating-stylegan-slow", 2, {"textureCount": "3", "textureSeed": "7"}),
    ("accelerating-textures-slow", 3, {"textureCount": "1", "resolution": "64"}),
    ("accelerating-image-crops", 0, {}),
    ("accelerating-image-crops", 1, {}),
    ("accelerating-image-crops", 2, {"crop": "videomae-multiscale"}),
    ("accelerating-image-crops-slow", 3, {}),
    ("accelerating-shapes-image-background", 0, {}),
    # At the preset's 5 % share, seed 87 is a static image and seed 86 is not.
    ("accelerating-shapes-static-images", 86, {}),
    ("accelerating-shapes-static-images", 87, {}),
    ("accelerating-shapes-static-images", 0, {"staticImageShare": "1"}),
    ("accelerating-shapes-static-images", 1, {"staticImageShare": "0.5"}),
    ("accelerating-textures-saturated", 0, {"textureCount": "2"}),
    ("accelerating-textures-color-background", 0, {"textureCount": "2"}),
    ("accelerating-textures-and-images", 0, {"textureCount": "2"}),
    ("accelerating-stylegan-dynamic", 0, {"textureCount": "1", "objects": "40", "frames": "4", "resolution": "96"}),
]


def digest(stage: str, seed: int, overrides: dict, images: Path, *extra) -> str:
    args = ["render", stage, "--seed", seed, "--digest", "--images", images, *extra]
    for name, value in sorted(overrides.items()):
        args += ["--set", f"{name}={value}"]
    return run(*args).stdout.strip()


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> Path:
    return write_png_set(tmp_path_factory.mktemp("images"))


def test_goldens_cover_every_textured_stage():
    goldens = json.loads(GOLDENS_PATH.read_text())
    stages = json.loads(run("stages", "--json").stdout)
    # Texture fields appear in a configuration only when they differ from their defaults.
    textured = {s["id"] for s in stages["stages"]
                if s["config"].get("textures") or s["config"]["background"] == "image"
                or s["config"].get("staticImageShare", 0) > 0}
    assert textured == {c["stage"] for c in goldens["clips"]}
    assert goldens["generator_version"] == stages["generator_version"]


@pytest.mark.parametrize("case", json.loads(GOLDENS_PATH.read_text())["clips"],
                         ids=lambda c: f"{c['stage']}-{c['seed']}-{len(c['overrides'])}")
def test_textured_clip_matches_golden(case, images):
    assert digest(case["stage"], case["seed"], case["overrides"], images) == case["sha256"]


def test_a_bank_gives_the_bytes_of_the_pool_it_was_built_from(tmp_path, images):
    bank = tmp_path / "bank"
    built = run("textures", "build", "stylegan-oriented", "--count", "3", "--seed", "7", "--out", bank, "--threads", "2")
    assert built.stdout.startswith("manifest sha256 ")
    assert "3/3 textures" in built.stderr
    assert sorted(p.name for p in bank.iterdir()) == ["00000000.rgb", "00000001.rgb", "00000002.rgb", "manifest.json"]
    overrides = {"textureCount": "3", "textureSeed": "7"}
    generated = digest("accelerating-stylegan-slow", 2, overrides, images)
    assert digest("accelerating-stylegan-slow", 2, overrides, images, "--texture-bank", bank) == generated
    # A bank file that changed is an error naming the file, never other pixels.
    target = bank / "00000001.rgb"
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))
    failed = run("render", "accelerating-stylegan-slow", "--seed", 2, "--digest", "--texture-bank", bank,
                 "--set", "textureCount=3", "--set", "textureSeed=7", check=False)
    assert failed.returncode != 0
    assert "00000001.rgb" in failed.stderr and "changed" in failed.stderr


def test_an_images_bank_gives_the_bytes_of_its_directory(tmp_path, images):
    bank = tmp_path / "images-bank"
    run("textures", "build", "images", "--images", images, "--out", bank)
    assert len(list(bank.glob("*.rgb"))) == 3
    for stage, seed in [("accelerating-image-crops", 5), ("accelerating-shapes-image-background", 6)]:
        assert digest(stage, seed, {}, images, "--texture-bank", bank) == digest(stage, seed, {}, images)
    # A bank of part of the directory is not used for it (it cannot serve every image), and the
    # command says so.
    partial = tmp_path / "partial"
    run("textures", "build", "images", "--images", images, "--count", "2", "--out", partial)
    rendered = run("render", "accelerating-image-crops", "--seed", 5, "--digest", "--images", images,
                   "--texture-bank", partial)
    assert rendered.stdout.strip() == digest("accelerating-image-crops", 5, {}, images)
    assert '"kind":"images"' in rendered.stderr and "is not used" in rendered.stderr
    failed = run("textures", "build", "images", "--out", tmp_path / "x", check=False)
    assert failed.returncode != 0 and "--images" in failed.stderr


def test_stage_8_without_images_says_how_to_supply_them():
    failed = run("render", "accelerating-image-crops", "--seed", 0, "--digest", check=False)
    assert failed.returncode != 0
    assert "--images DIR" in failed.stderr
    # Every other stage works without one.
    assert len(run("render", "accelerating-shapes", "--seed", 0, "--digest").stdout.strip()) == 64


def test_images_pool_skips_and_reports_bad_files_and_reads_jpeg(tmp_path):
    directory = write_mixed_set(tmp_path / "mixed")
    listed = run("textures", "manifest", directory)
    manifest = json.loads(listed.stdout)
    files = [f["path"] for f in manifest["manifest"]["files"]]
    assert files == ["a.png", "b.png", "d.jpg", "sub/c.png"]  # byte order of relative paths
    skipped = {s["path"]: s["reason"] for s in manifest["manifest"]["skipped"]}
    assert skipped == {"e-corrupt.jpg": "corrupt", "f-truncated.png": "corrupt"}
    # The decoder's own words are reported (on stderr), by every command that opens the pool.
    for output in [listed.stderr, run("render", "accelerating-image-crops", "--seed", 0, "--digest",
                                      "--images", directory).stderr]:
        assert "skipped e-corrupt.jpg: corrupt: " in output and "skipped f-truncated.png: corrupt: " in output
    for f in manifest["manifest"]["files"]:
        assert f["size"] == (directory / f["path"]).stat().st_size and len(f["sha256"]) == 64
        # The decoded pixels are named too; PNG decoding is exact, so PIL must agree.
        if f["path"].endswith(".png"):
            image = Image.open(directory / f["path"]).convert("RGB")
            assert (f["width"], f["height"]) == image.size
            assert f["pixels_sha256"] == hashlib.sha256(image.tobytes()).hexdigest()
    # Clips render from the good files, JPEG included.
    assert len(digest("accelerating-image-crops", 0, {}, directory)) == 64
    # The manifest names the files, not where the directory is: a copy elsewhere is the same pool.
    moved = write_mixed_set(tmp_path / "elsewhere" / "deeper")
    assert json.loads(run("textures", "manifest", moved).stdout)["sha256"] == manifest["sha256"]


def test_the_manifest_and_the_configuration_hash_change_when_an_image_changes(tmp_path):
    directory = write_png_set(tmp_path / "set")
    before = json.loads(run("textures", "manifest", directory).stdout)["sha256"]
    out = tmp_path / "clip.safetensors"
    run("render", "accelerating-image-crops", "--seed", 0, "--out", out, "--images", directory)
    config_before = metadata(out)
    assert json.loads(config_before["config"])["imagePool"] == before

    (directory / "b.png").write_bytes((directory / "a.png").read_bytes())
    after = json.loads(run("textures", "manifest", directory).stdout)["sha256"]
    assert after != before
    run("render", "accelerating-image-crops", "--seed", 0, "--out", out, "--images", directory)
    assert json.loads(metadata(out)["config"])["imagePool"] == after
    assert metadata(out)["config_hash"] != config_before["config_hash"]


def metadata(path: Path) -> dict:
    data = path.read_bytes()
    length = int.from_bytes(data[:8], "little")
    return json.loads(data[8:8 + length])["__metadata__"]


def update() -> None:
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        images = write_png_set(Path(tmp) / "images")
        version = json.loads(run("stages", "--json").stdout)["generator_version"]
        clips = [{"stage": s, "seed": seed, "overrides": o, "sha256": digest(s, seed, o, images)} for s, seed, o in CASES]
    GOLDENS_PATH.parent.mkdir(exist_ok=True)
    GOLDENS_PATH.write_text(json.dumps({"generator_version": version, "clips": clips}, indent=2) + "\n")
    print(f"wrote {len(clips)} goldens to {GOLDENS_PATH}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: test_textured_goldens.py --update")
    update()
