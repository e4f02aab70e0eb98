"""PDFs with a text layer, read with pypdf (pure Python, no system libraries).

Pages are read in order and separated by a line break; NUL characters that
some producers' font maps leave between CJK characters are dropped. A PDF
whose pages hold no text (a scan) gets an error saying it needs OCR: we do not
guess at text from images.
"""

from __future__ import annotations

import io

from ..errors import DocumentReadError

VERSION = "1"


def pdf_text(data: bytes, name: str) -> str:
    """The text layer of a PDF (see the module docstring)."""
    import logging

    import pypdf
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF"):
        raise DocumentReadError(f"{name}: is not a PDF file (it does not start with %PDF)")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf logs every odd font; errors still raise
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise DocumentReadError(f"{name}: is an encrypted PDF; remove the password and add it again") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentReadError(f"{name}: is a damaged PDF ({type(exc).__name__}: {exc})") from exc
    lines: list[str] = []
    for page in pages:
        lines.extend(line.replace("\x00", "").strip() for line in page.splitlines())
    out = "\n".join(line for line in lines if line)
    if sum(ch.isalnum() for ch in out) < 10:
        raise DocumentReadError(
            f"{name}: the PDF has no text layer ({len(pages)} page(s) of images, a scan?); it needs OCR first. "
            "Run it through an OCR tool (e.g. ocrmypdf --language chi_sim) and add the result."
        )
    return out + "\n"
