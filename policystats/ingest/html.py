"""Government web pages: the main text, without navigation, footers and scripts.

lxml parses the page (it decodes entities and survives broken markup). The
main text is found by where the sentences are: starting at ``<body>``, the
importer descends into the child that holds most of the page's sentence
punctuation (。；：), until no child holds most of it. Hidden elements
(``display:none``, a page's print copy) and scripts, styles, forms, menus and
footers are dropped first. Block elements become lines; table cells are
separated by a tab, rows by a line break.

>>> page = '<html><body><div class="nav">首页</div><div id="c"><p>第一条 给予5万元。</p></div></body></html>'
>>> html_text(page.encode(), "x.html")[0]
'第一条 给予5万元。\\n'
"""

from __future__ import annotations

import re

from ..errors import DocumentReadError

VERSION = "1"

_DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
    "form",
    "select",
    "option",
    "button",
    "input",
    "textarea",
    "nav",
    "header",
    "footer",
    "aside",
    "head",
    "link",
    "meta",
}
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "blockquote",
    "pre",
    "center",
    "address",
    "hr",
    "caption",
    "figure",
    "figcaption",
}
_CELL_TAGS = {"td", "th"}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SENTENCE = re.compile("[。；：;]")


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Bytes to text: a byte-order mark, then the page's declared charset, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    declared = _CHARSET.search(data[:4096])
    tries = []
    if declared:
        enc = declared.group(1).decode("ascii").lower()
        tries.append("gb18030" if enc in ("gb2312", "gbk", "gb18030") else enc)
    tries += ["utf-8", "gb18030"]
    for enc in tries:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    raise DocumentReadError(f"{name}: is a web page in an unknown encoding (not UTF-8 or GBK); re-save it as UTF-8")


def _prune(root) -> None:
    """Drop scripts, forms, menus and hidden elements in place."""
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str):  # comments and processing instructions
            doomed.append(el)
            continue
        if el.tag.lower() in _DROP_TAGS or _HIDDEN.search(el.get("style") or "") or el.get("hidden") is not None:
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _own_score(el) -> int:
    """Sentence punctuation in an element's text outside links."""
    n = 0
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        in_link = node.tag == "a" or any(a.tag == "a" for a in node.iterancestors())
        if not in_link and node.text:
            n += len(_SENTENCE.findall(node.text))
        if node is not el and node.tail and not in_link:
            n += len(_SENTENCE.findall(node.tail))
    return n


def _main(body):
    """The smallest element that holds most of the page's sentences."""
    cur = body
    while True:
        total = _own_score(cur)
        children = [c for c in cur if isinstance(c.tag, str)]
        if not children or total == 0:
            return cur
        scored = [(_own_score(c), i, c) for i, c in enumerate(children)]
        best = max(scored, key=lambda t: (t[0], -t[1]))
        if best[0] * 2 <= total:
            return cur
        cur = best[2]


def _lines(el) -> list[str]:
    """Text of ``el`` as lines: block elements break lines, cells are tab-separated."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        lines.append("".join(buf))
        buf.clear()

    def walk(node) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            flush()
        if tag in _CELL_TAGS and buf and buf[-1] != "\t":
            buf.append("\t")
        if node.text and tag != "br":
            buf.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            flush()

    walk(el)
    flush()
    return [line.replace("\t\n", "\n").strip(" \t\r\n\u00a0\u3000") for line in lines]


def html_text(data: bytes, name: str) -> tuple[str, str]:
    """``(text, encoding)`` of a web page's main text (see the module docstring)."""
    import lxml.html

    text, encoding = _decode(data, name)
    try:
        doc = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise DocumentReadError(f"{name}: cannot be parsed as HTML ({exc})") from exc
    body = doc.find("body")
    if body is None:
        body = doc
    _prune(body)
    main = _main(body)
    out = "\n".join(line.replace("\u00a0", " ") for line in _lines(main) if line.strip())
    if not out.strip():
        raise DocumentReadError(f"{name}: the web page holds no text (is it a frame or a script-only page?)")
    return out + "\n", encoding
