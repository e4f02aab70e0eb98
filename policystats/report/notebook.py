"""The few calls every notebook makes: start a page, open a section, show a table, notes or a figure.

Notebooks hold parameters and calls to the package only. ``start`` checks the
parameters, loads the table, sets the chart style and shows the page's header:
a link back to the index, the title (the city's name on a profile), the intro,
the run's date, commit, table build and parameters, and a table of contents.
Every word comes from ``labels.yaml`` in the page's language.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import html, plots, units
from .labels import check_lang, column, text
from .labels import page as page_labels
from .render import Table, city_names, parameters
from .select import check_cities

HIDDEN_PARAMETERS = ("figures_dir", "svg")


@dataclass
class Page:
    """One report page being written by a running notebook."""

    name: str
    lang: str
    table: pd.DataFrame
    figures_dir: Path
    title: str
    sections: dict[str, str] = field(default_factory=dict)
    svg: bool = False

    def section(self, key: str) -> None:
        """Show the heading of section ``key`` (listed under the page in labels.yaml)."""
        if key not in self.sections:
            raise KeyError(f"labels.yaml: page {self.name} has no section {key!r}; it has {', '.join(self.sections)}")
        _display_html(html.section(f"sec-{key}", self.sections[key]))

    def show(self, t: Table, caption: str | None = None) -> None:
        """Show a table (and the notes that come with it)."""
        _display_html(
            html.table(
                t, caption=caption, filter_text=text("search", self.lang), source_label=column("source", self.lang)
            )
            + html.notes(t.notes)
        )

    def notes(self, items: Sequence[str]) -> None:
        if items:
            _display_html(html.notes(items))

    def figure(self, fig, name: str) -> None:
        """Save the figure as PNG and SVG under the figures folder and show it at screen size."""
        import matplotlib as mpl
        from IPython.display import Image, display

        png = plots.save_figure(fig, self.name, name, self.lang, self.figures_dir, svg=self.svg)[0]
        data = png.read_bytes()
        pixels = int.from_bytes(data[16:20], "big")  # width in the PNG header (IHDR)
        width = round(pixels * fig.dpi / float(mpl.rcParams["savefig.dpi"]))
        plots.close(fig)
        display(Image(data=data, format="png", width=width))


def _display_html(markup: str, metadata: dict[str, Any] | None = None) -> None:
    from IPython.display import HTML, display

    display(HTML(markup), metadata=metadata or {})


def start(
    name: str,
    *,
    lang: str = "en",
    cities: Sequence[str] | None = None,
    city: str | None = None,
    money_unit: str | None = None,
    figures_dir: str | os.PathLike[str] | None = "",
    svg: bool = False,
    **params: Any,
) -> Page:
    """Check the parameters, set the shared style, show the page header; return the page (``.table`` the data).

    An unknown city, language or money unit stops the notebook here with a
    message that names it and lists the valid values. An empty ``figures_dir``
    means a new temporary folder: a notebook run by hand never writes into the
    committed tree. ``svg`` also saves every figure as SVG (vector, for print).
    """
    from ..api import load_measures
    from .provenance import collect

    check_lang(lang)
    if money_unit is not None:
        units.canonical_money_unit(money_unit)
    table = load_measures()
    if cities:
        check_cities(table, cities)
    if city is not None:
        check_cities(table, [city])
    plots.setup(lang)
    labels = page_labels(name)
    city_name = city_names(table, lang).get(city, city) if city else ""
    title = labels["title"][lang].format(city=city_name)
    intro = labels["intro"][lang].format(city=city_name)
    sections = {k: v[lang] for k, v in labels["sections"].items()}
    prov = collect()
    shown = {"lang": lang} | ({"cities": list(cities or [])} if city is None else {"city": city})
    shown |= ({"money_unit": money_unit} if money_unit is not None else {}) | params
    meta = [
        (text("run_date", lang), prov.run),
        (text("commit", lang), prov.commit or text("no_commit", lang)),
        (
            text("table_build", lang),
            prov.build_key + (f" ({text('table_in_memory', lang, reason=prov.stale)})" if prov.stale else ""),
        ),
        (text("parameters", lang), "; ".join(f"{k} = {v}" for k, v in _shown(shown, lang))),
    ]
    _display_html(
        html.header(
            title,
            intro,
            [(f"sec-{k}", v) for k, v in sections.items()],
            meta,
            back=text("back_to_index", lang),
            contents=text("contents", lang),
        ),
        metadata={"policystats": {"title": title, "lang": lang, "page": name}},
    )
    folder = Path(figures_dir) if figures_dir else Path(tempfile.mkdtemp(prefix="policystats-figures-"))
    return Page(name, lang, table, folder, title, sections, svg)


def _shown(params: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    t = parameters({k: v for k, v in params.items() if k not in HIDDEN_PARAMETERS}, lang).frame
    return list(t.itertuples(index=False, name=None))
