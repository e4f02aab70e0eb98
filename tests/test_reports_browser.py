"""The report pages in a real browser: Debian's headless Chromium, driven by Playwright.

Each test runs the README's report command for one language (`policystats
report --lang en|zh`, every entry of reports.yaml), then opens every page and
the index at a 1280 px viewport with the system's fonts hidden: fontconfig sees
only matplotlib's DejaVu fonts, which have no CJK glyph, so every Chinese
character on the page must come from the font the page embeds.

On each page it checks: the declared language; a real title (the city's name on
a profile) that matches the heading; a table of contents whose links land; the
link back to the index; the run's date, commit, table build and parameters; no
table or figure wider than the viewport; no ``None``, ``<NA>``, ``nan``,
``False`` or ``True`` as a cell; the embedded face loaded (``document.fonts``)
and drawing a CJK string at one em per character; and, in Chinese, headings and
column names in Chinese and no English vocabulary value in a cell.

One full-page screenshot per page is saved as a test artifact, in
``$POLICYSTATS_TEST_ARTIFACTS/<lang>/`` (default ``reports/test-screenshots/``,
which git ignores).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from policystats.cli import main

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
DUMPS = ["None", "<NA>", "nan", "NaN", "NaT", "False", "True"]
CJK = re.compile(r"[\u3400-\u9fff]")

try:
    import playwright.sync_api  # noqa: F401

    HAVE_PLAYWRIGHT = True
except ImportError:  # pragma: no cover - the dev extra installs it
    HAVE_PLAYWRIGHT = False

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
    pytest.mark.skipif(not HAVE_PLAYWRIGHT, reason="playwright is not installed (the dev extra)"),
]

PAGE_CHECKS = """
() => {
  const vw = document.documentElement.clientWidth;
  const wide = [];
  document.querySelectorAll("table, img, svg, pre, .ps-table").forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5)) wide.push(e.tagName + " right=" + Math.round(r.right));
  });
  const cells = [...document.querySelectorAll("td, th")].map(c => c.textContent.trim());
  const toc = [...document.querySelectorAll(".ps-toc a")].map(a => a.getAttribute("href"));
  const missing = toc.filter(h => !document.getElementById(h.slice(1)));
  const headings = [...document.querySelectorAll("h1, h2, th")].map(h => h.textContent.trim());
  const plainCells = [...document.querySelectorAll(".ps-table td:not(.ps-source)")].map(c => c.textContent.trim());
  const td = document.querySelector("td");
  return {
    lang: document.documentElement.lang,
    title: document.title,
    h1: (document.querySelector("h1") || {}).textContent || "",
    toc, missing, headings, plainCells, cells, wide,
    back: !!document.querySelector('a[href="index.html"]'),
    meta: (document.querySelector(".ps-meta") || {}).textContent || "",
    scrollWidth: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    tdFont: td ? getComputedStyle(td).fontFamily : "",
  };
}
"""

FONT_CHECKS = """
async () => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter(f => f.family.replace(/["']/g, "") === "policystats CJK");
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = "100px 'policystats CJK'";
  const embedded = ctx.measureText("揭阳市").width;
  ctx.font = "100px 'DejaVu Serif'";
  const fallback = ctx.measureText("揭阳市").width;
  return {status: faces.map(f => f.status), embedded, fallback,
          check: document.fonts.check("16px 'policystats CJK'", "揭阳市")};
}
"""


def _fontconfig(tmp: Path) -> Path:
    """A fontconfig file that lists only matplotlib's DejaVu fonts: no CJK font on the system."""
    import matplotlib

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    conf = tmp / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{fonts}</dir><cachedir>{tmp / 'fontconfig-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return conf


def _artifacts(lang: str) -> Path:
    base = Path(os.environ.get("POLICYSTATS_TEST_ARTIFACTS") or ROOT / "reports" / "test-screenshots")
    out = base / lang
    out.mkdir(parents=True, exist_ok=True)
    return out


def _page_problems(name: str, info: dict, fonts: dict, lang: str) -> list[str]:
    p = []
    want_lang = "zh" if lang == "zh" else "en"
    if name == "index.html":
        want_lang = "en"
    if info["lang"] != want_lang:
        p.append(f'<html lang="{info["lang"]}">, not {want_lang}')
    if not info["title"] or info["title"].lower() in ("notebook", "untitled"):
        p.append(f"no real title: {info['title']!r}")
    if info["h1"].strip() != info["title"].strip():
        p.append(f"title {info['title']!r} is not the heading {info['h1']!r}")
    if info["scrollWidth"] > VIEWPORT["width"]:
        p.append(f"the page is {info['scrollWidth']} px wide")
    if info["wide"]:
        p.append(f"wider than the viewport: {info['wide'][:5]}")
    dumps = sorted({c for c in info["cells"] if c in DUMPS})
    if dumps:
        p.append(f"cells that read {dumps}")
    if fonts["embedded"] < 299 or fonts["embedded"] > 301:
        p.append(f"the embedded font does not draw 揭阳市 at 1 em per character ({fonts['embedded']:.0f} px per 300)")
    if not fonts["status"] or any(s != "loaded" for s in fonts["status"]) or not fonts["check"]:
        p.append(f"document.fonts: the embedded face is {fonts['status']}")
    if "policystats CJK" not in info["tdFont"] and info["cells"]:
        p.append(f"table cells use {info['tdFont']!r}, not the embedded font")
    if name == "index.html":
        return p
    if not info["back"]:
        p.append("no link back to index.html")
    if not info["toc"]:
        p.append("no table of contents")
    if info["missing"]:
        p.append(f"contents links that land nowhere: {info['missing']}")
    labels = (
        ("运行时间", "代码版本", "数据表版本", "参数")
        if lang == "zh"
        else ("run", "commit", "table build", "parameters")
    )
    for label in labels:
        if label not in info["meta"]:
            p.append(f"the header does not give the {label}")
    if lang == "zh":
        english = [h for h in info["headings"] if h and not CJK.search(h)]
        if english:
            p.append(f"headings or column names without Chinese: {english[:5]}")
        vocab = [c for c in info["plainCells"] if re.fullmatch(r"[A-Za-z][A-Za-z ()&'-]{3,}", c)]
        if vocab:
            p.append(f"English vocabulary values in cells: {sorted(set(vocab))[:5]}")
    return p


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_pages_in_a_browser(lang, tmp_path):
    from playwright.sync_api import sync_playwright

    rc = main(["report", "--lang", lang, "--out", str(tmp_path / "reports"), "--quiet"])
    assert rc == 0, "policystats report failed"
    run = next((tmp_path / "reports").iterdir())
    pages = sorted(run.glob("*.html"))
    assert len(pages) > 5 and (run / "index.html") in pages
    shots = _artifacts(lang)
    problems: dict[str, list[str]] = {}
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(tmp_path)))
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            args=ARGS,
            headless=True,
            viewport=VIEWPORT,
            env=env,
        )
        try:
            page = ctx.new_page()
            for html in pages:
                page.goto(html.as_uri())
                info = page.evaluate(PAGE_CHECKS)
                fonts = page.evaluate(FONT_CHECKS)
                page.screenshot(path=str(shots / f"{html.stem}.png"), full_page=True)
                found = _page_problems(html.name, info, fonts, lang)
                if html.name.startswith("city_profile_"):
                    city = html.stem.split("_")[2]
                    names = {"en": city}
                    if lang == "en" and city not in info["title"]:
                        found.append(f"the profile's title {info['title']!r} does not name {names[lang]}")
                    if lang == "zh" and not CJK.search(info["title"].split("：")[-1]):
                        found.append(f"the profile's title {info['title']!r} does not name the city in Chinese")
                if found:
                    problems[html.name] = found
            index = (run / "index.html").read_text(encoding="utf-8")
            for html in pages:
                if html.name != "index.html" and f'href="{html.name}"' not in index:
                    problems.setdefault("index.html", []).append(f"no link to {html.name}")
        finally:
            ctx.close()
    assert not problems, "\n".join(f"{k}: {'; '.join(v)}" for k, v in problems.items())
