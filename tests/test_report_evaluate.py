"""``evaluate`` writes the inspection report; its numbers are metrics.json's, read back from
the HTML, the PDF (Qt's PDF engine) and the CSVs (pandas), on real data (skips without
../shared/datasets). ``report`` writes the same again from the evaluate folder."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from inspectors.cli import main

from .pdf_pages import pdf_pages

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
pytestmark = pytest.mark.dataset


class Report(HTMLParser):
    """Key-value rows (th -> td), data-table rows (lists of td), links and image sources."""

    def __init__(self) -> None:
        super().__init__()
        self.kv, self.rows, self.refs = {}, [], []
        self._cell = None
        self._row = None
        self._th = None

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href"):
                self.refs.append(v)
        if tag == "tr":
            self._row, self._th = [], None
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag == "th" and self._cell is not None:
            self._th, self._cell = self._cell, None
        elif tag == "td" and self._cell is not None:
            if self._th is not None and not self._row:
                self.kv[self._th] = self._cell
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row:
            self.rows.append(self._row)


def _evaluate(tmp_path_factory, model: str, data: str, limit: int, store: bool = False) -> Path:
    if not (DATASETS / data).is_dir():
        pytest.skip(f"{DATASETS / data} is not available")
    base = tmp_path_factory.mktemp("eval")
    out = base / "out"
    runs = ["--work-dir", str(base / "work")] if store else ["--no-store"]
    rc = main(["evaluate", "--model", str(ROOT / "models" / model), "--data", str(DATASETS / data),
               "--out", str(out), "--limit", str(limit), "--engine", "openvino", "-q", *runs])
    assert rc == 0
    return out


@pytest.fixture(scope="module")
def seg(tmp_path_factory) -> Path:
    return _evaluate(tmp_path_factory, "magnetic_tile_fastscnn", "magnetic-tile", 60)


@pytest.fixture(scope="module")
def det(tmp_path_factory) -> Path:
    return _evaluate(tmp_path_factory, "neu_det_picodet_s", "neu-det", 30, store=True)


def _metrics(out: Path) -> dict:
    import json

    return json.loads((out / "metrics.json").read_text(encoding="utf-8"))


def _pct(v) -> str:
    return "n/a" if v is None else f"{100 * v:.1f} %"


def _check_report_numbers(out: Path) -> None:
    m = _metrics(out)
    il, d = m["image_level"], m["decision"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", html)
    rep = Report()
    rep.feed(html)
    assert rep.kv["Image-level recall"] == (f"{_pct(il['recall'])} ({il['recalled']} of {il['num_defective']} "
                                            "defective images flagged)")
    assert rep.kv["False-alarm rate"].startswith(f"{_pct(il['false_positive_rate'])} ({il['false_positives']} of "
                                                 f"{il['num_clean']} clean")
    assert rep.kv["Escapes (defective judged OK)"] == f"{d['escapes']} ({_pct(d['escape_rate'])})"
    verdicts = {r[0]: int(r[1]) for r in rep.rows if r and r[0] in ("OK", "REVIEW", "NG")}
    assert verdicts == {k: d[k] for k in ("OK", "REVIEW", "NG")}
    # the galleries count what the decision metrics count
    esc = re.search(r"Escapes: defective images judged OK \((\d+)\)", html)
    fa = re.search(r"False alarms: clean images judged NG or REVIEW \((\d+)\)", html)
    clean = d["by_ground_truth"]["clean"]
    assert (int(esc.group(1)), int(fa.group(1))) == (d["escapes"], clean["NG"] + clean["REVIEW"])
    # every picture embedded, every link to a compare image that exists
    links = [r for r in rep.refs if not r.startswith("data:image/")]
    assert links and all(r.startswith("compare/") and (out / unquote(r)).is_file() for r in links)
    # the PDF says the same (its own text, as Qt's PDF engine reads it)
    text = " ".join(pdf_pages(out / "report.pdf")).replace("\n", " ")
    assert f"Image-level recall {rep.kv['Image-level recall']}" in text
    assert f"Escapes (defective judged OK) {rep.kv['Escapes (defective judged OK)']}" in text


def _check_csvs(out: Path) -> None:
    pd = pytest.importorskip("pandas")
    from PIL import Image

    m = _metrics(out)
    il, d = m["image_level"], m["decision"]
    images = pd.read_csv(out / "images.csv", encoding="utf-8-sig")
    defects = pd.read_csv(out / "defects.csv", encoding="utf-8-sig")
    assert (out / "images.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert images.columns[0] == "path" and defects.columns[0] == "image"
    assert len(images) == m["data"]["images"]
    for col in ("width", "height", "flagged", "defects", "candidates"):
        assert images[col].dtype.kind == "i", col
    for col in ("max_score", "area_px"):
        assert images[col].dtype.kind == "f", col
    for col in ("score", "x0", "y0", "x1", "y1", "area_px", "length_px"):
        assert defects[col].dtype.kind == "f", col
    assert defects["kept"].dtype.kind == "i"
    outcome = images["outcome"].value_counts().to_dict()
    assert outcome.get("TP", 0) == il["recalled"]
    assert outcome.get("FN", 0) == il["num_defective"] - il["recalled"]
    assert outcome.get("FP", 0) == il["false_positives"]
    assert outcome.get("TN", 0) == il["num_clean"] - il["false_positives"]
    verdicts = images["verdict"].value_counts().to_dict()
    assert {k: verdicts.get(k, 0) for k in ("OK", "REVIEW", "NG")} == {k: d[k] for k in ("OK", "REVIEW", "NG")}
    # sizes against PIL's reading of the files; kept defects per image against defects.csv
    root = Path(m["data"]["path"])
    for _, row in images.head(5).iterrows():
        with Image.open(root / row["path"]) as im:
            assert (row["width"], row["height"]) == im.size
    kept = defects[defects["kept"] == 1].groupby("image").size()
    assert kept.reindex(images["path"], fill_value=0).tolist() == images["defects"].tolist()
    # the outcome is the ground truth against the verdict at the threshold (TP: both defective)
    assert ((images["outcome"] == "TP") == ((images["ground_truth"] == "defective") & (images["flagged"] == 1))).all()


def test_segmentation_report_matches_metrics(seg):
    _check_report_numbers(seg)
    _check_csvs(seg)
    m = _metrics(seg)
    rep = Report()
    rep.feed((seg / "report.html").read_text(encoding="utf-8"))
    iou = {r[0]: r[1] for r in rep.rows if r and r[0] in m["class_names"]}
    assert iou == {c["class_name"]: ("n/a" if c["iou"] is None else f"{c['iou']:.4f}")
                   for c in m["metrics"]["per_class"]}
    assert rep.kv["mIoU"] == f"{m['metrics']['miou']:.4f}"


def test_detection_report_matches_metrics(det):
    _check_report_numbers(det)
    _check_csvs(det)
    m = _metrics(det)
    rep = Report()
    rep.feed((det / "report.html").read_text(encoding="utf-8"))
    ap = {r[0]: r[8] for r in rep.rows if r and r[0] in m["class_names"] and len(r) == 10}
    assert ap == {c["class_name"]: "n/a" if c["ap_area"] is None else f"{c['ap_area']:.4f}"
                  for c in m["metrics"]["per_class"]}
    assert rep.kv["VOC mAP@0.5 (area)"] == f"{m['metrics']['voc_map']['area']:.4f}"


def test_report_command_writes_it_again(seg, tmp_path):
    out = tmp_path / "again"
    assert main(["report", str(seg), "--out", str(out)]) == 0
    assert (out / "images.csv").read_bytes() == (seg / "images.csv").read_bytes()
    assert (out / "defects.csv").read_bytes() == (seg / "defects.csv").read_bytes()
    _check_report_numbers(out)
    before = (seg / "images.csv").read_bytes()
    assert main(["report", str(seg)]) == 0  # in place: the report files again, the same rows
    assert (seg / "images.csv").read_bytes() == before
    _check_report_numbers(seg)


def test_report_command_refuses_bad_input(tmp_path, capsys):
    assert main(["report", str(tmp_path / "missing")]) == 2
    (tmp_path / "other").mkdir()
    assert main(["report", str(tmp_path / "other")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("error: ") for line in err)


def test_detection_report_matches_the_apps_metrics(det):
    """The app's metrics panel computes from the stored run (its pairing, LiveEvaluator);
    the report says the same."""
    from inspectors.groundtruth import load_ground_truth
    from inspectors.metrics import LiveEvaluator
    from inspectors.metrics.pairing import pair_with_ground_truth
    from inspectors.results import Thresholds
    from inspectors.runs import RunStore
    from inspectors.runs.location import runs_root

    m = _metrics(det)
    gt = load_ground_truth(DATASETS / "neu-det")
    images = list(gt.images)[:30]
    (info,) = RunStore(runs_root(det.parent / "work")).runs()
    with RunStore(runs_root(det.parent / "work")).open_id(info.run_id) as run:
        p = pair_with_ground_truth(gt, ((str(i), str(i), run.get(str(i)).result) for i in images))
    live = LiveEvaluator(p.pairs, "detection", difficult=p.difficult).at(Thresholds(m["thresholds"]["default"]))
    rep = Report()
    rep.feed((det / "report.html").read_text(encoding="utf-8"))
    il = live["image_level"]
    assert rep.kv["Image-level recall"].startswith(f"{_pct(il['recall'])} ({il['recalled']} of ")
    assert rep.kv["VOC mAP@0.5 (area)"] == f"{live['metrics']['voc_map']['area']:.4f}"


def test_report_of_the_stored_run_gives_evaluates_verdicts(det, tmp_path):
    pd = pytest.importorskip("pandas")
    from inspectors.runs import RunStore
    from inspectors.runs.location import runs_root

    (info,) = RunStore(runs_root(det.parent / "work")).runs()
    out = tmp_path / "from-run"
    assert main(["report", str(info.path), "--out", str(out)]) == 0
    d = _metrics(det)["decision"]
    images = pd.read_csv(out / "images.csv", encoding="utf-8-sig", keep_default_na=False)
    verdicts = images["verdict"].value_counts().to_dict()
    assert {k: verdicts.get(k, 0) for k in ("OK", "REVIEW", "NG")} == {k: d[k] for k in ("OK", "REVIEW", "NG")}
    assert (images["outcome"] == "").all()  # a run holds no ground truth
    flagged = (images["verdict"] != "OK").sum()
    assert len(list((out / "overlay").iterdir())) == flagged
    assert main(["report", str(info.path)]) == 2  # a run needs --out
