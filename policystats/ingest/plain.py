"""Plain-text files: UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030.

The decoded text *is* the document's text: nothing is stored beside the file,
and offsets index the decoded characters.
"""

from __future__ import annotations

from ..errors import DocumentReadError

VERSION = "1"

_COMMON_PUNCT = set("，。、；：？！“”‘’（）《》〔〕【】—…·％０１２３４５６７８９")


def _common_chinese_share(text: str) -> float:
    """Share of non-ASCII characters that are common Chinese characters or punctuation.

    Common means GB2312 level 1 (the 3,755 most frequent hanzi). Real GBK text
    scores above 0.8; Big5 or Latin-1 bytes misread as GBK score far lower.
    """
    non_ascii = [ch for ch in text if ord(ch) > 127 and not ch.isspace()]
    if not non_ascii:
        return 1.0
    good = 0
    for ch in non_ascii:
        if ch in _COMMON_PUNCT:
            good += 1
            continue
        try:
            b = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if len(b) == 2 and 0xB0 <= b[0] <= 0xD7:
            good += 1
    return good / len(non_ascii)


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode a text file's bytes; return ``(text, encoding)``.

    UTF-8 (with or without BOM), UTF-16 with BOM, and GBK/GB18030 are read.
    Anything else, an empty file or a binary file raises ``DocumentReadError``
    naming the file.

    >>> decode_bytes("中小企业".encode("gbk"), "x.txt")
    ('中小企业', 'gb18030')
    """
    if not data or not data.strip():
        raise DocumentReadError(f"{name}: the file is empty; there is no text to read")
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data.decode("utf-8-sig"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, enc = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DocumentReadError(f"{name}: has a UTF-16 byte-order mark but is not valid UTF-16 ({exc})") from exc
    else:
        if b"\x00" in data:
            raise DocumentReadError(
                f"{name}: looks binary (it contains NUL bytes and no UTF-16 byte-order mark); "
                "policystats reads plain-text files only. Convert it to UTF-8 text first."
            )
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError as exc:
                raise DocumentReadError(
                    f"{name}: is neither UTF-8 nor GBK/GB18030 text ({exc}). Re-save it as UTF-8."
                ) from exc
            if _common_chinese_share(text) < 0.6:
                raise DocumentReadError(
                    f"{name}: is not UTF-8, and read as GBK it gives mostly non-Chinese characters; "
                    "the encoding is unknown. Re-save it as UTF-8."
                ) from None
    if not text.strip():
        raise DocumentReadError(f"{name}: contains only whitespace; there is no text to read")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(3, len(text) // 100):
        raise DocumentReadError(
            f"{name}: looks binary ({controls} control characters); policystats reads plain text only"
        )
    return text, enc
