"""The few calls every notebook makes: start, show a table, notes or a figure.

Notebooks hold parameters and calls to the package only; anything a second
notebook would need lives here or in ``compare`` and ``plots``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from . import compare, plots
from .labels import check_lang


def start(
    lang: str = "en",
    *,
    cities: Sequence[str] | None = None,
    city: str | None = None,
    money_unit: str | None = None,
) -> pd.DataFrame:
    """Check the parameters, set the shared style and return the measures table.

    An unknown city, language or money unit stops the notebook here with a
    message that names it and lists the valid values.
    """
    from ..api import load_measures

    check_lang(lang)
    if money_unit is not None:
        compare.money_factor(money_unit)
    table = load_measures()
    if cities:
        compare.check_cities(table, cities)
    if city is not None:
        compare.check_cities(table, [city])
    plots.setup(lang)
    pd.set_option("display.max_colwidth", 120)
    pd.set_option("display.max_rows", 400)
    return table


def show_table(df: pd.DataFrame, caption: str | None = None) -> None:
    from IPython.display import HTML, display

    html = df.to_html(index=False, na_rep="", escape=True, classes="policystats", border=0)
    if caption:
        html = f"<p><b>{caption}</b></p>" + html
    display(HTML(html))


def show_notes(notes: Sequence[str]) -> None:
    from IPython.display import Markdown, display

    if notes:
        display(Markdown("\n".join(f"- {n}" for n in notes)))


def show_figure(fig, notebook: str, name: str, lang: str, figures_dir: str | os.PathLike[str] | None = None) -> None:
    """Save the figure as PNG and SVG under figures/<notebook>/ and show it."""
    import matplotlib as mpl
    from IPython.display import Image, display

    png = plots.save_figure(fig, notebook, name, lang, figures_dir or None)[0]
    # Show the saved PNG rather than the figure: the inline backend would render
    # it once more. Shown at screen size: the file has savefig.dpi / figure.dpi times the pixels.
    data = png.read_bytes()
    pixels = int.from_bytes(data[16:20], "big")  # width in the PNG header (IHDR)
    width = round(pixels * fig.dpi / float(mpl.rcParams["savefig.dpi"]))
    plots.close(fig)
    display(Image(data=data, format="png", width=width))
