"""HTML of the report pages: tables people read, the page header, and the exported page.

Tables are left-aligned, wrap inside the page width and never show a missing
value; a detail table's source sentence sits in a collapsible block per row.
Tables with more than a few rows get a filter box and sortable columns (a few
lines of JavaScript in the page, no library). The exported page declares its
language, carries a real title and embeds the bundled CJK font (``@font-face``,
subset to the characters the page uses), so it renders on a machine without
any CJK font.
"""

from __future__ import annotations

import base64
import hashlib
import html as _html
import re
import string
from collections.abc import Sequence
from pathlib import Path

from .render import Table

FONT_FAMILY = "Noto Sans CJK SC"
EMBEDDED_FAMILY = "policystats CJK"
SORTABLE_MIN_ROWS = 8
# Cells never broken across lines: dates, years and short numbers with their unit.
SHORT = re.compile(r"\d{4}-\d{2}-\d{2}|[≥≤<>≈]?[\d,.]{1,9}(%| pp)?")

CSS = """
.ps-page, .ps-table, .ps-notes, .ps-header {
  font-family: "policystats CJK", "Noto Sans CJK SC", system-ui, sans-serif; }
.ps-table { max-width: 100%; margin: 0.4em 0 1em 0; }
.jp-RenderedHTMLCommon .ps-table table, .ps-table table {
  width: 100%; max-width: 100%; table-layout: auto; border-collapse: collapse; font-size: 13px; }
.jp-RenderedHTMLCommon .ps-table th, .jp-RenderedHTMLCommon .ps-table td, .ps-table th, .ps-table td {
  text-align: left; vertical-align: top; padding: 3px 6px; border-bottom: 1px solid #ddd;
  overflow-wrap: break-word; word-break: normal; white-space: normal; max-width: none; }
.jp-RenderedHTMLCommon .ps-table th, .ps-table th { background: #f3f4f6; font-weight: 600; cursor: default; }
.ps-table.ps-sortable th { cursor: pointer; }
.ps-table.ps-sortable th[data-dir="asc"]::after { content: " ▲"; }
.ps-table.ps-sortable th[data-dir="desc"]::after { content: " ▼"; }
.ps-compact td { white-space: normal; }
.ps-table td.ps-nowrap { white-space: nowrap; }
.ps-compact td:first-child, .ps-compact th:first-child { font-weight: 600; }
.ps-table td.ps-source { min-width: 12em; width: 32%; }
.ps-table details summary { cursor: pointer; color: #1b4f8a; }
.ps-table details p { margin: 0.3em 0 0.2em 0; line-height: 1.5; }
.ps-filter { font-family: inherit; margin: 0.2em 0; padding: 2px 6px; font-size: 13px; width: 18em; max-width: 100%; }
.ps-notes { font-size: 13px; color: #333; }
.ps-header .ps-meta { font-size: 12px; color: #555; margin: 0.3em 0 0.6em 0; }
.ps-header .ps-meta span { margin-right: 1.2em; white-space: nowrap; }
.ps-toc { font-size: 14px; margin: 0.5em 0 1em 0; }
.ps-toc ol { margin: 0.2em 0 0 1.2em; padding: 0; }
.ps-nav { font-size: 13px; margin-bottom: 0.3em; }
.jp-RenderedImage img, .ps-figure img, img { max-width: 100%; height: auto; }
"""

SCRIPT = r"""
(function () {
  function key(td) { var t = td ? td.textContent.trim() : "";
    var n = parseFloat(t.replace(/[^0-9.\-]/g, "")); return isNaN(n) ? [1, t] : [0, n]; }
  document.querySelectorAll(".ps-table.ps-sortable").forEach(function (box) {
    var table = box.querySelector("table"), body = table.tBodies[0];
    var input = document.createElement("input");
    input.className = "ps-filter"; input.type = "search";
    input.placeholder = box.getAttribute("data-filter") || "Filter rows…";
    input.addEventListener("input", function () {
      var q = input.value.toLowerCase();
      Array.prototype.forEach.call(body.rows, function (tr) {
        tr.style.display = tr.textContent.toLowerCase().indexOf(q) >= 0 ? "" : "none"; });
    });
    box.insertBefore(input, table);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.addEventListener("click", function () {
        var dir = th.getAttribute("data-dir") === "asc" ? "desc" : "asc";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("data-dir"); });
        th.setAttribute("data-dir", dir);
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) { var x = key(a.cells[i]), y = key(b.cells[i]);
          var c = x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0); return dir === "asc" ? c : -c; });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
"""


def esc(s: object) -> str:
    return _html.escape(str(s), quote=True)


def table(t: Table, *, caption: str | None = None, filter_text: str = "Filter rows…", source_label: str = "") -> str:
    """A Table as HTML: header, left-aligned wrapped cells, a collapsible source per row if it has one."""
    frame = t.frame
    sortable = t.kind == "detail" and len(frame) >= SORTABLE_MIN_ROWS
    classes = ["ps-table", f"ps-{t.kind}"] + (["ps-sortable"] if sortable else [])
    head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
    if t.sources is not None:
        head += f"<th>{esc(source_label)}</th>"
    from .labels import column

    city = {column("city", "en"), column("city", "zh")}
    keep = [c in city for c in frame.columns]  # a city's name never breaks across lines
    body = []
    for i, row in enumerate(frame.itertuples(index=False)):
        cells = "".join(
            f'<td class="ps-nowrap">{esc(v)}</td>' if k or SHORT.fullmatch(str(v)) else f"<td>{esc(v)}</td>"
            for v, k in zip(row, keep, strict=True)
        )
        if t.sources is not None:
            quote, sentence = t.sources[i]
            cells += (
                f'<td class="ps-source"><details><summary>{esc(quote)}</summary><p>{esc(sentence)}</p></details></td>'
            )
        body.append(f"<tr>{cells}</tr>")
    cap = f"<p><b>{esc(caption)}</b></p>" if caption else ""
    return (
        f'{cap}<div class="{" ".join(classes)}" data-filter="{esc(filter_text)}"><table>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def notes(items: Sequence[str]) -> str:
    if not items:
        return ""
    return '<ul class="ps-notes">' + "".join(f"<li>{esc(n)}</li>" for n in items) + "</ul>"


def header(
    title: str,
    intro: str,
    sections: Sequence[tuple[str, str]],
    meta: Sequence[tuple[str, str]],
    *,
    back: str,
    contents: str,
) -> str:
    """The page's opening: back link, title, intro, provenance line and table of contents."""
    toc = "".join(f'<li><a href="#{esc(anchor)}">{esc(name)}</a></li>' for anchor, name in sections)
    info = "".join(f"<span><b>{esc(k)}</b>: {esc(v)}</span>" for k, v in meta)
    return (
        f"<style>{CSS}</style>"
        f'<div class="ps-header"><nav class="ps-nav"><a href="index.html">{esc(back)}</a></nav>'
        f'<h1 id="top">{esc(title)}</h1><p>{esc(intro)}</p><div class="ps-meta">{info}</div>'
        f'<nav class="ps-toc"><b>{esc(contents)}</b><ol>{toc}</ol></nav></div>'
    )


def section(anchor: str, name: str) -> str:
    return f'<h2 id="{esc(anchor)}">{esc(name)}</h2>'


# ------------------------------------------------------------------ the exported page


def font_face(text: str, cache_dir: Path | None = None) -> str:
    """An ``@font-face`` rule with the bundled font, subset to the characters of ``text`` (and ASCII).

    Subsetting takes about a second for a page; the result is cached in
    ``cache_dir`` by the set of characters, so reruns of unchanged pages are free.
    """
    from .fonts import subset_font

    chars = "".join(sorted({c for c in text if c.isprintable()} | set(string.printable[:95])))
    digest = hashlib.sha256(chars.encode()).hexdigest()[:16]
    cached = cache_dir / f"{digest}.otf" if cache_dir else None
    if cached is not None and cached.exists():
        data = cached.read_bytes()
    else:
        data = subset_font(chars)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{id(data)}.tmp")
            tmp.write_bytes(data)
            tmp.replace(cached)  # atomic: two runs at once never see half a file
    b64 = base64.b64encode(data).decode("ascii")
    return (
        f'@font-face {{ font-family: "{EMBEDDED_FAMILY}"; src: url(data:font/otf;base64,{b64}) format("opentype"); '
        "font-display: block; }\n"
        f'body, .jp-Notebook, .jp-RenderedHTMLCommon {{ font-family: "{EMBEDDED_FAMILY}", system-ui, sans-serif; }}'
    )


HTML_TAG = re.compile(r"<html[^>]*>", re.IGNORECASE)
TITLE_TAG = re.compile(r"<title>.*?</title>", re.IGNORECASE | re.DOTALL)


def visible_text(page: str) -> str:
    """The characters a reader can see (tags, scripts and styles removed)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL | re.IGNORECASE)
    return _html.unescape(re.sub(r"<[^>]+>", " ", body))


def finish_page(page: str, *, title: str, lang: str, cache_dir: Path | None = None, extra_text: str = "") -> str:
    """Declare the language, set the title, embed the font, add the table script.

    ``extra_text``: characters the script shows that are not in the page yet (the filter's placeholder).
    """
    html_lang = "zh" if lang == "zh" else "en"
    page = HTML_TAG.sub(f'<html lang="{html_lang}">', page, count=1)
    page = TITLE_TAG.sub(f"<title>{esc(title)}</title>", page, count=1)
    placeholders = " ".join(re.findall(r'data-filter="([^"]*)"', page))
    face = font_face(visible_text(page) + title + _html.unescape(placeholders) + extra_text, cache_dir)
    page = page.replace("</head>", f"<style>{face}\n{CSS}</style>\n</head>", 1)
    return page.replace("</body>", f"<script>{SCRIPT}</script>\n</body>", 1)
