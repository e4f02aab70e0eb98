"""The bundled example project: the five seed documents, their catalog and their built table.

It ships inside the package (as seaborn and statsmodels ship their datasets),
so that ``policystats.load_measures()`` works after a plain ``pip install``
in any folder, and ``policystats init`` has the notebooks and
``reports.yaml`` to copy. It is read-only; a project of your own starts with
``policystats init DIR``.

The files are copies of the source checkout's ``data/catalog.csv``,
``data/raw/``, ``data/processed/{measures,documents}.csv``, ``notebooks/``
and ``reports.yaml``; a test checks that they are current. After a rebuild
of the checkout's table, refresh them with ``python -m policystats.example``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..paths import DEFAULT_ROOT, EXAMPLE_DIR

FILES = ["policystats.toml", "reports.yaml", "data/catalog.csv", "data/processed/measures.csv",
         "data/processed/documents.csv"]  # fmt: skip
FOLDERS = {"data/raw": "*", "notebooks": "*.ipynb"}


def expected_files(source: Path = DEFAULT_ROOT) -> list[str]:
    """The bundled files, relative to the project root, as the checkout at ``source`` has them."""
    names = list(FILES)
    for folder, pattern in FOLDERS.items():
        names += sorted(f"{folder}/{p.name}" for p in (source / folder).glob(pattern) if p.is_file())
    return sorted(names)


def stale_files(source: Path = DEFAULT_ROOT, bundle: Path = EXAMPLE_DIR) -> list[str]:
    """Files whose bundled copy is missing, different or left over."""
    want = expected_files(source)
    out = [n for n in want if not (bundle / n).is_file() or (bundle / n).read_bytes() != (source / n).read_bytes()]
    have = [f"{folder}/{p.name}" for folder, pattern in FOLDERS.items() for p in (bundle / folder).glob(pattern)]
    return sorted(set(out) | (set(have) - set(want)))


def refresh(source: Path = DEFAULT_ROOT, bundle: Path = EXAMPLE_DIR) -> list[str]:
    """Copy the checkout's files into the bundle; return the names that changed."""
    changed = stale_files(source, bundle)
    for folder in FOLDERS:
        shutil.rmtree(bundle / folder, ignore_errors=True)
    for name in expected_files(source):
        (bundle / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, bundle / name)
    return changed
