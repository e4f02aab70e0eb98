"""Synthetic corpora for benchmarks and scale tests, made from the seed documents.

Each synthetic document is a copy of one seed with its Arabic numbers
perturbed (same number of digits, years kept), so it has the structure,
wording and damage of a real notice but different values. Nothing here is
used to build the real table.

>>> import random
>>> text = "2019年贷款100亿元，增长15.5%"
>>> out = perturb(text, random.Random(0))
>>> out[:7], len(out) == len(text), out[7:10] != "100"
('2019年贷款', True, True)
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from pathlib import Path

from ..corpus import CATALOG_COLUMNS, read_catalog
from ..paths import ProjectPaths, get_paths

_DIGITS = re.compile(r"\d+")
_ITEM_AFTER = re.compile(r"[.．、](?!\d)")


def perturb(text: str, rng: random.Random) -> str:
    """Replace every digit run by random digits of the same length.

    Years (19xx, 20xx), item numbers that open a line (1. 2、) and annex
    numbers (附件2) are kept.
    """

    def repl(m: re.Match) -> str:
        g = m.group()
        if len(g) == 4 and g[:2] in ("19", "20"):
            return g
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not text[line_start : m.start()].strip() and _ITEM_AFTER.match(text, m.end()):
            return g  # an item number (1. 2、) keeps the document's structure
        if text.endswith("附件", 0, m.start()):
            return g  # so does an annex number
        first = str(rng.randint(1, 9)) if len(g) > 1 or g != "0" else "0"
        return first + "".join(str(rng.randint(0, 9)) for _ in range(len(g) - 1))

    return _DIGITS.sub(repl, text)


def seed_texts(root: str | Path | None = None) -> list[tuple[dict[str, str], str]]:
    """The catalogued documents with their raw text, in doc_id order."""
    paths = get_paths(root)
    rows = sorted(read_catalog(paths), key=lambda r: r["doc_id"])
    return [(r, (paths.raw / r["file"]).read_bytes().decode(r["encoding"])) for r in rows]


def texts(min_chars: int, seed: int = 0, root: str | Path | None = None) -> list[str]:
    """Perturbed copies of the seeds, cycling through them, until ``min_chars`` characters."""
    rng = random.Random(seed)
    seeds = [t for _, t in seed_texts(root)]
    out: list[str] = []
    total = 0
    i = 0
    while total < min_chars:
        t = perturb(seeds[i % len(seeds)], rng)
        out.append(t)
        total += len(t)
        i += 1
    return out


def make_project(dest: str | Path, n_docs: int, seed: int = 0, root: str | Path | None = None) -> ProjectPaths:
    """Write a project with ``n_docs`` synthetic documents and their catalog under ``dest``.

    Rows keep the metadata of the seed they were made from; doc_id, file name
    and sha256 are new. The result builds with ``policystats --root DEST build``.
    """
    rng = random.Random(seed)
    seeds = seed_texts(root)
    paths = ProjectPaths(Path(dest))
    paths.raw.mkdir(parents=True, exist_ok=True)
    width = max(5, len(str(n_docs)))
    with paths.catalog.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CATALOG_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for i in range(n_docs):
            row, text = seeds[i % len(seeds)]
            data = perturb(text, rng).encode("utf-8")
            doc_id = f"synth-{i:0{width}d}-{row['doc_id']}"
            (paths.raw / f"{doc_id}.txt").write_bytes(data)
            new = {c: row.get(c, "") for c in CATALOG_COLUMNS}
            new.update(
                doc_id=doc_id,
                file=f"{doc_id}.txt",
                original_name=row["file"],
                sha256=hashlib.sha256(data).hexdigest(),
                encoding="utf-8",
                provenance=f"synthetic: {row['doc_id']} with its numbers perturbed (seed {seed})",
            )
            writer.writerow(new)
    return paths
