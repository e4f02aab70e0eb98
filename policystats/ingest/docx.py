"""Word files (``.docx``): paragraphs and tables in order, automatic numbering rebuilt.

python-docx opens the package; the importer walks the body's paragraphs and
tables in document order. A paragraph numbered by Word (its number is not in
the text but in ``numbering.xml``: 第一章, （一）, 1.) gets the label Word
would show, rebuilt from the list's format and a counter per list and level.
Each table row is one line, its cells separated by a tab.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import DocumentReadError

VERSION = "1"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = [chr(0x2460 + i) for i in range(20)]
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"


def chinese_counting(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (Word's chineseCounting).

    >>> [chinese_counting(n) for n in (1, 10, 12, 20, 35, 105)]
    ['一', '十', '十二', '二十', '三十五', '一百零五']
    """
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + _CN_DIGITS[rest] if rest < 10 else chinese_counting(rest))
        if 10 <= rest < 20:
            tail = "一" + tail
        return _CN_DIGITS[n // 100] + "百" + tail
    return str(n)


def _roman(n: int) -> str:
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
    vals += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _letter(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A counter in one of Word's number formats."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "ideographDigital"):
        return chinese_counting(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if 1 <= n <= 20 else str(n)
    if fmt in ("ideographTraditional",):
        return _HEAVENLY[(n - 1) % 10]
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letter(n)
    if fmt == "lowerLetter":
        return _letter(n).lower()
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


class _Numbering:
    """Word's list definitions and the running counters, per list and level."""

    def __init__(self, document) -> None:
        self.levels: dict[tuple[str, int], tuple[int, str, str]] = {}  # (numId, ilvl) -> (start, fmt, text)
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[tuple[str, int], int] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for a in root.findall(f"{_W}abstractNum"):
            aid = a.get(f"{_W}abstractNumId")
            abstract[aid] = {int(lvl.get(f"{_W}ilvl")): self._level(lvl) for lvl in a.findall(f"{_W}lvl")}
        for num in root.findall(f"{_W}num"):
            nid = num.get(f"{_W}numId")
            ref = num.find(f"{_W}abstractNumId")
            aid = ref.get(f"{_W}val") if ref is not None else None
            self.abstract_of[nid] = aid
            for ilvl, spec in abstract.get(aid, {}).items():
                self.levels[(nid, ilvl)] = spec
            for override in num.findall(f"{_W}lvlOverride"):
                ilvl = int(override.get(f"{_W}ilvl"))
                lvl = override.find(f"{_W}lvl")
                if lvl is not None:
                    self.levels[(nid, ilvl)] = self._level(lvl)
                start = override.find(f"{_W}startOverride")
                if start is not None and (nid, ilvl) in self.levels:
                    _s, fmt, text = self.levels[(nid, ilvl)]
                    self.levels[(nid, ilvl)] = (int(start.get(f"{_W}val")), fmt, text)

    @staticmethod
    def _level(lvl) -> tuple[int, str, str]:
        def val(tag: str, default: str) -> str:
            el = lvl.find(f"{_W}{tag}")
            return el.get(f"{_W}val") if el is not None and el.get(f"{_W}val") is not None else default

        return int(val("start", "1")), val("numFmt", "decimal"), val("lvlText", "")

    def label(self, num_id: str, ilvl: int) -> str:
        """The label Word shows for the next paragraph of list ``num_id`` at level ``ilvl``."""
        if (num_id, ilvl) not in self.levels or num_id == "0":
            return ""
        start, fmt, text = self.levels[(num_id, ilvl)]
        key = (num_id, ilvl)
        self.counters[key] = self.counters.get(key, start - 1) + 1
        for deeper in [k for k in self.counters if k[0] == num_id and k[1] > ilvl]:
            del self.counters[deeper]
        if fmt == "bullet":
            return ""
        out = text
        for level in range(9):
            token = f"%{level + 1}"
            if token in out:
                lvl_start, lvl_fmt, _ = self.levels.get((num_id, level), (1, "decimal", ""))
                n = self.counters.get((num_id, level), lvl_start)
                out = out.replace(token, format_number(n, lvl_fmt))
        return out


def _num_pr(paragraph, styles) -> tuple[str, int] | None:
    ppr = paragraph.find(f"{_W}pPr")
    num = ppr.find(f"{_W}numPr") if ppr is not None else None
    if num is None and ppr is not None:
        style = ppr.find(f"{_W}pStyle")
        if style is not None:
            num = styles.get(style.get(f"{_W}val"))
    if num is None:
        return None
    nid = num.find(f"{_W}numId")
    lvl = num.find(f"{_W}ilvl")
    if nid is None:
        return None
    return nid.get(f"{_W}val"), int(lvl.get(f"{_W}val")) if lvl is not None else 0


def _style_numbering(document) -> dict:
    out = {}
    try:
        styles = document.styles.element
    except AttributeError:
        return out
    for s in styles.findall(f"{_W}style"):
        ppr = s.find(f"{_W}pPr")
        num = ppr.find(f"{_W}numPr") if ppr is not None else None
        if num is not None:
            out[s.get(f"{_W}styleId")] = num
    return out


def _para_text(p) -> str:
    parts = []
    for node in p.iter():
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts)


def docx_text(data: bytes, name: str) -> str:
    """The text of a Word file (see the module docstring)."""
    import docx

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentReadError(f"{name}: is not a .docx file (not a zip package); is it a legacy .doc renamed?")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds on a damaged package
        raise DocumentReadError(f"{name}: is a damaged .docx file ({type(exc).__name__}: {exc})") from exc
    numbering = _Numbering(document)
    styles = _style_numbering(document)
    lines: list[str] = []
    for block in document.element.body:
        if block.tag == f"{_W}p":
            text = _para_text(block)
            num = _num_pr(block, styles)
            label = numbering.label(*num) if num else ""
            if label and text.strip():
                sep = "" if label.endswith(("、", "．", ".", ")", "）")) else " "
                text = label + sep + text.lstrip()
            lines.extend(text.split("\n"))
        elif block.tag == f"{_W}tbl":
            for row in block.iter(f"{_W}tr"):
                cells = []
                for cell in row.findall(f"{_W}tc"):
                    cells.append(" ".join(_para_text(p).strip() for p in cell.iter(f"{_W}p")).strip())
                lines.append("\t".join(cells))
    out = "\n".join(line.strip() for line in lines if line.strip())
    if not out:
        raise DocumentReadError(f"{name}: the Word file holds no text")
    return out + "\n"
