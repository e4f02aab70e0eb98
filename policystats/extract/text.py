"""Text that remembers where every character came from in the raw file.

``MappedText`` is the currency of the pipeline: cleaning, segmentation and
quantity extraction all work on it, and any span of it maps back to the raw
document, so ``raw[start:end]`` is always the exact source.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MappedText:
    """A string plus, for each character, its index in the raw text.

    >>> t = MappedText.identity("ab\\ncd")
    >>> u = t.remove(lambda ch: ch == "\\n")
    >>> u.text, u.raw_span(1, 3)
    ('abcd', (1, 4))
    """

    text: str
    offsets: array  # array('l'): raw index of text[i]

    @classmethod
    def identity(cls, raw: str) -> MappedText:
        return cls(raw, array("l", range(len(raw))))

    @classmethod
    def build(cls, pieces: Iterable[tuple[str, int]]) -> MappedText:
        """Build from ``(char, raw_index)`` pairs."""
        chars: list[str] = []
        offs = array("l")
        for ch, idx in pieces:
            chars.append(ch)
            offs.append(idx)
        return cls("".join(chars), offs)

    def __len__(self) -> int:
        return len(self.text)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open span ``[start, end)`` of this text to the raw text."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside text of length {len(self.text)}")
        return self.offsets[start], self.offsets[end - 1] + 1

    def slice(self, start: int, end: int) -> MappedText:
        return MappedText(self.text[start:end], self.offsets[start:end])

    def strip(self) -> MappedText:
        """Drop leading and trailing whitespace, keeping the mapping."""
        text = self.text
        a, b = 0, len(text)
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        return self.slice(a, b)

    def remove(self, drop) -> MappedText:
        """Remove every character for which ``drop(ch)`` is true."""
        keep = [i for i, ch in enumerate(self.text) if not drop(ch)]
        return MappedText("".join(self.text[i] for i in keep), array("l", (self.offsets[i] for i in keep)))

    def join_lines(self) -> MappedText:
        """Remove line breaks: Chinese paragraphs read on across them."""
        if "\n" not in self.text:
            return self
        pieces = self.text.split("\n")
        offs = array("l")
        pos = 0
        for piece in pieces:  # copy the offsets line by line, not character by character
            offs.extend(self.offsets[pos : pos + len(piece)])
            pos += len(piece) + 1
        return MappedText("".join(pieces), offs)

    def find(self, sub: str, start: int = 0) -> int:
        return self.text.find(sub, start)
