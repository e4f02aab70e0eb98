"""Generate the reference tables of ``docs/codebook.md`` from the code and data.

The codebook's prose (coding rules) is written by hand; its tables of columns
and vocabulary values are generated here from ``schema.py``, the lexicon
files and the committed table (for a seed example of each value), between
``<!-- BEGIN GENERATED -->`` and ``<!-- END GENERATED -->``. A test checks the
file is up to date: run ``policystats codebook --write`` after changing them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import schema
from ..extract import _lexicon

BEGIN = "<!-- BEGIN GENERATED -->"
END = "<!-- END GENERATED -->"


def _cell(v: object, limit: int = 60) -> str:
    if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)):
        return ""
    s = str(v).replace("|", "\\|").replace("\n", " ")
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _example(df: pd.DataFrame, column: str, value: str | None = None) -> str:
    rows = df[df[column].notna()] if value is None else df[df[column] == value]
    if rows.empty:
        return "(no example in the seeds)"
    r = rows.iloc[0]
    if value is None:
        return f"`{_cell(r[column], 40)}`"
    for col in ("quantity_text", "measure_title", "measure_text"):
        if not pd.isna(r[col]):
            return f"{_cell(r[col], 30)} ({r['doc_id']})"
    return f"({r['doc_id']})"


def render(df: pd.DataFrame) -> str:
    cls = _lexicon.load("classification.yaml")
    q = _lexicon.load("quantities.yaml")
    prov = _lexicon.load("catalog.yaml")
    struct = _lexicon.load("structure.yaml")
    out = [BEGIN, "", "### Columns", "", "| column | type | meaning | seed example |", "| --- | --- | --- | --- |"]
    kinds = {"Int64": "integer", "float64": "number", "bool": "true/false", "boolean": "true/false"}
    for name, col in schema.MeasureSchema.columns.items():
        kind = kinds.get(str(col.dtype), "text")
        kind += ", may be empty" if col.nullable else ""
        out.append(f"| `{name}` | {kind} | {col.description} | {_example(df, name)} |")

    def vocab(title: str, rows: list[tuple[str, str, str, str]], column: str | None) -> None:
        out.extend(["", f"### {title}", "", "| value | English | 中文 | seed example |", "| --- | --- | --- | --- |"])
        for code, en, zh, extra in rows:
            ex = _example(df, column, code) if column else extra
            out.append(f"| `{code}` | {en} | {zh} | {ex} |")

    vocab("category", [(c, e["en"], e["zh"], "") for c, e in cls["categories"].items()], "category")
    vocab("statement_kind", [(c, e["en"], e["zh"], "") for c, e in cls["statement_kinds"].items()], "statement_kind")
    comps = {"=": ("exactly", "等于"), "~": ("about (约, 近, 左右)", "约")}
    for e in q["comparators_prefix"] + q["comparators_suffix"]:
        comps.setdefault(e["comparator"], (e["en"], e["zh"]))
    comps[">"] = ("more than, excludes the number (超过, 超, 多)", "超过")
    comps["between"] = ("a range; value is the lower bound, value_max the upper", "区间")
    vocab("comparator", [(c, en, zh, "") for c, (en, zh) in comps.items()], "comparator")
    units: dict[str, tuple[str, str]] = {}
    for e in q["units"]:
        units.setdefault(e["unit"], (e["en"], e["zh"]))
    units["ratio"] = ("ratio a∶b, coded a/b", "比例")
    units["multiple"] = ("times (倍, 翻两番 = 4)", "倍数")
    units["other"] = ("any other unit, written in unit_zh: 分 (score points), 亩, 晚 (nights)", "其他单位")
    vocab("unit", [(u, *units.get(u, (u, u)), "") for u in schema.UNITS], "unit")
    vocab("beneficiary", [(c, e["en"], e["zh"], "") for c, e in cls["beneficiaries"].items()], "beneficiary")
    seen: dict[str, dict] = {}
    for e in cls["indicators"]:
        seen.setdefault(e["code"], e)
    rows = [(c, f"{e['en']} ({e['category']})", e["zh"], "") for c, e in sorted(seen.items())]
    rows.append(("unclassified", "no indicator rule matched (other)", "未归类", ""))
    vocab("indicator", rows, "indicator")
    vocab("theme", [(c, f"{e['en']} ({e['policy_tool']})", e["zh"], "") for c, e in cls["themes"].items()], "theme")
    vocab("policy_tool", [(c, e["en"], e["zh"], "") for c, e in cls["policy_tools"].items()], "policy_tool")
    vocab("programme", [(c, e["en"], e["zh"], "") for c, e in cls["programmes"].items()], "programme")
    vocab(
        "admin_level and issuer_level", [(c, e["en"], e["zh"], "") for c, e in prov["levels"].items()], "issuer_level"
    )
    vocab(
        "doc_statement_nature",
        [(c, e["en"], e["zh"], "") for c, e in prov["statement_natures"].items()],
        "doc_statement_nature",
    )
    vocab("part_kind", [(c, e["en"], e["zh"], "") for c, e in struct["part_kinds"].items()], "part_kind")
    blocks = {
        "item": ("a numbered item with no sub-items: a measure", "条目（措施）"),
        "intro": ("text a numbered heading carries before its sub-items", "标题下引言"),
        "preamble": ("a part's text before its first item (a cover notice's body)", "前言或通知正文"),
        "closing": ("text after the last item that closes the part", "结尾段落"),
        "fragment": ("stray text of an unrelated document", "无关文件残片"),
        "unsegmented": ("content in which no numbered item was found", "未能分条的正文"),
    }
    vocab("block_kind", [(c, *blocks[c], "") for c in schema.BLOCK_KINDS], "block_kind")
    roles = {"measure": ("a policy measure", "政策措施")}
    roles |= {c: (e["en"], e["zh"]) for c, e in struct["heading_roles"].items()}
    vocab("item_role", [(c, *roles[c], "") for c in schema.ITEM_ROLES], "item_role")
    leads = {
        "explicit": ("the text says 牵头", "明确牵头"),
        "first_listed_declared": (
            "first listed, and the document declares 列首位的为牵头单位",
            "列首位为牵头（文件声明）",
        ),
        "first_listed_convention": ("first listed, by convention only (not declared)", "列首位（惯例，未声明）"),
        "reply_issuer": ("a reply: the replying body, with the agencies it consulted", "答复单位"),
        "none": ("only participants are named", "仅列参与单位"),
    }
    vocab("lead_rule", [(c, *leads[c], "") for c in schema.LEAD_RULES], "lead_rule")
    titles = {
        "heading_line": ("the item's first line is its title", "独立标题行"),
        "first_sentence": ("a short first sentence ending in 。", "首句"),
        "run_on": ("a title that runs into the body with no punctuation", "标题与正文相连"),
        "none": ("no title", "无标题"),
    }
    vocab("title_source", [(c, *titles[c], "") for c in schema.TITLE_SOURCES], "title_source")
    vocab(
        "change",
        [(c, q["change_words"][c]["en"], q["change_words"][c]["zh"], "") for c in ("decrease", "increase")],
        "change",
    )
    per = {e["per"]: (e["en"], e["zh"]) for e in q["per_words"]}
    per |= {"kWh": ("per kWh", "每千瓦时"), "m3": ("per cubic metre", "每立方米")}
    used = sorted(set(df["per_unit"].dropna()))
    vocab(
        "per_unit (values in the seeds; tokens join with _)", [(c, *_per_label(c, per), "") for c in used], "per_unit"
    )
    out += ["", END]
    return "\n".join(out)


def _per_label(code: str, per: dict[str, tuple[str, str]]) -> tuple[str, str]:
    parts = code.split("_") if code not in per else [code]
    if code == "two_years":
        parts = ["two_years"]
    en = " and ".join(per.get(p, (p, p))[0] for p in parts)
    zh = "".join(per.get(p, (p, p))[1] for p in parts)
    return en, zh


def update(path: str | Path, df: pd.DataFrame) -> bool:
    """Rewrite the generated part of ``path``; return True if it changed."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise ValueError(f"{p} has no {BEGIN} … {END} block")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + render(df) + tail
    if new != text:
        p.write_text(new, encoding="utf-8")
        return True
    return False


def generated_part(path: str | Path) -> str:
    text = Path(path).read_text(encoding="utf-8")
    return BEGIN + text.split(BEGIN, 1)[1].split(END, 1)[0] + END
