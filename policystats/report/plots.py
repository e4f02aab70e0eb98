"""Charts for the notebooks: like with like, one shared style, Chinese labels that render.

Every chart takes a frame of codes from ``compare`` (never display strings) and
draws one kind of statement in one unit per panel: targets apart from rules,
thresholds and outcomes; lump sums apart from amounts per person or per period;
percent apart from percentage points; reserved procurement shares apart from
shares won. Amounts spanning orders of magnitude are dots on a log axis, never
bars. A city has one colour everywhere (a digest of its name picks it), and a
forwarded higher-level plan is marked ★.

``setup(lang)`` registers the bundled Noto Sans CJK SC subset (SIL Open Font
License, see ``policystats/report/fonts/``) and makes a "Glyph … missing from
font" warning an error, so a missing glyph can never pass silently.
``save_figure`` writes PNG and SVG under ``<figures>/<notebook>/`` with stable names.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no GUI backend is ever needed; choosing it here skips the backend search

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager
from matplotlib.lines import Line2D

from . import units
from .fonts import FONT_FAMILY, FONT_FILE
from .labels import chart_title, check_lang, label, per_unit_label, short_indicator, text

GLYPH_WARNING = r"Glyph .* missing from (current )?font"
MARKERS = {">=": "^", ">": "^", "<=": "v", "<": "v", "~": "D", "=": "o", "between": "s"}
ROLE_KEYS = [("^", ">="), ("v", "<="), ("D", "~"), ("o", "=")]
# Twelve colours that stay apart for most readers; a city's colour is picked by a digest of its name,
# so it is the same on every page, in both languages and whatever other cities a page shows.
PALETTE = [
    "#1b6ca8",  # blue
    "#edae49",  # amber
    "#8d6a9f",  # purple
    "#00798c",  # teal
    "#a05a2c",  # brown
    "#e377c2",  # pink
    "#5c6b73",  # slate
    "#2e933c",  # green
    "#9acd32",  # yellow-green
    "#b8860b",  # dark gold
    "#d1495b",  # red
    "#ff7f0e",  # orange
]
SERIES = ["#1b6ca8", "#edae49", "#2e933c", "#d1495b", "#8d6a9f", "#00798c", "#a05a2c"]


def _ink(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (a #rrggbb fill)."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"


def city_color(city: str) -> str:
    """The colour of a city (its English name), the same everywhere."""
    return PALETTE[int(hashlib.sha256(city.encode("utf-8")).hexdigest()[:8], 16) % len(PALETTE)]


def setup(lang: str = "en", strict: bool = True) -> None:
    """The shared style: the CJK font first, then DejaVu Sans; strict glyph checks."""
    check_lang(lang)
    if FONT_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(FONT_FILE))
    plt.style.use("default")
    plt.rcParams.update(
        {
            "font.family": [FONT_FAMILY, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "axes.grid": True,
            "axes.axisbelow": True,
            "grid.color": "#e5e5e5",
            "axes.edgecolor": "#999999",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
            "legend.fontsize": 9,
            "svg.fonttype": "path",
            "svg.hashsalt": "policystats",
            "figure.dpi": 100,
            "savefig.dpi": 150,
        }
    )
    if strict:
        warnings.filterwarnings("error", message=GLYPH_WARNING)


def figure_dir(notebook: str, figures_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where a notebook's figures go: ``figures_dir/<notebook>``; a new temporary folder when none is given.

    A run never writes into the committed ``figures/`` unless asked to
    (``policystats report --figures figures``).
    """
    base = Path(figures_dir) if figures_dir else Path(tempfile.mkdtemp(prefix="policystats-figures-"))
    return base / notebook


def save_figure(
    fig,
    notebook: str,
    name: str,
    lang: str,
    figures_dir: str | os.PathLike[str] | None = None,
    *,
    svg: bool = False,
) -> list[Path]:
    """Save ``fig`` as ``<figures>/<notebook>/<name>_<lang>.png``, and ``.svg`` too if asked.

    SVG (text drawn as outlines, so it needs no font to view) is the slowest
    part of a report: most of a figure's time. The figure is drawn once per
    file: the tight bounding box is computed once for both files
    (``bbox_inches="tight"`` would draw twice per file).
    """
    from matplotlib.transforms import Bbox

    folder = figure_dir(notebook, figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    # tight_layout has placed the axes already; the placeholder engine it leaves behind makes
    # every savefig draw the figure twice.
    fig.set_layout_engine(None)
    tight = fig.get_tightbbox(fig.canvas.get_renderer())
    pad = plt.rcParams["savefig.pad_inches"]
    box = Bbox.from_extents(tight.x0 - pad, tight.y0 - pad, tight.x1 + pad, tight.y1 + pad)
    formats = [("png", {"metadata": {"Software": None}})] + ([("svg", {"metadata": {"Date": None}})] if svg else [])
    out = []
    for ext, kw in formats:
        path = folder / f"{name}_{lang}.{ext}"
        fig.savefig(path, bbox_inches=box, **kw)
        out.append(path)
    return out


def close(fig) -> None:
    plt.close(fig)


def _empty(lang: str, title: str):
    fig, ax = plt.subplots(figsize=(7, 1.4))
    ax.axis("off")
    ax.text(0.5, 0.5, text("no_data", lang), ha="center", va="center")
    ax.set_title(title)
    return fig


def _wrap(s: str, width: int) -> str:
    return "\n".join(s[i : i + width] for i in range(0, len(s), width))


def _plain_log_axis(ax) -> None:
    """Log scale with plain tick labels (no mathtext, so every glyph comes from our fonts)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.10g}"))
    ax.xaxis.set_minor_locator(NullLocator())  # decades only: minor ticks would add dozens of texts to lay out


def _city(names: Mapping[str, str], r) -> str:
    return names.get(r["city"], r["city"]) + (" ★" if bool(r["forwarded"]) else "")


def _legends(fig, cities: list[str], names: Mapping[str, str], lang: str, *, shapes: bool = True) -> None:
    """City colours and marker shapes, under the panels, outside every axis."""
    handles = [
        Line2D([], [], marker="o", linestyle="", color=city_color(c), markeredgecolor="black", label=names.get(c, c))
        for c in cities
    ]
    if shapes:
        handles += [
            Line2D(
                [],
                [],
                marker=m,
                linestyle="",
                color="#bbbbbb",
                markeredgecolor="black",
                label=label("comparator_role", key, lang),
            )
            for m, key in ROLE_KEYS
        ]
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 4), frameon=False, bbox_to_anchor=(0.5, 0))


def _short(r, lang: str) -> str:
    """The value beside its dot: bound and number, and the unit where the axis is not money (≥30%, ≤500)."""
    from .labels import comparator_sign, unit_suffix
    from .render import number

    suffix = "" if r["unit"] == "CNY" else unit_suffix(r["unit"], lang)
    return f"{comparator_sign(r['comparator'])}{number(r['shown_value'])}{suffix}"


def _use_log(values: pd.Series) -> bool:
    """A log axis only when the values span more than a factor of 20 (and are all positive)."""
    v = values.dropna()
    return bool(len(v)) and float(v.min()) > 0 and float(v.max()) / float(v.min()) > 20


def _dot_panels(
    groups: list[tuple[str, pd.DataFrame]],
    row_label,
    names: Mapping[str, str],
    lang: str,
    title: str,
    xlabel: str,
    *,
    log: bool,
):
    """One panel per group; one line per row label; a dot per quantity, shaped by its bound and labelled with it.

    ``log``: a log axis where the panel's values span more than a factor of 20; a linear one from 0 otherwise.
    """
    heights = [max(1, len({row_label(r) for _, r in g.iterrows()})) for _, g in groups]
    row_in, panel_in, legend_in, title_in = 0.42, 0.95, 0.75, 0.45
    fig_h = row_in * sum(heights) + panel_in * len(groups) + legend_in + title_in
    fig, axes = plt.subplots(
        len(groups), 1, figsize=(9.5, fig_h), gridspec_kw={"height_ratios": heights}, squeeze=False
    )
    cities: list[str] = []
    for ax, (gname, g) in zip(axes[:, 0], groups, strict=True):
        if "money_unit" in g and g["money_unit"].nunique() == 1 and g["money_unit"].iloc[0] and xlabel:
            panel_xlabel = units.money_label(g["money_unit"].iloc[0], lang)
        else:
            panel_xlabel = xlabel
        labels = list(dict.fromkeys(row_label(r) for _, r in g.iterrows()))
        ypos = {lab: i for i, lab in enumerate(labels)}
        seen: list[int] = []
        for _, r in g.sort_values("shown_value", kind="stable").iterrows():
            y = ypos[row_label(r)]
            ax.scatter(
                r["shown_value"],
                y,
                marker=MARKERS.get(r["comparator"], "o"),
                s=70,
                color=city_color(r["city"]),
                edgecolor="black",
                linewidth=0.5,
                zorder=3,
            )
            if r["comparator"] == "between" and pd.notna(r["shown_value_max"]):
                ax.plot([r["shown_value"], r["shown_value_max"]], [y] * 2, color="#555555")
            # the second dot of a row is labelled below it, the third above …: neighbours never overprint
            below = seen.count(y) % 2 == 1
            seen.append(y)
            ax.annotate(
                _short(r, lang),
                (r["shown_value"], y),
                xytext=(0, -7 if below else 6),
                textcoords="offset points",
                ha="center",
                va="top" if below else "bottom",
                fontsize=7.5,
                color="#333333",
            )
            if r["city"] not in cities:
                cities.append(r["city"])
        ax.set_yticks(range(len(labels)), labels)
        ax.set_ylim(len(labels) - 0.25, -0.75)
        ax.set_title(gname, loc="left", fontsize=10)
        values = pd.concat([g["shown_value"], g["shown_value_max"]]) if "shown_value_max" in g else g["shown_value"]
        if log and _use_log(values):
            _plain_log_axis(ax)
            ax.set_xlabel(f"{panel_xlabel} ({text('log_note', lang)})" if panel_xlabel else text("log_note", lang))
        else:
            ax.set_xlim(0, float(values.max()) * 1.15 if values.max() > 0 else 1)
            ax.set_xlabel(panel_xlabel)
        ax.margins(x=0.08)
    fig.suptitle(title, x=0.01, ha="left")
    fig.tight_layout(rect=(0, legend_in / fig_h, 1, 1 - 0.1 / fig_h))
    _legends(fig, cities, names, lang)
    return fig


# ------------------------------------------------------------------ financing


def financing_amounts(q: pd.DataFrame, names: Mapping[str, str], *, lang: str = "en", money_unit: str = "万元"):
    """Money amounts (lump sums), one panel per statement kind, dots on a log axis."""
    title = chart_title("financing_amounts", lang)
    money = q[(q["unit"] == "CNY") & q["per_unit"].isna()]
    if money.empty:
        return _empty(lang, title)
    from .select import KIND_ORDER

    groups = [
        (label("statement_kind", k, lang), money[money["statement_kind"] == k])
        for k in KIND_ORDER
        if (money["statement_kind"] == k).any()
    ]

    def row(r) -> str:
        return f"{_city(names, r)} · {label('indicator', r['indicator'], lang)}"

    return _dot_panels(groups, row, names, lang, title, units.money_label(money_unit, lang), log=True)


def financing_rates(q: pd.DataFrame, names: Mapping[str, str], *, lang: str = "en"):
    """Rates: one panel per unit (percent, percentage points) and statement kind."""
    title = chart_title("financing_rates", lang)
    rates = q[q["unit"].isin(["percent", "percentage_point"])]
    if rates.empty:
        return _empty(lang, title)
    from .select import KIND_ORDER

    groups = []
    for u in ("percent", "percentage_point"):
        for k in KIND_ORDER:
            g = rates[(rates["unit"] == u) & (rates["statement_kind"] == k)]
            if len(g):
                axis = text("percent_axis" if u == "percent" else "points_axis", lang)
                groups.append((f"{axis} · {label('statement_kind', k, lang)}", g))

    def row(r) -> str:
        return f"{_city(names, r)} · {label('indicator', r['indicator'], lang)}"

    return _dot_panels(groups, row, names, lang, title, "", log=False)


# ------------------------------------------------------------------ procurement


def procurement_chart(
    q: pd.DataFrame,
    qualitative: pd.DataFrame,
    baselines_by_doc: Mapping[str, pd.DataFrame],
    names: Mapping[str, str],
    *,
    lang: str = "en",
):
    """Reserved shares per document against the rules in force; shares won in a panel of their own; quotes."""
    title = chart_title("procurement", lang)
    reserved = q[q["share_kind"] == "reserved"]
    won = q[q["share_kind"] == "won"]
    panels = [("reserved", doc_id, g) for doc_id, g in reserved.groupby("doc_id", sort=False)]
    panels += [("won", doc_id, g) for doc_id, g in won.groupby("doc_id", sort=False)]
    n = len(panels) + len(qualitative)
    if n == 0:
        return _empty(lang, title)
    fig, axes = plt.subplots(1, n, figsize=(3.3 * n + 0.6, 4.8), squeeze=False)
    axes = axes[0]
    for ax, (kind, doc_id, g) in zip(axes, panels, strict=False):
        r0 = g.iloc[0]
        xs = range(len(g))
        ax.bar(
            xs,
            g["shown_value"],
            color=city_color(r0["city"]),
            alpha=0.85,
            hatch="//" if r0["forwarded"] else None,
            edgecolor="black",
            linewidth=0.5,
            width=0.6,
        )
        for x, (_, r) in zip(xs, g.iterrows(), strict=True):
            sign = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "~": "≈"}.get(r["comparator"], "")
            ax.text(x, r["shown_value"] + 1.5, f"{sign}{r['shown_value']:g}%", ha="center", va="bottom", fontsize=9)
        base = baselines_by_doc.get(doc_id)
        if kind == "reserved" and base is not None:
            for x, (_, r) in zip(xs, g.iterrows(), strict=True):
                for _, b in base[base["indicator"] == r["indicator"]].iterrows():
                    ax.hlines(b["value"], x - 0.42, x + 0.42, colors="black", linestyles="--", linewidth=1.4)
            numbers = "\n".join(dict.fromkeys(base["doc_number"]))
            ax.text(
                0.5,
                -0.3,
                text("rules_in_force", lang) + "\n" + numbers,
                transform=ax.transAxes,
                ha="center",
                va="top",
                fontsize=7.5,
            )
        names_x = [short_indicator(i, lang) for i in g["indicator"]]
        ax.set_xticks(list(xs), names_x, fontsize=8)
        ax.set_xlim(-0.6, len(g) - 0.4)
        ax.set_ylim(0, 108)
        ax.set_ylabel(text("share", lang))
        sub = f"{_city(names, r0)} {r0['doc_year']}\n" + label("share_kind", kind, lang)
        ax.set_title(sub, fontsize=9.5)
    for ax, (_, r) in zip(axes[len(panels) :], qualitative.iterrows(), strict=True):
        ax.axis("off")
        ax.set_title(f"{names.get(r['city'], r['city'])} {r['doc_year']}", fontsize=9.5)
        ax.text(
            0.02,
            0.97,
            text("no_share", lang) + "\n\n" + _wrap(str(r["sentence"]), 14),
            va="top",
            ha="left",
            fontsize=9,
            transform=ax.transAxes,
            bbox={"boxstyle": "round", "facecolor": "#f5f5f5", "edgecolor": "#999999"},
        )
        ax.text(
            0.5,
            -0.3,
            text("rules_in_force", lang) + "\n" + "\n".join(str(r["rules_in_force"]).split("; ")),
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=7.5,
        )
    fig.suptitle(title, x=0.01, ha="left")
    fig.text(0.99, 0.005, text("rule_line", lang), ha="right", va="bottom", fontsize=8)
    fig.tight_layout(rect=(0, 0.03, 1, 0.95))
    return fig


# ------------------------------------------------------------------ awards


def award_amounts(a: pd.DataFrame, names: Mapping[str, str], *, lang: str = "en", money_unit: str = "万元"):
    """Award amounts by programme, one panel per payment basis (lump sum, per person, per period, face value)."""
    title = chart_title("award_amounts", lang)
    if a.empty:
        return _empty(lang, title)
    order = ["lump_sum", "per_person", "per_period", "face_value"]
    groups = [(label("basis", b, lang), a[a["basis"] == b]) for b in order if (a["basis"] == b).any()]

    def row(r) -> str:
        prog = label("programme", r["programme"], lang) if isinstance(r["programme"], str) else ""
        tier = label("tier", r["tier"], lang) if isinstance(r["tier"], str) else ""
        per = per_unit_label(r["per_unit"], lang)
        name = " · ".join(x for x in (prog or label("indicator", r["indicator"], lang), tier, per) if x)
        return f"{_city(names, r)} — {name}"

    return _dot_panels(groups, row, names, lang, title, units.money_label(money_unit, lang), log=True)


def award_rates(r: pd.DataFrame, names: Mapping[str, str], *, lang: str = "en"):
    """Awards given as a percent of an amount, on a linear axis."""
    title = chart_title("award_rates", lang)
    if r.empty:
        return _empty(lang, title)

    def row(x) -> str:
        prog = label("programme", x["programme"], lang) if isinstance(x["programme"], str) else ""
        return f"{_city(names, x)} — {prog or label('indicator', x['indicator'], lang)}"

    return _dot_panels([(text("percent_axis", lang), r)], row, names, lang, title, "", log=False)


def listing_stages(stages: pd.DataFrame, names: Mapping[str, str], *, lang: str = "en", money_unit: str = "万元"):
    """Staged listing awards, one bar per city stacked by stage, the total at its end."""
    title = chart_title("listing_stages", lang)
    if stages.empty:
        return _empty(lang, title)
    cities = list(dict.fromkeys(stages["city"]))
    fig, ax = plt.subplots(figsize=(8, 1.6 + 0.7 * len(cities)))
    tiers = list(dict.fromkeys(stages.sort_values("order")["tier"]))
    for ci, city in enumerate(cities):
        left = 0.0
        for _, r in stages[stages["city"] == city].sort_values("order").iterrows():
            k = tiers.index(r["tier"])
            ax.barh(ci, r["shown_value"], left=left, color=SERIES[k % len(SERIES)], edgecolor="white", height=0.55)
            ink = _ink(SERIES[k % len(SERIES)])
            ax.text(
                left + r["shown_value"] / 2,
                ci,
                f"{r['shown_value']:g}",
                ha="center",
                va="center",
                fontsize=9,
                color=ink,
            )
            left += r["shown_value"]
        ax.text(left, ci, f"  {text('total', lang)} {left:g}", va="center", fontsize=9)
    ax.set_yticks(range(len(cities)), [names.get(c, c) for c in cities])
    ax.set_ylim(len(cities) - 0.5, -0.5)
    ax.set_xlim(0, stages.groupby("city")["shown_value"].sum().max() * 1.25)
    ax.set_xlabel(units.money_label(money_unit, lang))
    ax.set_title(title, loc="left")
    handles = [plt.Rectangle((0, 0), 1, 1, color=SERIES[k % len(SERIES)]) for k in range(len(tiers))]
    # the legend sits right of the axes: it can never cover the axis label below
    ax.legend(
        handles, [label("tier", t, lang) for t in tiers], loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False
    )
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ overview


def theme_heatmap(pivot: pd.DataFrame, *, lang: str = "en"):
    """Measures per theme (rows) and city (columns): labelled counts."""
    title = chart_title("themes", lang)
    if pivot.empty:
        return _empty(lang, title)
    fig, ax = plt.subplots(figsize=(2.6 + 1.3 * pivot.shape[1], 0.42 * pivot.shape[0] + 1.3))
    ax.imshow(pivot.to_numpy(), cmap="Blues", aspect="auto", vmin=0)
    top = pivot.to_numpy().max() or 1
    for i in range(pivot.shape[0]):
        for j in range(pivot.shape[1]):
            v = int(pivot.iat[i, j])
            ax.text(j, i, str(v), ha="center", va="center", color="white" if v > top * 0.6 else "black", fontsize=9)
    ax.set_xticks(range(pivot.shape[1]), list(pivot.columns))
    ax.set_yticks(range(pivot.shape[0]), list(pivot.index))
    ax.grid(False)
    ax.tick_params(length=0)
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig


def policy_tool_chart(mix: pd.DataFrame, *, lang: str = "en"):
    """Share of measures per instrument, one 100% bar per city; the legend right of the axes."""
    title = chart_title("tools", lang)
    if mix.empty:
        return _empty(lang, title)
    fig, ax = plt.subplots(figsize=(8.5, 1.3 + 0.6 * len(mix)))
    left = pd.Series(0.0, index=mix.index)
    for k, col in enumerate(mix.columns):
        ax.barh(
            range(len(mix)),
            mix[col],
            left=left,
            color=SERIES[k % len(SERIES)],
            label=col,
            edgecolor="white",
            height=0.6,
        )
        for i, v in enumerate(mix[col]):
            if v >= 4:
                ink = _ink(SERIES[k % len(SERIES)])
                ax.text(left.iloc[i] + v / 2, i, f"{v:.0f}%", ha="center", va="center", fontsize=9, color=ink)
        left += mix[col]
    ax.set_yticks(range(len(mix)), list(mix.index))
    ax.set_ylim(len(mix) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel(text("percent_of_measures", lang))
    ax.set_title(title, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def lead_agency_chart(pivot: pd.DataFrame, cities: list[str], *, lang: str = "en"):
    """Measures per lead agency, stacked by city in the city's colour."""
    title = chart_title("agencies", lang)
    if pivot.empty:
        return _empty(lang, title)
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(pivot) + 1.5))
    left = pd.Series(0.0, index=pivot.index)
    for code, col in zip(cities, pivot.columns, strict=True):
        ax.barh(range(len(pivot)), pivot[col], left=left, color=city_color(code), label=col, height=0.6)
        left += pivot[col]
    ax.set_yticks(range(len(pivot)), list(pivot.index))
    ax.set_ylim(len(pivot) - 0.5, -0.5)
    ax.set_xlabel(text("measures_axis", lang))
    ax.set_title(title, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig
