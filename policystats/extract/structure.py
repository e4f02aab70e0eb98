"""Split a cleaned document into parts, numbered items and text blocks.

A document is cut into *parts* (a stray fragment, the cover notice, a forwarded
notice, the attached plan, annexes 附件1–3, a reply …). Inside each part the
numbered items (一、 /（一）/ 1. / 一是 … and 第一章 / 第一条) form a tree. Every
piece of content ends up in exactly one *block*:

* ``item``: a numbered item with no sub-items (a measure);
* ``intro``: the text a numbered heading carries before its sub-items;
* ``preamble``: a part's text before its first item (a cover notice's body);
* ``closing``: text after the last item that closes the part;
* ``fragment``: the stray text of an unrelated document;
* ``unsegmented``: content in which no numbered item could be found.

Headers (titles, document numbers, addressees, signatures, dates, annex
lists) are kept as metadata lines of their part.
"""

from __future__ import annotations

import re
import warnings
from array import array
from dataclasses import dataclass, field
from functools import cache

from . import _lexicon
from .agencies import Responsibility, find_responsibility
from .clean import is_standalone
from .numerals import numeral_to_int
from .text import MappedText


class StructureWarning(UserWarning):
    """A document could not be segmented as expected; nothing was dropped."""


@dataclass
class Line:
    index: int
    text: MappedText

    @property
    def s(self) -> str:
        return self.text.text


@dataclass
class Node:
    style: str
    marker: str
    number: int | None
    level: int
    first: MappedText  # text of the marker line after the marker
    lines: list[MappedText] = field(default_factory=list)
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    title: str | None = None
    title_source: str = "none"
    inline: bool = False  # an 一是/二是 sub-point

    def body(self) -> MappedText:
        pieces = [self.first, *self.lines]
        return _concat(pieces)


@dataclass
class Part:
    part_id: str
    kind: str
    index: int
    title: str | None = None
    forwarded: bool = False
    doc_numbers: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    header: list[Line] = field(default_factory=list)
    content: list[Line] = field(default_factory=list)
    annex_number: int | None = None
    headings: list[MappedText] = field(default_factory=list)  # heading lines of items with sub-items


@dataclass
class Block:
    """One unit of content: a measure, or the text around the measures."""

    measure_id: str
    part_id: str
    part_kind: str
    part_title: str | None
    forwarded: bool
    block_kind: str
    order: int
    section_path: str
    heading_path: str
    item_marker: str | None
    item_number: int | None
    level: int
    title: str | None
    title_source: str
    item_role: str
    text: MappedText
    responsibility: Responsibility | None = None
    lead_in: str | None = None  # the parent item's own text: 对符合下列条件之一的企业给予10万元奖励：
    # " / "-joined titles beside the item and its parents: （一）申报对象 beside （二）奖励标准
    sibling_titles: str = ""

    @property
    def span(self) -> tuple[int, int]:
        return self.text.raw_span(0, len(self.text))


@dataclass
class Structure:
    doc_id: str
    parts: list[Part]
    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)


def _concat(pieces: list[MappedText]) -> MappedText:
    text = "".join(p.text for p in pieces)
    offs = array("l")
    for p in pieces:
        offs.extend(p.offsets)
    return MappedText(text, offs)


@cache
def _rules():
    s = _lexicon.load("structure.yaml")
    c = _lexicon.load("cleaning.yaml")
    markers = [(m["style"], re.compile(rf"^(?:{m['pattern']})\s*")) for m in s["markers"]]
    inline = [(m["style"], m["pattern"]) for m in s["inline_markers"]]
    roles = {}
    for role, e in s["heading_roles"].items():
        for t in e["titles"]:
            roles[_norm_title(t)] = role
    return {
        "markers": markers,
        "inline": inline,
        "annex": re.compile(s["annex_header"]),
        "annex_list": re.compile(s["annex_list_start"]),
        "date": re.compile(s["date_line"]),
        "docno": re.compile(s["doc_number_line"]),
        "notice": re.compile(s["notice_title"]),
        "forwarding": re.compile(s["forwarding_title"]),
        "reply": re.compile(s["reply_title"]),
        "roles": roles,
        "openers": tuple(s["title_body_openers"]),
        "closing": tuple(s["closing_phrases"]),
        "title_sfx": tuple(c["title_suffixes"]),
        "sig_sfx": tuple(c["signature_suffixes"]),
    }


def _norm_title(t: str) -> str:
    return t.replace("。", "").replace(" ", "").replace(",", "，").strip()


def split_lines(text: MappedText) -> list[Line]:
    out, start = [], 0
    for i, piece in enumerate(text.text.split("\n")):
        out.append(Line(i, text.slice(start, start + len(piece))))
        start += len(piece) + 1
    return [line for line in out if line.s.strip()]


def match_marker(line: str) -> tuple[str, str, int | None, int] | None:
    """``(style, numeral, number, end)`` if ``line`` starts with an item marker."""
    for style, rx in _rules()["markers"]:
        m = rx.match(line)
        if m:
            return style, m.group("n"), numeral_to_int(m.group("n")), m.end()
    return None


# ---------------------------------------------------------------- parts


def _is_title(line: str) -> bool:
    r = _rules()
    return (
        bool(r["notice"].search(line) or r["reply"].search(line) or line.endswith(r["title_sfx"]))
        and is_standalone(line)
        and match_marker(line) is None
    )


def _is_signature(line: str) -> bool:
    return len(line) <= 24 and line.endswith(_rules()["sig_sfx"]) and match_marker(line) is None


def _segments(lines: list[Line]) -> list[list[Line]]:
    r = _rules()
    segs: list[list[Line]] = [[]]
    for line in lines:
        if r["annex"].match(line.s) and segs[-1]:
            segs.append([])
        segs[-1].append(line)
        if r["date"].match(line.s):
            segs.append([])
    return [s for s in segs if s]


def _find_parts(lines: list[Line]) -> list[Part]:
    r = _rules()
    segs = _segments(lines)
    parts: list[Part] = []
    seen_notice = False
    forwarding = False
    forwarded = False
    counts: dict[str, int] = {}

    def has_notice(seg: list[Line]) -> Line | None:
        for line in seg[:4]:
            if _is_title(line.s) and (r["notice"].search(line.s) or r["reply"].search(line.s)):
                return line
        return None

    later_notice = [has_notice(s) is not None for s in segs]
    for i, seg in enumerate(segs):
        title_line = has_notice(seg)
        first = seg[0].s
        annex = r["annex"].match(first)
        if annex:
            kind = "annex"
        elif title_line is not None and r["reply"].search(title_line.s):
            kind = "reply"
        elif title_line is not None:
            if not seen_notice:
                kind = "notice"
                forwarding = bool(r["forwarding"].search(title_line.s))
            elif forwarding and not forwarded:
                kind = "forwarded_notice"
                forwarded = True
            else:
                kind = "notice"
            seen_notice = True
        elif not seen_notice and any(later_notice[i + 1 :]) and r["date"].match(seg[-1].s):
            kind = "fragment"
        elif seen_notice:
            kind = "plan"
        else:
            kind = "body"
        counts[kind] = counts.get(kind, 0) + 1
        part = Part(part_id="", kind=kind, index=i, forwarded=forwarded and kind != "notice")
        _split_header(part, seg, title_line)
        if kind == "annex":
            part.annex_number = numeral_to_int(annex.group("n"))
            part.part_id = f"annex{part.annex_number}"
        else:
            part.part_id = kind if counts[kind] == 1 else f"{kind}{counts[kind]}"
        taken = {p.part_id for p in parts}
        if part.part_id in taken:  # two annexes numbered alike (附件3 twice): keep both, ids unique
            k = 2
            while f"{part.part_id}~{k}" in taken:
                k += 1
            part.part_id = f"{part.part_id}~{k}"
        parts.append(part)
    return parts


_ANNEX_LIST_LINES = 12
_ANNEX_LIST_LINE_MAX = 60


def _is_annex_list(lines: list[Line]) -> bool:
    """附件：1.…申请表 2.…: a short list of annex titles, not the annex itself pasted after it."""
    return len(lines) <= _ANNEX_LIST_LINES and all(len(ln.s) <= _ANNEX_LIST_LINE_MAX for ln in lines)


def _split_header(part: Part, seg: list[Line], title_line: Line | None) -> None:
    r = _rules()
    head: list[Line] = []
    i = 0
    if part.kind == "annex":
        head.append(seg[0])
        i = 1
        if i < len(seg) and _is_title(seg[i].s):
            part.title = seg[i].s
            head.append(seg[i])
            i += 1
    elif title_line is not None:
        while i < len(seg) and seg[i] is not title_line:
            head.append(seg[i])
            i += 1
        head.append(seg[i])
        part.title = "".join(x.s for x in head if not r["docno"].match(x.s)) or title_line.s
        i += 1
    elif part.kind in ("plan", "body") and _is_title(seg[0].s) and len(seg) > 1:
        head.append(seg[0])
        part.title = seg[0].s
        i = 1
    # Document numbers and an addressee or salutation line right after the title.
    while i < len(seg) and r["docno"].match(seg[i].s):
        head.append(seg[i])
        i += 1
    if part.kind in ("notice", "forwarded_notice", "reply") and i < len(seg):
        s = seg[i].s
        if s.endswith((":", "：")) and len(s) <= 80 and match_marker(s) is None:
            head.append(seg[i])
            i += 1
    # Trailing signature and date, and an annex list above them.
    j = len(seg)
    tail: list[Line] = []
    if j > i and r["date"].match(seg[j - 1].s):
        tail.insert(0, seg[j - 1])
        j -= 1
        while j > i and _is_signature(seg[j - 1].s):
            tail.insert(0, seg[j - 1])
            j -= 1
    for k in range(i, j):
        if r["annex_list"].match(seg[k].s) and _is_annex_list(seg[k:j]):
            tail = seg[k:j] + tail
            j = k
            break
    part.header = head + tail
    part.content = seg[i:j]
    for x in part.header:
        if r["docno"].match(x.s):
            part.doc_numbers.append(x.s)
        if r["date"].match(x.s):
            part.dates.append(x.s)


# ---------------------------------------------------------------- items


def _build_tree(content: list[Line]) -> tuple[list[Line], list[Node], list[Line]]:
    """Return (preamble lines, top-level nodes, closing lines)."""
    r = _rules()
    preamble: list[Line] = []
    closing: list[Line] = []
    roots: list[Node] = []
    stack: list[Node] = []
    in_closing = False
    last_had_agency = False
    for line in content:
        s = line.s
        m = match_marker(s)
        if in_closing and m is not None and _next_root(roots, m):
            # 联系人：… after a section, then 二、…: the contact closed that section, not the part
            (stack[-1] if stack else roots[-1]).lines.extend(ln.text for ln in closing)
            closing.clear()
            in_closing = False
        if in_closing:
            closing.append(line)
            continue
        if m is None and stack and (s.startswith(r["closing"]) or last_had_agency):
            in_closing = True
            closing.append(line)
            continue
        if m is None:
            if stack:
                stack[-1].lines.append(line.text)
                last_had_agency = find_responsibility(s) is not None
            elif s.startswith(r["closing"]) and roots:
                in_closing = True
                closing.append(line)
            else:
                preamble.append(line)
            continue
        style, _numeral, number, end = m
        styles = [n.style for n in stack]
        if style in styles:
            del stack[styles.index(style) :]
        marker_text = s[:end].strip()
        node = Node(style, marker_text, number, len(stack) + 1, line.text.slice(end, len(s)))
        if stack:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)
        last_had_agency = find_responsibility(s) is not None
    return preamble, roots, closing


def _next_root(roots: list[Node], m: tuple[str, str, int | None, int]) -> bool:
    """Does the marker ``m`` number the top level on from its last item (一、 … then 二、)?"""
    style, _numeral, number, _end = m
    last = roots[-1] if roots else None
    return last is not None and style == last.style and number is not None and number == (last.number or 0) + 1


def _split_inline(node: Node) -> None:
    """Turn 一是…。二是…。 inside a leaf into child nodes."""
    if node.children:
        for child in node.children:
            _split_inline(child)
        return
    body = node.body()
    text = body.text
    for style, pattern in _rules()["inline"]:
        rx = re.compile(r"(?:^|(?<=[。;；:：]))" + pattern)
        hits = []
        expect = 1
        for m in rx.finditer(text):
            if numeral_to_int(m.group("n")) == expect:
                hits.append(m)
                expect += 1
        if len(hits) < 2:
            continue
        lead = body.slice(0, hits[0].start())
        node.first, node.lines = lead, []
        for k, m in enumerate(hits):
            end = hits[k + 1].start() if k + 1 < len(hits) else len(text)
            child = Node(
                style,
                m.group(0),
                numeral_to_int(m.group("n")),
                node.level + 1,
                body.slice(m.end(), end),
                parent=node,
                inline=True,
            )
            node.children.append(child)
        return


_HEADING_MAX = 40
_NOT_IN_HEADINGS = re.compile(r"[;；:：\d]")


def _heading_like(node: Node, line: str) -> bool:
    """A line that can be a heading: short, no number, and not an article's first sentence.

    A heading line is kept as the item's title and left out of its text, so a
    line with a number (第十六条 见习期间，…不低于…80%的生活补贴。) or an
    article's opening sentence is body text, never a heading.
    """
    return node.style != "article" and len(line) <= _HEADING_MAX and not _NOT_IN_HEADINGS.search(line.rstrip("。"))


def _assign_titles(nodes: list[Node]) -> None:
    r = _rules()
    for node in nodes:
        first = node.first.text.strip()
        has_more = bool(node.lines) or bool(node.children)
        sentence_end = first.find("。")
        if node.inline:
            pass
        elif (
            has_more and first and (sentence_end == -1 or sentence_end == len(first) - 1) and _heading_like(node, first)
        ):
            node.title, node.title_source = first.rstrip("。"), "heading_line"
        elif (
            0 < sentence_end <= 20
            and ("," not in first[:sentence_end] or sentence_end <= 12)
            and sentence_end < len(first) - 1
        ):
            node.title, node.title_source = first[:sentence_end], "first_sentence"
        elif 0 < sentence_end <= 20 and not node.lines and not node.children and sentence_end == len(first) - 1:
            node.title, node.title_source = first[:sentence_end], "first_sentence"
    # A title that runs into its body with no punctuation (平顶山 item 二):
    # only where most siblings carry a title.
    titled = sum(1 for n in nodes if n.title)
    if nodes and titled * 2 >= len(nodes):
        for node in nodes:
            if node.title or node.inline:
                continue
            first = node.first.text
            clause_end = min([p for p in (first.find(","), first.find("。")) if p > 0] or [len(first)])
            clause = first[:clause_end]
            best = None
            for opener in r["openers"]:
                pos = clause.find(opener)
                if 4 <= pos <= 25 and (best is None or pos < best):
                    best = pos
            if best is not None:
                node.title, node.title_source = clause[:best], "run_on"
    for node in nodes:
        _assign_titles(node.children)


def _role(node: Node) -> str:
    roles = _rules()["roles"]
    cur: Node | None = node
    while cur is not None:
        if cur.title and _norm_title(cur.title) in roles:
            return roles[_norm_title(cur.title)]
        cur = cur.parent
    return "measure"


def _walk(nodes: list[Node]):
    for n in nodes:
        yield n
        yield from _walk(n.children)


def _sibling_titles(chain: list[Node]) -> str:
    """The titles of the other items beside each item of ``chain`` (the sections a condition's grant is in)."""
    titles = [c.title for n in chain if n.parent for c in n.parent.children if c is not n and c.title]
    return " / ".join(titles)


def _path(node: Node) -> list[Node]:
    chain = []
    cur: Node | None = node
    while cur is not None:
        chain.append(cur)
        cur = cur.parent
    return chain[::-1]


def _credit_reply(part: Part, preamble: list[Line], blocks: list[Block]) -> None:
    """Credit a reply's items to the replying body and the agencies it consulted."""
    from .agencies import split_names

    pattern = _lexicon.load("agencies.yaml").get("reply_consulted_pattern")
    issuer = (part.title or "").split(_lexicon.load("structure.yaml")["reply_issuer_before"])[0] or None
    if not pattern or not issuer:
        return
    m = re.search(pattern, "".join(ln.s for ln in preamble))
    others = split_names(m.group("others")) if m else []
    for b in blocks:
        if b.responsibility is None and b.block_kind in ("item", "intro"):
            b.responsibility = Responsibility(issuer, list(others), "reply_issuer", text=m.group(0) if m else "")


def parse_structure(doc_id: str, text: MappedText) -> Structure:
    """Segment a cleaned document into parts and blocks.

    What the parser notices (numbering slips, unsegmented parts) comes back
    in ``Structure.warnings`` and is warned here, after parsing, so that a
    warning can never be mistaken for a parser failure.
    """
    try:
        structure = _parse(doc_id, text)
    except Exception as exc:  # a parser bug must not lose the document
        structure = _unsegmented(doc_id, text, f"structure parser failed ({exc!r})")
    for note in structure.warnings:
        warnings.warn(note, StructureWarning, stacklevel=2)
    return structure


def _unsegmented(doc_id: str, text: MappedText, why: str) -> Structure:
    msg = f"{doc_id}: {why}; kept the whole text as one unsegmented block"
    body = text.strip()
    part = Part("body", "body", 0, content=[Line(0, body)])
    block = Block(
        measure_id=f"{doc_id}:body:all",
        part_id="body",
        part_kind="body",
        part_title=None,
        forwarded=False,
        block_kind="unsegmented",
        order=0,
        section_path="body",
        heading_path="",
        item_marker=None,
        item_number=None,
        level=0,
        title=None,
        title_source="none",
        item_role="measure",
        text=body.join_lines(),
    )
    return Structure(doc_id, [part], [block] if len(body) else [], [msg])


class _Blocks:
    """Collects a document's blocks in order, with unique ids."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.blocks: list[Block] = []

    def add(self, part: Part, kind: str, suffix: str, body: MappedText, **kw) -> None:
        joined = body.join_lines().strip()
        if not len(joined):
            return
        self.blocks.append(
            Block(
                measure_id=f"{self.doc_id}:{part.part_id}:{suffix}",
                part_id=part.part_id,
                part_kind=part.kind,
                part_title=part.title,
                forwarded=part.forwarded,
                block_kind=kind,
                order=len(self.blocks),
                section_path=kw.get("section_path", part.part_id),
                heading_path=kw.get("heading_path", ""),
                item_marker=kw.get("marker"),
                item_number=kw.get("number"),
                level=kw.get("level", 0),
                title=kw.get("title"),
                title_source=kw.get("title_source", "none"),
                item_role=kw.get("role", "measure"),
                text=joined,
                responsibility=kw.get("responsibility"),
                lead_in=kw.get("lead_in"),
                sibling_titles=kw.get("sibling_titles", ""),
            )
        )


def _parse(doc_id: str, text: MappedText) -> Structure:
    parts = _find_parts(split_lines(text))
    out = _Blocks(doc_id)
    notes = [
        f"{doc_id}: two parts are numbered {p.part_id.split('~')[0]}; the repeat is {p.part_id}"
        for p in parts
        if "~" in p.part_id
    ]
    leads = _LeadState()
    total_items = 0
    for part in parts:
        if part.kind == "fragment":
            out.add(part, "fragment", "text", _concat([ln.text for ln in part.content] or [MappedText.identity("")]))
            continue
        total_items += _part_blocks(doc_id, part, out, notes, leads)
    if total_items == 0 and out.blocks:
        notes.append(f"{doc_id}: no numbered items found anywhere; the text is kept in {len(out.blocks)} block(s)")
    return Structure(doc_id, parts, out.blocks, notes)


@dataclass
class _LeadState:
    """Whether a document declared that the first listed agency leads (列首位的为牵头单位，下同)."""

    first_lead_declared: bool = False

    def responsibility(self, text: str) -> Responsibility | None:
        found = find_responsibility(text)
        if found is None:
            return None
        r, _span = found
        if r.declares_first_lead and r.carry_forward:
            self.first_lead_declared = True
        elif r.lead_rule == "first_listed_convention" and self.first_lead_declared:
            r.lead_rule = "first_listed_declared"
        return r


def _part_blocks(doc_id: str, part: Part, out: _Blocks, notes: list[str], leads: _LeadState) -> int:
    """Add one part's blocks; return how many numbered items (leaves) it has."""
    preamble, roots, closing = _build_tree(part.content)
    for root in roots:
        _split_inline(root)
    _assign_titles(roots)
    if preamble:
        kind = "unsegmented" if not roots and part.kind in ("plan", "body", "annex", "reply") else "preamble"
        if kind == "unsegmented":
            notes.append(f"{doc_id}: no numbered items found in part {part.part_id}; kept its text as one block")
        out.add(part, kind, "preamble" if kind == "preamble" else "all", _concat([ln.text for ln in preamble]))
    keys = _ItemKeys()
    items = 0
    for node in _walk(roots):
        items += _node_block(part, node, keys.key(node), out, leads)
    notes.extend(keys.notes(doc_id, part.part_id))
    if closing:
        out.add(part, "closing", "closing", _concat([ln.text for ln in closing]))
    if part.kind == "reply":
        _credit_reply(part, preamble, [b for b in out.blocks if b.part_id == part.part_id])
    return items


class _ItemKeys:
    """Ids from item numbers as written; a number used twice gets ~2, ~3 … and one note per part."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}
        self.repeats: list[str] = []

    def key(self, node: Node) -> str:
        key = ".".join(str(n.number) if n.number is not None else n.marker for n in _path(node))
        self.used[key] = self.used.get(key, 0) + 1
        if self.used[key] == 1:
            return key
        if self.used[key] == 2:
            self.repeats.append(key)
        return f"{key}~{self.used[key]}"

    def notes(self, doc_id: str, part_id: str) -> list[str]:
        if not self.repeats:
            return []
        if len(self.repeats) == 1:
            k = self.repeats[0]
            return [f"{doc_id}: item number {k} repeats in part {part_id}; the repeat is {k}~2"]
        shown = ", ".join(self.repeats[:3]) + (" …" if len(self.repeats) > 3 else "")
        return [
            f"{doc_id}: {len(self.repeats)} item numbers repeat in part {part_id} ({shown}): the source numbers "
            "them twice (numbering restarts, or chapter labels were lost); each repeat gets ~2, ~3 …"
        ]


def _lead_in(node: Node) -> str | None:
    """The parent item's own text (its lead-in), or its title when it has no text of its own."""
    parent = node.parent
    while parent is not None:
        own = _concat([parent.first, *parent.lines]).join_lines().text.strip()
        if own:
            return own
        parent = parent.parent
    return None


def _node_block(part: Part, node: Node, key: str, out: _Blocks, leads: _LeadState) -> int:
    """Add the block of one item node; return 1 for a leaf (a measure), else 0."""
    chain = _path(node)
    body = node.body()
    common = dict(
        section_path=" / ".join([part.part_id] + [n.marker for n in chain]),
        heading_path=" / ".join(n.title for n in chain[:-1] if n.title),
        marker=node.marker,
        number=node.number,
        level=node.level,
        title=node.title,
        title_source=node.title_source,
        role=_role(node),
        responsibility=leads.responsibility(body.text),
        lead_in=_lead_in(node),
        sibling_titles=_sibling_titles(chain),
    )
    if not node.children:
        if node.title_source == "heading_line":
            part.headings.append(node.first)
            body = _concat(node.lines)
        out.add(part, "item", key, body, **common)
        return 1
    if node.title_source == "heading_line":
        part.headings.append(node.first)
        out.add(part, "intro", f"{key}:intro", _concat(node.lines), **common)
    elif node.title:
        # Lead sentence of an 一是/二是 item: its title only, unless more text.
        if body.text[len(node.title) :].lstrip("。").strip():
            out.add(part, "intro", f"{key}:intro", body, **common)
        else:
            part.headings.append(body)
    else:
        out.add(part, "intro", f"{key}:intro", body, **common)
    return 0
