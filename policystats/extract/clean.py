"""Clean a raw document into text the parsers can read, keeping an offset map.

Cleaning never edits the raw file. It returns a ``MappedText`` whose every
character points back into the raw text, so a span found in cleaned text maps
to the exact raw characters. It:

* drops web and print clutter (index cards, 浏览次数, 扫一扫…, page numbers);
* turns full-width digits, letters and punctuation into half-width ones;
* removes spaces inside Chinese text (``〔2019〕 24号``, ``2012 年``);
* joins lines that a page break or a hard wrap split (``建\\n\\n立``),
  and collapses blank lines, leaving one ``\\n`` between paragraphs.

>>> clean("〔2019〕 24号\\n\\n\\n").text
'〔2019〕24号'
>>> t = clean("加快推进全市工业园区建设发展，依托产业园区、围绕龙头企业的工\\n\\n\\n\\n作思路。")
>>> t.text
'加快推进全市工业园区建设发展,依托产业园区、围绕龙头企业的工作思路。'
"""

from __future__ import annotations

import re
from array import array
from functools import cache

from . import _lexicon
from .text import MappedText

_SPACE = {0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x200B: " ", 0x09: " ", 0x0D: " "}
WIDTH_MAP = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {k: v for k, v in _SPACE.items()}
"""One-to-one character map: full-width ASCII to half-width, odd spaces to ' '."""


_WIDE = re.compile("[" + "".join(chr(c) for c in sorted(WIDTH_MAP)) + "]")


def normalize_width(text: str) -> str:
    """Map full-width ASCII forms to half-width; length is preserved.

    >>> normalize_width("（一）１２．５％")
    '(一)12.5%'
    """
    # A substitution that only visits the wide characters is several times
    # faster than str.translate on Chinese text.
    return _WIDE.sub(lambda m: WIDTH_MAP[ord(m.group())], text)


def is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


_CJK_PUNCT = set("、。〔〕《》“”‘’【】「」『』—…·∶〈〉！？，；：（）")
_ASCII_PUNCT = set("()[],.:;!?%+-/&~'\"")


def _cjkish(ch: str) -> bool:
    return is_han(ch) or ch in _CJK_PUNCT


@cache
def _rules():
    c = _lexicon.load("cleaning.yaml")
    s = _lexicon.load("structure.yaml")
    clutter = [re.compile(e["pattern"]) for e in c["clutter_lines"]]
    card = re.compile(c["index_card_line"]["pattern"])
    markers = "|".join(f"(?:{m['pattern'].replace('(?P<n>', '(?:')})" for m in s["markers"])
    marker_re = re.compile(rf"^(?:{markers})\s*")
    annex = re.compile(s["annex_header"])
    annex_list = re.compile(s["annex_list_start"])
    date = re.compile(s["date_line"])
    docno = re.compile(s["doc_number_line"])
    title_sfx = tuple(c["title_suffixes"])
    sig_sfx = tuple(c["signature_suffixes"])
    return {
        "clutter": clutter,
        "card": card,
        "marker": marker_re,
        "annex": annex,
        "annex_list": annex_list,
        "date": date,
        "docno": docno,
        "terminal": set(c["terminal_chars"]),
        "title_sfx": title_sfx,
        "sig_sfx": sig_sfx,
        "open": c["open_brackets"],
        "responsibility": tuple(c["responsibility_words"]),
        "cited_before": c["cited_before"],
        "cited_after": tuple(c["cited_after"]),
        "close": c["close_brackets"],
    }


def _squeeze_spaces(line: MappedText) -> MappedText:
    """Remove space runs that sit inside Chinese text; keep them next to Latin words."""
    text = line.text
    if " " not in text:
        return line
    keep: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        if text[i] != " ":
            keep.append(i)
            i += 1
            continue
        j = i
        while j < n and text[j] == " ":
            j += 1
        left = text[i - 1] if i > 0 else ""
        right = text[j] if j < n else ""
        latin = (left.isascii() and left.isalpha()) or (right.isascii() and right.isalpha())
        drop = (not left or not right) or ((_cjkish(left) or _cjkish(right)) and not latin)
        if not drop:
            keep.append(i)  # collapse the run to one space
        i = j
    return MappedText("".join(text[k] for k in keep), array("l", (line.offsets[k] for k in keep)))


def _unclosed(text: str, opens: str, closes: str) -> bool:
    depth = 0
    for ch in text:
        if ch in opens:
            depth += 1
        elif ch in closes and depth > 0:
            depth -= 1
    return depth > 0


def _bracket_start(line: str) -> int | None:
    """Index of the bracket that opens the group closing ``line``."""
    r = _rules()
    depth = 0
    for i in range(len(line) - 1, -1, -1):
        if line[i] in r["close"]:
            depth += 1
        elif line[i] in r["open"]:
            depth -= 1
            if depth == 0:
                return i
    return None


def is_standalone(line: str) -> bool:
    """True if a line stands on its own (heading, title, signature, date …).

    A standalone line is never joined to the next one.
    """
    r = _rules()
    if not line:
        return True
    if line[-1] in r["terminal"]:
        return True
    if r["date"].match(line) or r["docno"].match(line) or r["annex"].match(line):
        return True
    if line[-1] in r["close"]:
        if len(line) <= 24:
            return True
        start = _bracket_start(line)
        if start is not None and any(w in line[start:] for w in r["responsibility"]):
            return True
    if _unclosed(line, r["open"], r["close"]):
        return False
    m = r["marker"].match(line)
    if m:
        rest = line[m.end() :]
        return len(rest) <= 18 and not any(ch.isdigit() for ch in rest)
    if line.endswith(r["title_sfx"]) and len(line) <= 80:
        return True
    if len(line) <= 20 and line.endswith(r["sig_sfx"]):
        return True
    return False


def starts_block(line: str) -> bool:
    """True if a line starts something new (a numbered item, an annex, a date)."""
    r = _rules()
    return bool(
        r["marker"].match(line) or r["annex"].match(line) or r["annex_list"].match(line) or r["date"].match(line)
    )


def clean(raw: str) -> MappedText:
    """Clean ``raw`` and return the text with its map back to ``raw``."""
    return clean_with_notes(raw)[0]


def _repair_pasted_titles(lines: list[tuple[MappedText, int]], notes: list[str]) -> list[tuple[MappedText, int]]:
    """Remove a document's own heading pasted into the middle of a sentence.

    Typesetting sometimes drops a running heading into body text, e.g.
    平顶山银保监平顶山市促进“专精特新”中小企业高质量发展实施方案分局. A standalone
    title line of the same document found inside another line, with Chinese
    characters on both sides and not cited (《…》, 印发…的), is removed.
    """
    r = _rules()
    titles = {
        ln.text for ln, _ in lines if len(ln.text) >= 10 and ln.text.endswith(r["title_sfx"]) and is_standalone(ln.text)
    }
    if not titles:
        return lines
    out = []
    for ln, nl in lines:
        text = ln.text
        if text in titles or (text.endswith(r["title_sfx"]) and is_standalone(text)):
            out.append((ln, nl))
            continue
        for title in titles:
            pos = text.find(title, 1)
            while pos > 0:
                end = pos + len(title)
                cited = text[pos - 1] in r["cited_before"] or text[end : end + 1] in r["cited_after"]
                if end < len(text) and is_han(text[pos - 1]) and is_han(text[end]) and not cited:
                    keep = [i for i in range(len(text)) if not pos <= i < end]
                    ln = MappedText("".join(text[i] for i in keep), array("l", (ln.offsets[i] for i in keep)))
                    notes.append(f"removed heading {title!r} pasted inside the line starting {text[:12]!r}")
                    text = ln.text
                    pos = text.find(title, pos)
                else:
                    pos = text.find(title, end)
        out.append((ln, nl))
    return out


def clean_with_notes(raw: str) -> tuple[MappedText, list[str]]:
    """Like ``clean``, and also return notes on the repairs made."""
    notes: list[str] = []
    r = _rules()
    # Load inputs: split into lines, remembering where each starts in the raw text.
    normalized = normalize_width(raw)
    lines: list[tuple[MappedText, int]] = []  # (line, raw index of the newline that ends it)
    pos = 0
    for part in normalized.split("\n"):
        lines.append((MappedText(part, array("l", range(pos, pos + len(part)))), pos + len(part)))
        pos += len(part) + 1

    # Process data: drop the index card at the head, clutter lines and blank lines.
    kept: list[tuple[MappedText, int]] = []
    head = True
    for line, newline_at in lines:
        stripped = line.strip()
        if not stripped.text:
            continue
        if head and r["card"].match(line.text):
            continue
        head = False
        if any(p.search(stripped.text) for p in r["clutter"]):
            continue
        squeezed = _squeeze_spaces(stripped)
        if squeezed.text:
            kept.append((squeezed, newline_at))
    # A heading repeated on the next line is a web page's header: keep the second.
    deduped: list[tuple[MappedText, int]] = []
    for item in kept:
        if deduped and deduped[-1][0].text == item[0].text and not starts_block(item[0].text):
            deduped[-1] = item
        else:
            deduped.append(item)

    deduped = _repair_pasted_titles(deduped, notes)

    # Save outputs: join wrapped lines, one newline between paragraphs.
    chars: list[str] = []
    offs = array("l")
    last = max(len(raw) - 1, 0)
    for i, (line, newline_at) in enumerate(deduped):
        chars.append(line.text)
        offs.extend(line.offsets)
        if i + 1 < len(deduped):
            nxt = deduped[i + 1][0].text
            if is_standalone(line.text) or starts_block(nxt):
                chars.append("\n")
                offs.append(min(newline_at, last))
    return MappedText("".join(chars), offs), notes
