"""The quantity search costs time in proportion to its input, and odd numbers never enter the table unmarked.

Pathological inputs are timed against a plain text of the same length in the
same run (a ratio of CPU times, not a wall-clock limit): a list of ten thousand numbers
with no unit until the end took 71 s when the list-sharing loop was
quadratic.
"""

from __future__ import annotations

import gc
import time

import pytest

from policystats.extract.numerals import cn_is_wellformed
from policystats.extract.quantities import parse_quantity, search_quantities

from .conftest import RAW

PLAIN = (RAW / "pingdingshan-2022-huiqi.txt").read_text(encoding="utf-8")

PATHOLOGICAL = {
    "a list with no unit until its end": "1、" * 10000 + "万元",
    "thousands separators without end": "1,000" * 5000,
    "ten thousand 十": "十" * 10000 + "万元",
}
# Inputs dense with real quantities cost more per character than plain text
# (each quantity is read in full); what matters is that they stay linear.
DENSE = {
    "a comparator before each of many lists": lambda n: ("超过" + "1、" * 50 + "万元，") * n,
    "one long line of numbers and units": lambda n: "12万元" * (20 * n),
    "a list with no unit until its end": lambda n: "1、" * (50 * n) + "万元",
}


def _seconds(text: str, repeats: int = 7) -> float:
    """CPU seconds of this process (other processes on the machine do not count), the minimum of ``repeats``.

    The garbage collector is paused while timing: a collection landing in one
    of a few milliseconds' runs would decide the ratio.
    """
    best = float("inf")
    gc.disable()
    try:
        for _ in range(repeats):
            t0 = time.process_time()
            search_quantities(text)
            best = min(best, time.process_time() - t0)
    finally:
        gc.enable()
    return best


# Ten thousand numbers in twenty thousand characters cost about ten times a plain
# text of that length (6–12× measured on two cores, more under load); the quadratic
# loop this guards against cost a thousand times more.
PATHOLOGICAL_MAX_RATIO = 25


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_costs_a_small_multiple_of_plain_text(name: str) -> None:
    text = PATHOLOGICAL[name]
    plain = (PLAIN * (len(text) // len(PLAIN) + 1))[: len(text)]
    search_quantities("预计")  # compile the lexicon first
    ratio = _seconds(text) / _seconds(plain)
    assert ratio < PATHOLOGICAL_MAX_RATIO, f"{name}: {ratio:.1f}× a plain text of the same length"


@pytest.mark.parametrize("name", DENSE)
def test_cost_is_linear_in_the_length_of_dense_input(name: str) -> None:
    make = DENSE[name]
    search_quantities("预计")
    ratio = _seconds(make(320), repeats=5) / _seconds(make(40), repeats=5)
    assert ratio < 8 * 2, f"{name}: 8× the input took {ratio:.1f}× the time (quadratic would be 64×)"


def test_digits_beyond_a_float_are_no_quantity() -> None:
    assert search_quantities("9" * 400 + "万元") == []
    assert parse_quantity("12万元").value == 120000.0


def test_an_inverted_range_is_flagged_not_read_as_a_range() -> None:
    (q,) = [q for _, q in search_quantities("补贴４至3万美元")]
    assert (q.value, q.value_max, q.comparator, q.flags) == (30000.0, None, "=", ("inverted_range",))


@pytest.mark.parametrize(
    ("text", "ok"),
    [("二十五", True), ("一百零三", True), ("三亿五千万", True), ("十十十", False), ("三五", False), ("百千", False)],
)
def test_malformed_chinese_numerals_are_rejected(text: str, ok: bool) -> None:
    assert cn_is_wellformed(text) is ok
    found = search_quantities(f"支持{text}家企业")
    assert bool(found) is ok
