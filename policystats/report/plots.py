"""Charts for the notebooks, with one shared style and Chinese labels that render.

``setup(lang)`` registers the bundled Noto Sans CJK SC subset (SIL Open Font
License, see ``policystats/report/fonts/``) with ``fontManager.addfont``, applies the
seaborn theme and then sets ``font.family`` as a list, so Chinese and Latin
glyphs both render. With ``strict=True`` (the default) a "Glyph … missing from
font" warning becomes an error, so a missing glyph can never pass silently.
``save_figure`` writes PNG and SVG under ``figures/<notebook>/`` with stable names.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager

from ..paths import FONT_DIR, get_paths
from .labels import check_lang, label, per_unit_label

FONT_FILE = FONT_DIR / "NotoSansCJKsc-Regular-subset.otf"
FONT_FAMILY = "Noto Sans CJK SC"
GLYPH_WARNING = r"Glyph .* missing from (current )?font"
MARKERS = {">=": "^", ">": "^", "<=": "v", "<": "v", "~": "D", "=": "o", "between": "s"}
PALETTE = ["#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#66a182", "#8d6a9f", "#00798c"]

TEXT = {
    "financing_title": ("Financing targets and thresholds, by city", "融资目标与门槛（按城市）"),
    "procurement_title": (
        "Procurement shares reserved for SMEs, against national rules",
        "面向中小企业的政府采购预留份额与国家规定",
    ),
    "award_title": ("Award levels by programme", "奖补标准（按项目）"),
    "listing_title": ("Staged listing awards", "上市分段奖励"),
    "themes_title": ("Measures per theme", "各主题措施数量"),
    "tools_title": ("Policy-tool mix (Rothwell–Zegveld)", "政策工具结构（Rothwell–Zegveld）"),
    "agencies_title": ("Lead agencies", "牵头单位"),
    "log_note": ("log scale", "对数坐标"),
    "share": ("share (%)", "比例（%）"),
    "measures": ("measures", "措施数"),
    "percent_of_measures": ("% of measures", "措施占比（%）"),
    "no_share": ("no quantified share; the measure says:", "未量化份额，原文："),
    "provincial": ("provincial plan forwarded", "转发的省级方案"),
    "cap": ("cap", "上限"),
    "floor": ("floor", "下限"),
    "approximate": ("approximate", "约数"),
    "exact": ("exact", "确数"),
    "range": ("range", "区间"),
    "no_data": ("No quantities to draw for this selection.", "所选范围内没有可绘制的数量。"),
    "procurement_sme_share": ("SMEs' share", "中小企业份额"),
    "procurement_small_micro_share": ("of which small\n& micro firms", "其中小微企业"),
    "procurement_works_share": ("works above\n4m yuan", "400万元以上工程"),
    "rules_in_force": ("national rule in force: ", "当时适用的国家规定："),
}


def t(key: str, lang: str) -> str:
    en, zh = TEXT[key]
    return en if lang == "en" else zh


def setup(lang: str = "en", strict: bool = True) -> None:
    """The shared style: seaborn theme, the CJK font, and strict glyph checks."""
    import seaborn as sns

    check_lang(lang)
    if FONT_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(FONT_FILE))
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams["font.family"] = [FONT_FAMILY, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.fonttype"] = "path"
    plt.rcParams["svg.hashsalt"] = "policystats"
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.dpi"] = 150
    if strict:
        warnings.filterwarnings("error", message=GLYPH_WARNING)


def figure_dir(notebook: str, figures_dir: str | os.PathLike[str] | None = None) -> Path:
    base = Path(figures_dir) if figures_dir else get_paths().figures
    return base / notebook


def save_figure(
    fig, notebook: str, name: str, lang: str, figures_dir: str | os.PathLike[str] | None = None
) -> list[Path]:
    """Save ``fig`` as ``<figures>/<notebook>/<name>_<lang>.png`` and ``.svg``."""
    folder = figure_dir(notebook, figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for ext, kw in (("png", {"metadata": {"Software": None}}), ("svg", {"metadata": {"Date": None}})):
        path = folder / f"{name}_{lang}.{ext}"
        fig.savefig(path, bbox_inches="tight", **kw)
        out.append(path)
    return out


def _empty(lang: str, title: str):
    fig, ax = plt.subplots(figsize=(7, 1.6))
    ax.axis("off")
    ax.text(0.5, 0.5, t("no_data", lang), ha="center", va="center")
    ax.set_title(title)
    return fig


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def _plain_log_axis(ax, axis: str = "x") -> None:
    """Log scale with plain tick labels (no mathtext, so every glyph comes from our fonts)."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    getattr(ax, f"set_{axis}scale")("log")
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(LogLocator(base=10))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.10g}"))
    target.set_minor_formatter(FuncFormatter(lambda v, _pos: ""))


def _city_colors(cities: Sequence[str]) -> dict[str, str]:
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(sorted(set(cities)))}


# ------------------------------------------------------------------ financing


def financing_dot_chart(q: pd.DataFrame, *, lang: str = "en", money_unit: str = "万元"):
    """Money quantities on a log scale; marker shape shows the bound (floor, cap, approximate, exact).

    ``q`` is ``compare.financing_quantities(...)`` (raw columns). Rows are grouped
    by statement kind, so targets, thresholds and outcomes never share a row.
    """
    from .compare import money_factor, money_label

    money = q[q["unit"] == "CNY"]
    title = t("financing_title", lang)
    if money.empty:
        return _empty(lang, title)
    f = money_factor(money_unit)
    rows = []
    for _, r in money.iterrows():
        city = r["city"] if lang == "en" else r["city_zh"]
        kind = label("statement_kind", r["statement_kind"], lang)
        prov = " ★" if r["forwarded"] else ""
        rows.append(
            (
                kind,
                f"{city} · {label('indicator', r['indicator'], lang)}{prov}",
                r["value"] / f,
                r["comparator"],
                r["city"],
            )
        )
    labels = list(dict.fromkeys(f"{k} | {n}" for k, n, *_ in rows))
    colors = _city_colors([c for *_, c in rows])
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(labels) + 1.6))
    ypos = {lab: i for i, lab in enumerate(labels)}
    seen = set()
    for kind, name, value, comp, city in rows:
        y = ypos[f"{kind} | {name}"]
        role = {">=": "floor", ">": "floor", "<=": "cap", "<": "cap", "~": "approximate", "=": "exact"}.get(
            comp, "range"
        )
        key = (role, city)
        city_name = city if lang == "en" else q.loc[q["city"] == city, "city_zh"].iloc[0]
        ax.scatter(
            value,
            y,
            marker=MARKERS.get(comp, "o"),
            s=80,
            color=colors[city],
            edgecolor="black",
            linewidth=0.5,
            label=None if key in seen else f"{city_name} · {t(role, lang)}",
            zorder=3,
        )
        seen.add(key)
    # a rule between statement kinds: targets, thresholds and outcomes never share a row
    kinds = [lab.split(" | ")[0] for lab in labels]
    for i in range(1, len(kinds)):
        if kinds[i] != kinds[i - 1]:
            ax.axhline(i - 0.5, color="black", linewidth=0.8)
    ax.set_yticks(range(len(labels)), [lab.replace(" | ", " — ") for lab in labels])
    ax.invert_yaxis()
    _plain_log_axis(ax)
    ax.set_xlabel(f"{money_label(money_unit, lang)} ({t('log_note', lang)})")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def financing_rates_chart(q: pd.DataFrame, *, lang: str = "en"):
    """Rates and shares (%, percentage points) of the financing rows, by city."""
    rates = q[q["unit"].isin(["percent", "percentage_point"])]
    title = t("financing_title", lang)
    if rates.empty:
        return _empty(lang, title)
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(rates) + 1.4))
    colors = _city_colors(rates["city"])
    names = []
    for i, (_, r) in enumerate(rates.iterrows()):
        city = r["city"] if lang == "en" else r["city_zh"]
        names.append(
            f"{city} · {label('indicator', r['indicator'], lang)}"
            f" ({label('statement_kind', r['statement_kind'], lang)})"
        )
        ax.barh(i, r["value"], color=colors[r["city"]], alpha=0.85)
        unit = "%" if r["unit"] == "percent" else (" pp" if lang == "en" else "个百分点")
        ax.text(r["value"], i, f" {label('comparator', r['comparator'])} {r['value']:g}{unit}", va="center", fontsize=9)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel("%" if lang == "en" else "%（或个百分点）")
    ax.set_title(title)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ procurement


def procurement_chart(
    q: pd.DataFrame, qualitative: pd.DataFrame, baselines_by_doc: dict[str, pd.DataFrame], *, lang: str = "en"
):
    """Reserved shares per city and document, national rules in force as reference lines.

    A city with no quantified share gets a panel that quotes its measure instead
    of a missing bar. Forwarded provincial plans are hatched and labelled.
    """
    title = t("procurement_title", lang)
    panels = [(doc_id, g) for doc_id, g in q.groupby("doc_id", sort=False)]
    n = len(panels) + len(qualitative)
    if n == 0:
        return _empty(lang, title)
    fig, axes = plt.subplots(1, n, figsize=(3.4 * n, 4.6), squeeze=False)
    axes = axes[0]
    colors = _city_colors(list(q["city"]) + list(qualitative.iloc[:, 0] if len(qualitative) else []))
    for ax, (doc_id, g) in zip(axes, panels, strict=False):
        r0 = g.iloc[0]
        city = r0["city"] if lang == "en" else r0["city_zh"]
        names, values = [], []
        for _, r in g.iterrows():
            names.append(
                t(r["indicator"], lang) if r["indicator"] in TEXT else label("indicator", r["indicator"], lang)
            )
            values.append(r["value"])
        bars = ax.bar(
            range(len(values)),
            values,
            color=colors.get(r0["city"], PALETTE[0]),
            alpha=0.85,
            hatch="//" if r0["forwarded"] else None,
            edgecolor="black",
            linewidth=0.5,
        )
        for b, (_, r) in zip(bars, g.iterrows(), strict=True):
            ax.text(
                b.get_x() + b.get_width() / 2,
                b.get_height(),
                f"{label('comparator', r['comparator'])}{r['value']:g}%",
                ha="center",
                va="bottom",
                fontsize=9,
            )
        base = baselines_by_doc.get(doc_id)
        if base is not None:
            for i, (_, r) in enumerate(g.iterrows()):
                rules = base[base["indicator"] == r["indicator"]]
                for _, b in rules.iterrows():
                    ax.hlines(b["value"], i - 0.45, i + 0.45, colors="black", linestyles="--", linewidth=1.4)
            numbers = "、".join(dict.fromkeys(base["doc_number"]))
            ax.text(
                0.5,
                -0.28,
                t("rules_in_force", lang) + numbers + " (- - -)",
                transform=ax.transAxes,
                ha="center",
                va="top",
                fontsize=7,
            )
        sub = f"{city} {r0['doc_year']}"
        if r0["forwarded"]:
            sub += f"\n({t('provincial', lang)})"
        ax.set_title(sub, fontsize=10)
        ax.set_xticks(range(len(names)), names, fontsize=8)
        ax.set_ylim(0, 105)
        ax.set_ylabel(t("share", lang))
    for ax, (_, r) in zip(axes[len(panels) :], qualitative.iterrows(), strict=True):
        ax.axis("off")
        ax.set_title(f"{r.iloc[0]}", fontsize=10)
        rules = "\n".join(x.split(" ", 1)[0] for x in str(r.iloc[-2]).split("; ") if x)
        ax.text(
            0.5,
            -0.28,
            t("rules_in_force", lang) + "、".join(dict.fromkeys(rules.splitlines())),
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=7,
        )
        ax.text(
            0.02,
            0.95,
            t("no_share", lang) + "\n\n" + _wrap(str(r.iloc[-1]), 16),
            va="top",
            ha="left",
            fontsize=8,
            transform=ax.transAxes,
            bbox={"boxstyle": "round", "facecolor": "#f5f5f5", "edgecolor": "#999999"},
        )
    fig.suptitle(title)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ awards


def award_chart(programmes: pd.DataFrame, *, lang: str = "en", money_unit: str = "万元"):
    """Award amounts by programme and city on a log scale; caps drawn as caps (▼, hatched)."""
    from .compare import money_label

    title = t("award_title", lang)
    if programmes.empty:
        return _empty(lang, title)
    p = programmes.copy()
    p["name"] = [
        f"{prog}" + (f" · {tier}" if isinstance(tier, str) and tier else "")
        for prog, tier in zip(p["programme_label"], [label("tier", x, lang) for x in p["tier"]], strict=True)
    ]
    colors = _city_colors(p["city"])
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(p) + 1.5))
    for i, (_, r) in enumerate(p.iterrows()):
        ax.barh(
            i,
            r["amount"],
            color=colors[r["city"]],
            alpha=0.85,
            hatch="xx" if r["is_cap"] else None,
            edgecolor="black",
            linewidth=0.4,
        )
        mark = "▼ " if r["is_cap"] else ""
        per = f" {per_unit_label(r['per_unit'], lang)}" if isinstance(r["per_unit"], str) else ""
        ax.text(
            r["amount"],
            i,
            f" {mark}{label('comparator', r['comparator'])}{r['amount']:g}{per}",
            va="center",
            fontsize=8,
        )
    city_names = [r["city"] if lang == "en" else r["city_zh"] for _, r in p.iterrows()]
    ax.set_yticks(range(len(p)), [f"{c} — {n}" for c, n in zip(city_names, p["name"], strict=True)], fontsize=8)
    ax.invert_yaxis()
    _plain_log_axis(ax)
    ax.set_xlabel(f"{money_label(money_unit, lang)} ({t('log_note', lang)}; ▼ = {t('cap', lang)})")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def listing_stage_chart(stages: pd.DataFrame, *, lang: str = "en", money_unit: str = "万元"):
    """Staged listing awards, stacked by stage, one bar per city."""
    from .compare import money_label

    title = t("listing_title", lang)
    if stages.empty:
        return _empty(lang, title)
    fig, ax = plt.subplots(figsize=(6.5, 1.2 + 0.9 * stages["city"].nunique()))
    cities = list(dict.fromkeys(stages["city"]))
    for ci, city in enumerate(cities):
        left = 0.0
        for k, (_, r) in enumerate(stages[stages["city"] == city].sort_values("order").iterrows()):
            ax.barh(
                ci,
                r["value"],
                left=left,
                color=PALETTE[k % len(PALETTE)],
                edgecolor="white",
                label=r["stage"] if ci == 0 else None,
            )
            ax.text(left + r["value"] / 2, ci, f"{r['value']:g}", ha="center", va="center", color="white", fontsize=9)
            left += r["value"]
        ax.text(left, ci, f"  Σ {left:g}", va="center", fontsize=9)
    ax.set_yticks(range(len(cities)), cities)
    ax.set_xlabel(money_label(money_unit, lang))
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ overview


def theme_heatmap(pivot: pd.DataFrame, *, lang: str = "en"):
    import seaborn as sns

    title = t("themes_title", lang)
    if pivot.empty:
        return _empty(lang, title)
    fig, ax = plt.subplots(figsize=(2.2 + 1.4 * pivot.shape[1], 0.45 * pivot.shape[0] + 1.4))
    sns.heatmap(pivot, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax, linewidths=0.5)
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel("")
    fig.tight_layout()
    return fig


def policy_tool_chart(mix: pd.DataFrame, *, lang: str = "en"):
    title = t("tools_title", lang)
    if mix.empty:
        return _empty(lang, title)
    fig, ax = plt.subplots(figsize=(7, 1.0 + 0.7 * len(mix)))
    left = pd.Series(0.0, index=mix.index)
    for k, col in enumerate(mix.columns):
        ax.barh(range(len(mix)), mix[col], left=left, color=PALETTE[k % len(PALETTE)], label=col, edgecolor="white")
        for i, v in enumerate(mix[col]):
            if v >= 6:
                ax.text(left.iloc[i] + v / 2, i, f"{v:.0f}%", ha="center", va="center", color="white", fontsize=9)
        left += mix[col]
    ax.set_yticks(range(len(mix)), mix.index)
    ax.set_xlim(0, 100)
    ax.set_xlabel(t("percent_of_measures", lang))
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def lead_agency_chart(pivot: pd.DataFrame, *, lang: str = "en"):
    title = t("agencies_title", lang)
    if pivot.empty:
        return _empty(lang, title)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(pivot) + 1.4))
    left = pd.Series(0.0, index=pivot.index)
    for k, col in enumerate(pivot.columns):
        ax.barh(range(len(pivot)), pivot[col], left=left, color=PALETTE[k % len(PALETTE)], label=col)
        left += pivot[col]
    ax.set_yticks(range(len(pivot)), pivot.index, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(t("measures", lang))
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def close(fig) -> None:
    plt.close(fig)
