"""Every path policystats reads or writes, in one place.

The project root is the folder that holds ``pyproject.toml``. Set the
environment variable ``POLICYSTATS_ROOT`` to point the package at another
checkout or at a scratch copy (the tests do this).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
EXTRACT_DIR = PACKAGE_DIR / "extract"
"""The extraction stage: its code and its wording files are what the build cache is keyed on."""
LEXICON_DIR = EXTRACT_DIR / "data"
CATALOG_VOCAB = PACKAGE_DIR / "data" / "catalog.yaml"
REPORT_DATA_DIR = PACKAGE_DIR / "report" / "data"
FONT_DIR = PACKAGE_DIR / "report" / "fonts"
DEFAULT_ROOT = PACKAGE_DIR.parent


@dataclass(frozen=True)
class ProjectPaths:
    """The folders and files of one policystats project checkout."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def catalog(self) -> Path:
        return self.data / "catalog.csv"

    @property
    def processed(self) -> Path:
        return self.data / "processed"

    @property
    def measures_csv(self) -> Path:
        return self.processed / "measures.csv"

    @property
    def measures_parquet(self) -> Path:
        return self.processed / "measures.parquet"

    @property
    def documents_csv(self) -> Path:
        return self.processed / "documents.csv"

    @property
    def parquet_dataset(self) -> Path:
        """Partitioned Parquet written by the scalable build (one file per document)."""
        return self.processed / "parquet"

    @property
    def cache(self) -> Path:
        return self.root / ".cache" / "build"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def figures(self) -> Path:
        return self.root / "figures"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def reports_config(self) -> Path:
        return self.root / "reports.yaml"

    @property
    def review(self) -> Path:
        """Reviewers' decisions, applied on top of extraction by every build (committed)."""
        return self.data / "review.csv"

    @property
    def gold(self) -> Path:
        return self.root / "tests" / "gold"


def project_root() -> Path:
    """Return the active project root (``POLICYSTATS_ROOT`` or the checkout)."""
    env = os.environ.get("POLICYSTATS_ROOT")
    return Path(env).resolve() if env else DEFAULT_ROOT


def get_paths(root: str | os.PathLike[str] | None = None) -> ProjectPaths:
    """Paths for ``root``, or for the active project when ``root`` is None."""
    return ProjectPaths(Path(root).resolve() if root is not None else project_root())


def relative_to_root(path: Path, root: Path | None = None) -> str:
    """``path`` as a POSIX string relative to the project root."""
    base = root if root is not None else project_root()
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
