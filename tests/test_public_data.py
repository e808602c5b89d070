"""``fetch``: archives (zip and tar, in NEU's published layouts) built here from generated
NEU-like data and served by file:// URLs, verified by SHA-256, cached, extracted safely
and laid out so the project's own readers load them."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from inspectors.groundtruth.discover import discover
from inspectors.tooling.demo.generate import write_neu, write_neu_det
from inspectors.tooling.public_data import FetchError, fetch

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DEFECT_INSPECTOR_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def kaggle_det_zip(tmp: Path) -> Path:
    """NEU-DET as the Kaggle mirror packs it: NEU-DET/{train,validation}/images/<class>/x.jpg
    and .../annotations/x.xml."""
    src = tmp / "gen"
    write_neu_det(src, per_class=3)
    archive = tmp / "neu-surface-defect-database.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i, xml in enumerate(sorted((src / "Annotations").glob("*.xml"))):
            part = "validation" if i % 3 == 0 else "train"
            cls = xml.stem.rsplit("_", 1)[0]
            z.write(src / "JPEGImages" / f"{xml.stem}.jpg", f"NEU-DET/{part}/images/{cls}/{xml.stem}.jpg")
            z.write(xml, f"NEU-DET/{part}/annotations/{xml.name}")
    return archive


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_neu_det_from_url_verified_and_readable(tmp_path: Path, cache: Path) -> None:
    archive = kaggle_det_zip(tmp_path)
    info = fetch("neu-det", archive.as_uri(), sha256=sha(archive))
    folder = Path(info["folder"])
    assert folder == cache / "neu-det" and info["images"] == 18
    for split in ("train_list.txt", "val_list.txt"):
        assert (folder / split).is_file()
    gt = discover(folder)  # the dataset root: its val list
    assert gt is not None and gt.task == "detection" and not gt.problems
    assert gt.class_names[:2] == ("crazing", "inclusion") and len(gt) == 6  # last of 3 per class
    # the boxes survive the move: same as the generator's XML for that image
    from inspectors.groundtruth.voc import parse_voc_xml

    for image in gt.images:
        orig = parse_voc_xml(tmp_path / "gen" / "Annotations" / f"{image.stem}.xml")
        assert len(gt.get(image).boxes) == len(orig.objects)


def test_checksum_mismatch_caches_nothing(tmp_path: Path, cache: Path) -> None:
    archive = kaggle_det_zip(tmp_path)
    with pytest.raises(FetchError, match="checksum mismatch"):
        fetch("neu-det", archive.as_uri(), sha256="0" * 64)
    assert not (cache / "neu-det").exists()
    assert not any(p.is_file() for p in (cache / "archives").rglob("*"))


def test_trust_first_use_pins_then_reuses_cache(tmp_path: Path, cache: Path) -> None:
    archive = kaggle_det_zip(tmp_path)
    url = archive.as_uri()
    with pytest.raises(FetchError, match="--sha256"):
        fetch("neu-det", url)
    first = fetch("neu-det", url, trust_first_use=True)
    assert first["sha256"] == sha(archive)
    archive.unlink()  # gone from the "server": the cached copy is used
    again = fetch("neu-det", url)
    assert again["sha256"] == first["sha256"] and again["images"] == 18
    # a changed archive at the same URL no longer matches the pin
    kaggle_det_zip(tmp_path / "other")
    (tmp_path / "other" / "neu-surface-defect-database.zip").rename(archive)
    with open(archive, "ab") as f:
        f.write(b"tampered")
    for p in (cache / "archives").rglob("*.zip"):
        p.unlink()
    with pytest.raises(FetchError, match="checksum mismatch"):
        fetch("neu-det", url)


def test_neu_cls_local_tar_flat_layout(tmp_path: Path) -> None:
    src = tmp_path / "gen"
    write_neu(src, per_class=2)
    archive = tmp_path / "NEU-CLS.tar.gz"
    with tarfile.open(archive, "w:gz") as t:
        for bmp in sorted(src.rglob("*.bmp")):
            t.add(bmp, f"NEU-CLS/{bmp.name}")  # the original flat folder: Cr_1.bmp ...
    info = fetch("neu-cls", str(archive), sha256=sha(archive), out=tmp_path / "neu-cls")
    gt = discover(Path(info["folder"]))
    assert gt is not None and gt.task == "classification" and not gt.problems
    assert gt.class_names == ("Cr", "In", "Pa", "PS", "RS", "Sc") and len(gt) == 6
    for image in gt.images:
        assert gt.class_names[gt.get(image).class_id] == image.stem.split("_")[0]


def test_unsafe_archive_members_are_refused(tmp_path: Path, cache: Path) -> None:
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as t:
        data = b"x"
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    with pytest.raises(FetchError, match="unsafe member"):
        fetch("neu-det", str(archive), sha256=sha(archive))
    assert not (tmp_path / "escaped.txt").exists() and not (cache.parent / "escaped.txt").exists()


def test_cli_fetch_prints_where_and_bad_source_is_one_line(tmp_path: Path) -> None:
    archive = kaggle_det_zip(tmp_path)
    env = {"DEFECT_INSPECTOR_CACHE": str(tmp_path / "c"), "PATH": "/usr/bin:/bin"}
    ok = subprocess.run([sys.executable, str(ROOT / "main.py"), "fetch", "neu-det", "--source",
                         archive.as_uri(), "--sha256", sha(archive)], capture_output=True, text=True,
                        env=env, cwd=ROOT, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert f"18 images in {tmp_path / 'c' / 'neu-det'}" in ok.stdout
    bad = subprocess.run([sys.executable, str(ROOT / "main.py"), "fetch", "neu-det", "--source",
                          str(tmp_path / "missing.zip"), "--trust-first-use"], capture_output=True,
                         text=True, env=env, cwd=ROOT, timeout=300)
    assert bad.returncode == 1 and bad.stderr.strip().count("\n") == 0
    assert "neither a URL nor a file" in bad.stderr
