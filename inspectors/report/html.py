"""The report as one self-contained HTML file: images embedded as data URIs, no external
URL; only thumbnails' links point to full-size images written beside the report."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from typing import Any, List, Union
from urllib.parse import quote

from ..atomic import atomic_write_text
from .document import (
    Block,
    Document,
    Figure,
    Heading,
    KeyValues,
    Paragraph,
    Picture,
    Table,
    ThumbGrid,
)

CSS = """
body{font-family:"WenQuanYi Zen Hei","Microsoft YaHei","PingFang SC","Noto Sans CJK SC",
 "DejaVu Sans",Arial,sans-serif;color:#1d2430;margin:0;background:#f4f5f7;font-size:14px}
main{max-width:1100px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:24px;margin:0 0 4px}.sub{color:#5b6575;margin:0 0 20px}
h2{font-size:18px;border-bottom:2px solid #2b5fab;padding-bottom:4px;margin:28px 0 10px}
h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #d5d9e0;padding:3px 8px;vertical-align:top}
th{background:#e9eef6;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:bold;border-top:2px solid #8a94a6}
table.kv th{width:220px;background:#f3f5f9;font-weight:normal;color:#3d4656}
.good{color:#1e7b34}.bad{color:#b3261e}.warn{color:#9a6700}.muted{color:#6b7380}
tr.good td:first-child{border-left:4px solid #1e7b34}tr.bad td:first-child{border-left:4px solid #b3261e}
tr.warn td:first-child{border-left:4px solid #d29b00}
figure{margin:8px 0 14px}figure img{max-width:100%;border:1px solid #d5d9e0}
figcaption{color:#5b6575;font-size:12px;margin-top:2px}
.grid{display:grid;gap:10px;margin:6px 0 14px}
.thumb{border:1px solid #d5d9e0;padding:4px;font-size:12px;line-height:1.35;word-break:break-all}
.thumb.bad{border-top:4px solid #b3261e}.thumb.warn{border-top:4px solid #d29b00}
.thumb.good{border-top:4px solid #1e7b34}
.thumb img{width:100%;display:block;margin-bottom:3px}.thumb .l0{font-weight:bold;color:#1d2430}
.thumb div{color:#3d4656}
.note{color:#5b6575;font-size:12px}
@media print{body{background:#fff}main{padding:0}}
"""


def data_uri(picture: Picture) -> str:
    return f"data:{picture.mime};base64,{base64.b64encode(picture.data).decode('ascii')}"


def _table(t: Table) -> str:
    out = []
    if t.title:
        out.append(f"<h3>{escape(t.title)}</h3>")
    head = "".join(f'<th class="n">{escape(c.name)}</th>' if c.numeric else f"<th>{escape(c.name)}</th>"
                   for c in t.columns)
    out.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
    cells = t.cells()
    for i, row in enumerate(cells):
        classes = []
        if i < len(t.tones) and t.tones[i]:
            classes.append(t.tones[i])
        if t.total and i == len(cells) - 1:
            classes.append("total")
        cls = f' class="{" ".join(classes)}"' if classes else ""
        tds = "".join(f'<td class="n">{escape(v)}</td>' if c.numeric else f"<td>{escape(v)}</td>"
                      for c, v in zip(t.columns, row))
        out.append(f"<tr{cls}>{tds}</tr>")
    out.append("</tbody></table>")
    if t.note:
        out.append(f'<p class="note">{escape(t.note)}</p>')
    return "".join(out)


def _value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _block(b: Block) -> str:
    if isinstance(b, Heading):
        level = min(max(b.level, 3), 4)
        return f"<h{level}>{escape(b.text)}</h{level}>"
    if isinstance(b, Paragraph):
        cls = f' class="{b.tone}"' if b.tone else ""
        return f"<p{cls}>{escape(b.text)}</p>"
    if isinstance(b, KeyValues):
        title = f"<h3>{escape(b.title)}</h3>" if b.title else ""
        rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(_value(v))}</td></tr>" for k, v in b.rows)
        return f'{title}<table class="kv"><tbody>{rows}</tbody></table>'
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Figure):
        w = b.picture.display_size[0]
        style = f' style="width:{w:.0f}px;max-width:{100 * b.width:.0f}%"'
        cap = f"<figcaption>{escape(b.caption)}</figcaption>" if b.caption else ""
        src = data_uri(b.picture)
        return (f'<figure><img src="{src}"{style} alt="{escape(b.caption or b.picture.name)}">'
                f"{cap}</figure>")
    if isinstance(b, ThumbGrid):
        title = f"<h3>{escape(b.title)}</h3>" if b.title else ""
        if not b.items:
            return f'{title}<p class="muted">{escape(b.empty)}</p>'
        cells = []
        for t in b.items:
            img = f'<img src="{data_uri(t.picture)}" alt="{escape(t.caption[0] if t.caption else "")}">'
            if t.link:
                img = f'<a href="{escape(quote(t.link))}">{img}</a>'
            lines = "".join(f'<div class="l{i}">{escape(s)}</div>' for i, s in enumerate(t.caption))
            cls = f"thumb {t.tone}".strip()
            cells.append(f'<div class="{cls}">{img}{lines}</div>')
        return (f'{title}<div class="grid" style="grid-template-columns:repeat({b.columns},1fr)">'
                f'{"".join(cells)}</div>')
    raise TypeError(f"not a report block: {type(b).__name__}")


def html_text(doc: Document) -> str:
    """The whole report as one HTML page (UTF-8)."""
    parts: List[str] = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(doc.title)}</title><style>{CSS}</style></head><body><main>",
        f"<h1>{escape(doc.title)}</h1>",
        f'<p class="sub">{escape(doc.subtitle + " · " if doc.subtitle else "")}{escape(doc.created)}</p>',
    ]
    for s in doc.sections:
        parts.append(f"<section><h2>{escape(s.title)}</h2>")
        parts.extend(_block(b) for b in s.blocks)
        parts.append("</section>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def write_html(doc: Document, path: Union[str, Path]) -> Path:
    return atomic_write_text(path, html_text(doc))
