"""The report's "Robustness" section, from the metrics.json ``robustness`` block
(:func:`inspectors.robustness.sweep`): what the model tolerates, the chart, the table."""

from __future__ import annotations

from typing import List

from ..perturb import perturbation
from ..report import Column, Figure, Paragraph, Table, charts


def robustness_blocks(rob: dict) -> List:
    clean = rob["clean"]
    intro = Paragraph(
        f"The images were perturbed as a drifting line would (after decoding, before the model's own "
        f"preprocessing; seed {rob['seed']}) and evaluated again. A model tolerates a perturbation up to "
        f"the strongest setting at which its {rob['metric']} stays at least {rob['fraction'] * 100:g} % of the "
        f"clean value.", "muted")
    verdicts = [Paragraph(item["tolerated"]["text"], "good" if item["tolerated"]["strengths"] else "bad")
                for item in rob["perturbations"]]
    rows = [["clean", "", clean["metric"], clean["recall"], clean["false_alarm"]]]
    for item in rob["perturbations"]:
        for p in item["points"]:
            rows.append([item["name"], perturbation(item["name"]).label(p["strength"]).split(" ", 1)[1],
                         p["metric"], p["recall"], p["false_alarm"]])
    table = Table([Column("perturbation"), Column("strength"), Column(rob["metric"], "number", 4),
                   Column("recall", "percent", 1), Column("false alarms", "percent", 1)], rows, total=False)
    chart = Figure(charts.robustness_chart(rob),
                   f"{rob['metric']} (blue), image-level recall (green) and false-alarm rate (red) against the "
                   f"strength; dashed: clean {rob['metric']}, dotted: {rob['fraction'] * 100:g} % of it.")
    return [intro, *verdicts, chart, table]
