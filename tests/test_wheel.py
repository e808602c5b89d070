"""The wheel: built offline from the working tree, it carries the code, the entry module,
the bundled models and the demo; installed without the repository on the path, its
``defect-inspector`` command opens the demo (offscreen) and runs ``predict`` from an
unrelated folder, finding its data through :mod:`inspectors.assets` in the install.

Build and install happen in temporary folders (a copy of the tracked and untracked,
not ignored files), never in the repository (no ``build/`` left behind)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: repository folder -> the package the wheel installs it as
DATA_PACKAGES = {"resources": "defect_inspector_resources", "models": "defect_inspector_models"}
CODE_PACKAGES = ("app", "inspectors")


def _source_files() -> list[str]:
    """Files of the working tree as git sees them (tracked, and untracked but not ignored)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: cannot tell the source files from build outputs")
    return [f for f in out.decode().split("\0") if f and (ROOT / f).is_file()]


def _clean_env(site: Path) -> dict:
    """The venv's interpreter with only the installed wheel in front (no repository)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("QT_") and k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env.update(PYTHONPATH=str(site), PYTHONNOUSERSITE="1", PYTHONDONTWRITEBYTECODE="1",
               QT_QPA_PLATFORM="offscreen")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(wheel path, source file list, install folder) of a wheel built and installed here."""
    tmp = tmp_path_factory.mktemp("wheel")
    files = _source_files()
    src = tmp / "src"
    for f in files:
        (src / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, src / f)
    dist = tmp / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    r = subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                        "-w", str(dist), str(src)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    (wheel,) = dist.glob("defect_inspector-*.whl")
    site = tmp / "site"
    r = subprocess.run([*pip, "install", "--no-deps", "--no-index", "--no-compile", "--target",
                        str(site), str(wheel)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    elsewhere = tmp / "elsewhere"  # the working folder of every command below
    elsewhere.mkdir()
    return wheel, files, site, elsewhere


def test_wheel_carries_code_entry_models_and_demo(built):
    wheel, files, _, _ = built
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        entry_points = next(z.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    # every bundled file (models, configs, demo images, labels, model cards) under its package
    data = [f for f in files if f.split("/")[0] in DATA_PACKAGES]
    expected = {DATA_PACKAGES[f.split("/")[0]] + f[f.index("/"):] for f in data}
    assert any(f.endswith(".pdiparams") for f in data) and any(f.startswith("resources/demo/") for f in data)
    assert sorted(expected - names) == []
    # every module of the code packages: a new subpackage must be added to pyproject's list
    code = {f for f in files if f.split("/")[0] in CODE_PACKAGES and f.endswith(".py")}
    assert sorted(code - names) == [], "add the missing subpackages to [tool.setuptools] packages"
    assert "defect_inspector.py" in names
    # nothing of the checkout that does not belong in an installation
    stray = sorted(n for n in names if n.split("/")[0] in ("tests", "bench", "scripts", "docs", "build")
                   or "__pycache__" in n or n.endswith(".pyc"))
    assert stray == []
    assert "defect-inspector = defect_inspector:main" in entry_points
    assert wheel.stat().st_size < 40 * 1024 * 1024  # ~16 MB: the models, the demo, the code


def test_installed_code_and_data_come_from_the_install(built):
    _, _, site, elsewhere = built
    probe = ("import json, app, defect_inspector, inspectors\n"
             "from inspectors import assets\n"
             "print(json.dumps([m.__file__ for m in (app, defect_inspector, inspectors)]"
             " + [str(assets.models_dir()), str(assets.demo_dir()), str(assets.configs_dir())]))")
    r = subprocess.run([sys.executable, "-c", probe], cwd=elsewhere, env=_clean_env(site),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    paths = [Path(p).resolve() for p in json.loads(r.stdout.strip().splitlines()[-1])]
    assert all(p.is_relative_to(site.resolve()) for p in paths), paths  # not the editable checkout
    models, demo, configs = paths[3:]
    assert models.name == "defect_inspector_models" and (models / "neu_cls_resnet_small").is_dir()
    assert (demo / "neu_cls" / "val_list.txt").is_file() and (configs / "det").is_dir()


def _script(site: Path) -> Path:
    script = site / "bin" / "defect-inspector"
    assert script.is_file() and os.access(script, os.X_OK)
    return script


def test_console_script_predicts_from_another_folder(built):
    _, _, site, elsewhere = built
    models = site / "defect_inspector_models"
    demo = site / "defect_inspector_resources" / "demo" / "neu_cls"
    images = sorted((demo / "Cr").glob("*.bmp"))[:2] + sorted((demo / "Sc").glob("*.bmp"))[:1]
    listing = elsewhere / "lists" / "some images.txt"  # a list stands for its folder: not --out's
    listing.parent.mkdir()
    listing.write_text("".join(f"{p}\n" for p in images), encoding="utf-8")
    out = elsewhere / "predicted"
    r = subprocess.run([str(_script(site)), "predict", "--model", str(models / "neu_cls_resnet_small"),
                        "--input", "lists/some images.txt", "--out", out.name, "-q"],
                       cwd=elsewhere, env=_clean_env(site), capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-3000:]
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert len(rows) == 3 and {row["status"] for row in rows} == {"ok"}
    assert sorted(row["classes"] for row in rows) == ["Cr", "Cr", "Sc"]
    # the subcommand's errors keep their exit status through the console script
    r = subprocess.run([str(_script(site)), "predict", "--model", str(elsewhere / "missing"),
                        "--input", "lists/some images.txt", "--out", "x"],
                       cwd=elsewhere, env=_clean_env(site), capture_output=True, text=True, timeout=180)
    assert r.returncode == 2 and r.stderr.startswith("error:"), r.stderr[-3000:]


def test_console_script_opens_the_demo_offscreen(built):
    _, _, site, elsewhere = built
    shot = elsewhere / "shot.png"
    r = subprocess.run([str(_script(site)), "--demo", "cls", "--screenshot", shot.name,
                        "--settings", "s.ini", "--work-dir", "work", "--screenshot-timeout", "90"],
                       cwd=elsewhere, env=_clean_env(site), capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-3000:]
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    seen = json.loads(shot.with_suffix(".json").read_text(encoding="utf-8"))
    installed = site.resolve()
    assert Path(seen["folder"]).resolve() == installed / "defect_inspector_resources" / "demo" / "neu_cls"
    assert [Path(m).resolve() for m in seen["models"]] == [
        installed / "defect_inspector_models" / "neu_cls_resnet_small"]
    assert seen["images"] >= 20 and seen["no result"] == 0 and seen["error"] == 0


def test_checkout_copy_runs_main_py_with_its_own_data(built):
    """``python main.py`` in a checkout that is not installed (a copy, the venv's
    dependencies only) uses the copy's code and data, from any working folder."""
    wheel, _, _, elsewhere = built
    src = wheel.parent.parent / "src"
    env = _clean_env(elsewhere / "nothing")
    probe = (f"import sys; sys.path.insert(0, {str(src)!r}); import inspectors\n"
             "from inspectors import assets; print(inspectors.__file__, assets.models_dir())")
    r = subprocess.run([sys.executable, "-c", probe], cwd=elsewhere, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    code, models = r.stdout.split()
    assert Path(code).is_relative_to(src) and Path(models) == src / "models"
    image = next((src / "resources" / "demo" / "neu_cls" / "PS").glob("*.bmp"))
    out = elsewhere / "from-checkout"
    r = subprocess.run([sys.executable, str(src / "main.py"), "predict", "--model",
                        str(src / "models" / "neu_cls_resnet_small"), "--input", str(image),
                        "--out", str(out), "-q"],
                       cwd=elsewhere, env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-3000:]
    (row,) = csv.DictReader((out / "summary.csv").open(encoding="utf-8"))
    # the copy's model, run here in-process on the same file, is the reference (the demo is
    # synthetic: what the class is matters less than that the copy's own model gave it)
    from inspectors.engine import Inspector
    from inspectors.imageio import read_image

    expected = Inspector.from_path(src / "models" / "neu_cls_resnet_small").predict(read_image(image))
    assert row["status"] == "ok" and row["classes"] == expected.class_name
