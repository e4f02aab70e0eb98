"""Import a published document into text the extractor reads.

A researcher brings files in the formats governments publish: plain text
(UTF-8, GBK/GB18030, UTF-16), web pages (``.html``/``.htm``), Word files
(``.docx``) and PDFs with a text layer. ``import_file`` turns one into an
``Imported`` text; the original bytes are kept untouched in ``data/raw/`` and
the text is stored beside them (``data/text/``), so offsets index that text.

Every importer is deterministic: the same bytes give the same text on every
machine. Its name and version are recorded in the catalog.

>>> imported = import_bytes("中小企业".encode("gbk"), "x.txt")
>>> imported.text, imported.format, imported.encoding
('中小企业', 'txt', 'gb18030')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import DocumentReadError


@dataclass(frozen=True)
class Imported:
    """The text of one imported file and how it was made."""

    text: str
    format: str  # txt | html | docx | pdf
    encoding: str  # of the raw bytes (txt, html); "" for binary formats
    importer: str  # e.g. "html 1": the importer and its version

    @property
    def needs_text_file(self) -> bool:
        """A plain-text file is its own text; every other format stores its text beside it."""
        return self.format != "txt"


SUPPORTED = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}
"""File suffixes that ``policystats add`` accepts, and their format."""

_UNSUPPORTED = {
    ".doc": "a legacy Word file",
    ".wps": "a WPS Office file",
    ".rtf": "an RTF file",
    ".odt": "an OpenDocument text",
    ".xls": "a spreadsheet",
    ".xlsx": "a spreadsheet",
    ".ofd": "an OFD file",
    ".jpg": "an image",
    ".jpeg": "an image",
    ".png": "an image",
}


def supported_list() -> str:
    return ".txt, .html/.htm, .docx and .pdf (with a text layer)"


def format_of(name: str) -> str:
    """The format of a file by its suffix; a clear error for anything unsupported."""
    suffix = Path(name).suffix.lower()
    if suffix in SUPPORTED:
        return SUPPORTED[suffix]
    what = _UNSUPPORTED.get(suffix, f"a {suffix or 'suffix-less'} file")
    hint = " Open it in Word or WPS and save it as .docx, or export it as PDF." if suffix in (".doc", ".wps") else ""
    raise DocumentReadError(f"{name}: is {what}, which policystats cannot import; it reads {supported_list()}.{hint}")


def import_bytes(data: bytes, name: str) -> Imported:
    """Import a file's bytes; ``name`` gives the format (by suffix) and names the file in errors."""
    fmt = format_of(name)
    if fmt == "txt":
        from .plain import VERSION, decode_bytes

        text, encoding = decode_bytes(data, name)
        return Imported(text, "txt", encoding, f"txt {VERSION}")
    if not data.strip():
        raise DocumentReadError(f"{name}: the file is empty; there is no text to read")
    if fmt == "html":
        from .html import VERSION, html_text

        text, encoding = html_text(data, name)
        return Imported(text, "html", encoding, f"html {VERSION}")
    if fmt == "docx":
        from .docx import VERSION, docx_text

        return Imported(docx_text(data, name), "docx", "", f"docx {VERSION}")
    from .pdf import VERSION, pdf_text

    return Imported(pdf_text(data, name), "pdf", "", f"pdf {VERSION}")


def import_file(path: str | Path) -> Imported:
    """Import the file at ``path`` (see ``import_bytes``)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise DocumentReadError(f"{p}: no such file") from exc
    except IsADirectoryError as exc:
        raise DocumentReadError(f"{p}: is a folder, not a file; `policystats add DIR` registers a folder") from exc
    except OSError as exc:
        raise DocumentReadError(f"{p}: cannot be read ({exc.strerror or exc})") from exc
    return import_bytes(data, p.name)


def tidy_lines(lines: list[str]) -> str:
    """Join extracted lines: spaces trimmed, no empty lines, one ``\\n`` between lines, ending with one."""
    out = []
    for line in lines:
        line = " ".join(line.replace("\u00a0", " ").split(" ")).strip()
        if line.strip():
            out.append(line)
    return "\n".join(out) + "\n" if out else ""
