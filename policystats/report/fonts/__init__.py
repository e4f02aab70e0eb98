"""The bundled CJK font: registered with matplotlib for the figures, subset and embedded in the HTML pages."""

from __future__ import annotations

import io

from ...paths import FONT_DIR

FONT_FILE = FONT_DIR / "NotoSansCJKsc-Regular-subset.otf"
FONT_FAMILY = "Noto Sans CJK SC"
# Tables a browser does not need to draw horizontal text.
DROP_TABLES = ["BASE", "VORG", "vhea", "vmtx", "GPOS", "GSUB"]


def subset_font(chars: str) -> bytes:
    """The bundled font cut down to ``chars`` (OpenType/CFF bytes), for an ``@font-face`` data URL."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    opts = subset.Options()
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    opts.desubroutinize = True
    opts.layout_features = []
    opts.drop_tables += DROP_TABLES
    font = TTFont(str(FONT_FILE), lazy=True)
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
