"""The extractor's speed-ups must not change what it finds.

``_Never`` tries the never-quantity patterns only where each can start (read
off the patterns) near candidate numbers; a plain scan tries them at every
position. On every seed (and on perturbed copies) both must skip exactly the
same candidates.

``theme_scores`` counts every theme's cue words with one regex search that
restarts after each match; a plain count of each word at every position must
give the same scores on every measure of every seed.
"""

from __future__ import annotations

import random

import pytest

from policystats.devtools.synthetic import perturb
from policystats.extract import classify as C
from policystats.extract import quantities as Q
from policystats.extract.clean import clean, normalize_width
from policystats.extract.quantity_lexicon import lexicon
from tests.conftest import RAW

SEEDS = sorted(p.stem for p in RAW.glob("*.txt"))


def _full_never_spans(s: str) -> list[tuple[int, int]]:
    patterns = lexicon().never.patterns
    spans = []
    for p in range(len(s)):
        end = max((m.end() for rx in patterns if (m := rx.match(s, p)) is not None), default=p)
        if end > p:
            spans.append((p, end))
    return spans


def _candidates(s: str) -> list[tuple[int, int]]:
    lex, t = lexicon(), Q._Text(s)
    ms = sorted([*lex.arabic.finditer(s), *lex.chinese.finditer(s)], key=lambda m: m.start())
    return [m.span() for m in ms if not Q._is_year(t, m)]


def _compare(text: str) -> None:
    s = normalize_width(text)
    full = _full_never_spans(s)
    never = Q._Never(s, lexicon())
    cands = _candidates(s)
    assert cands, "no candidate numbers: the test would be empty"
    lazy = [never.covers(a, b) for a, b in cands]
    plain = [any(x < b and a < y for x, y in full) for a, b in cands]
    diff = [(s[a:b], s[max(0, a - 8) : b + 8]) for (a, b), u, v in zip(cands, lazy, plain, strict=True) if u != v]
    assert diff == []
    assert sum(plain) > 0, "no never-quantity at all: the comparison proves nothing"


@pytest.mark.parametrize("doc_id", SEEDS)
def test_lazy_never_spans_equal_a_full_scan(doc_id: str) -> None:
    _compare((RAW / f"{doc_id}.txt").read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed", [1, 2])
def test_lazy_never_spans_equal_a_full_scan_on_perturbed_text(seed: int) -> None:
    rng = random.Random(seed)
    for doc_id in SEEDS:
        _compare(perturb((RAW / f"{doc_id}.txt").read_text(encoding="utf-8"), rng))


def _plain_theme_scores(title: str | None, text: str) -> dict[str, int]:
    scores = {}
    for code, words, _tool in C._lex()["themes"]:
        scores[code] = sum(
            weight * sum(source.startswith(w, i) for i in range(len(source)))
            for source, weight in ((title or "", 3), (text, 1))
            for w in words
        )
    return scores


@pytest.mark.parametrize("doc_id", SEEDS)
def test_theme_scores_equal_a_plain_count_of_every_cue_word(doc_id: str) -> None:
    from policystats.extract.structure import parse_structure

    text = clean((RAW / f"{doc_id}.txt").read_text(encoding="utf-8"))
    blocks = parse_structure(doc_id, text).blocks
    assert blocks
    pairs = [(b.title, b.text.text) for b in blocks]
    assert any(any(C.theme_scores(*p).values()) for p in pairs), "no cue word at all: the comparison proves nothing"
    assert [C.theme_scores(*p) for p in pairs] == [_plain_theme_scores(*p) for p in pairs]
