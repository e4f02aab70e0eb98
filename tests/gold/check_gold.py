"""Check gold files against their texts (corpus or held-out): every context found, every value readable.

    python tests/gold/check_gold.py tests/gold/corpus/010_xiamen_2020.csv [...]

It reads the corpus file through the project's importers (not the extractor)
and prints one line per problem, or "ok" with the row count.
"""

from __future__ import annotations

import sys
from pathlib import Path

from policystats.devtools.gold import GoldError, read_gold, read_never
from policystats.ingest import import_file

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
HELDOUT = Path(__file__).resolve().parent / "heldout" / "documents"


def corpus_text(name: str) -> str:
    stem = Path(name).stem.removesuffix(".never")
    matches = [p for folder in (CORPUS, HELDOUT) if folder.is_dir() for p in folder.iterdir() if p.stem == stem]
    if not matches:
        raise SystemExit(f"no document {stem}.* in {CORPUS} or {HELDOUT}")
    return import_file(matches[0]).text


def main(argv: list[str]) -> int:
    bad = 0
    for arg in argv:
        path = Path(arg)
        text = corpus_text(path.name)
        try:
            if path.name.endswith(".never.csv"):
                n = len(read_never(path, text))
            else:
                n = len(read_gold(path, text))
            print(f"ok  {path.name}: {n} rows")
        except GoldError as exc:
            bad += 1
            print(f"BAD {exc}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
