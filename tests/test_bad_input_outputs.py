"""The bad-input matrix, outputs: output locations in or around the source, unusable outputs,
reruns replacing the old output whole, and fetch never deleting a user's folder.
"""

import json
import os
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspectors.outdir import MARKER
from tests.app_helpers import tree_hashes
from tests.bad_input_helpers import error_line, predict, run, summary

# ----------------------------------------------------------------------------- output locations


def _locations(images: Path, tmp_path: Path):
    link = tmp_path / "link to images"
    link.symlink_to(images, target_is_directory=True)
    return {
        "the input folder": (images, images),
        "inside the input": (images, images / "results"),
        "above the input": (images, images.parent),
        "the folder of an input file": (images / "a.png", images),
        "inside it through a link": (link, images / "results"),
        "the input through a link": (images, link),
        "an image's folder of a list": (tmp_path / "list.txt", images / "sub"),
    }


@pytest.mark.parametrize("case", ["the input folder", "inside the input", "above the input",
                                  "the folder of an input file", "inside it through a link",
                                  "the input through a link", "an image's folder of a list"])
def test_output_never_in_or_around_the_source(capsys, images, tmp_path, case):
    (tmp_path / "list.txt").write_text("line images/a.png\nline images/sub/c.jpg\n")
    (images / "summary.csv").write_text("the user's own file\n")
    src, out = _locations(images, tmp_path)[case]
    before, parent_before = tree_hashes(images), sorted(os.listdir(tmp_path))
    code, err = predict(capsys, src, out)
    assert code == 2, err
    assert "never touched" in error_line(err)
    assert tree_hashes(images) == before
    assert sorted(os.listdir(tmp_path)) == parent_before


def test_relative_output_inside_the_input_is_refused(capsys, images, monkeypatch):
    monkeypatch.chdir(images)
    before = tree_hashes(images)
    code, err = predict(capsys, ".", "out")
    assert code == 2 and "never touched" in error_line(err)
    assert tree_hashes(images) == before


@pytest.mark.parametrize("kind", ["a file", "under /proc", "a user's folder"])
def test_unusable_output_is_one_line_exit_2(capsys, images, tmp_path, kind):
    user = tmp_path / "reports"
    if kind == "a file":
        out = tmp_path / "notes.txt"
        out.write_text("keep me")
    elif kind == "under /proc":
        out = Path("/proc/defect-inspector-out")
    else:
        out = user
        user.mkdir()
        (user / "summary.csv").write_text("keep me")
    before = tree_hashes(tmp_path)
    code, err = predict(capsys, images, out)
    assert code == 2, err
    line = error_line(err)
    assert {"a file": "is not a folder", "under /proc": "cannot write in /proc",
            "a user's folder": "did not write"}[kind] in line
    assert tree_hashes(tmp_path) == before


def test_rerun_replaces_the_old_output_whole(capsys, images, tmp_path):
    out = tmp_path / "out"
    assert predict(capsys, images, out)[0] == 0
    assert (out / "a.png.json").is_file() and json.loads((out / MARKER).read_text())["kind"] == "predict"
    (images / "a.png").unlink()
    assert predict(capsys, images, out)[0] == 0
    assert not (out / "a.png.json").exists()  # nothing of the old run left beside the new
    assert sorted(r["file"] for r in summary(out)) == ["b.bmp", "sub/c.jpg"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_evaluate_report_is_not_replaced_by_predict(capsys, images, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text(json.dumps({"tool": "defect-inspector", "kind": "evaluate"}))
    (out / "metrics.json").write_text("{}")
    code, err = predict(capsys, images, out)
    assert code == 2 and "holds another output" in error_line(err)
    assert (out / "metrics.json").read_text() == "{}"


# ----------------------------------------------------------------------------- fetch


def _neu_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for code in ("Cr", "In", "Pa", "PS", "RS", "Sc"):
            for i in range(1, 4):
                ok, buf = cv2.imencode(".bmp", np.full((20, 20), 100, np.uint8))
                z.writestr(f"NEU-CLS/{code}_{i}.bmp", buf.tobytes())
    return path


def test_fetch_never_deletes_a_user_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DEFECT_INSPECTOR_CACHE", str(tmp_path / "cache"))
    archive = _neu_zip(tmp_path / "neu.zip")
    mine = tmp_path / "my data"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    code, err = run(capsys, "fetch", "neu-cls", "--source", archive, "--trust-first-use", "--out", mine)
    assert code == 2 and "did not write" in error_line(err)
    assert (mine / "thesis.docx").read_text() == "years of work"
    fresh = tmp_path / "neu-cls"
    assert run(capsys, "fetch", "neu-cls", "--source", archive, "--trust-first-use", "--out", fresh)[0] == 0
    assert run(capsys, "fetch", "neu-cls", "--source", archive, "--out", fresh)[0] == 0  # same data
    code, err = run(capsys, "fetch", "neu-det", "--source", archive, "--out", fresh)
    assert code == 2 and "another output" in error_line(err)
    assert len(list(fresh.rglob("*.bmp"))) == 18
