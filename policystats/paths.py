"""Every path policystats reads or writes, in one place, and how the project is found.

A project is a folder with a marker file ``policystats.toml``, a
``data/catalog.csv``, ``data/raw/`` and its reports (``policystats init DIR``
makes one; this repository is one). Commands and functions find their project
the way git finds a repository: an explicit ``root`` (``--root``), then the
environment variable ``POLICYSTATS_ROOT``, then the nearest folder holding the
marker, from the current folder up. With no project around, the bundled
example dataset (the five seed documents and their table, inside the package)
is read, with a one-line notice; it is read-only.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ProjectError

PACKAGE_DIR = Path(__file__).resolve().parent
EXTRACT_DIR = PACKAGE_DIR / "extract"
"""The extraction stage: its code and its wording files are what the build cache is keyed on."""
LEXICON_DIR = EXTRACT_DIR / "data"
CATALOG_VOCAB = PACKAGE_DIR / "data" / "catalog.yaml"
REPORT_DATA_DIR = PACKAGE_DIR / "report" / "data"
FONT_DIR = PACKAGE_DIR / "report" / "fonts"
EXAMPLE_DIR = PACKAGE_DIR / "example"
"""The bundled example project: the seed documents, their catalog and table, the notebooks and reports.yaml."""
DEFAULT_ROOT = PACKAGE_DIR.parent
"""The folder above the package: the source checkout in an editable install (the tests use it).

It is not how a project is found; see ``find_root``."""
MARKER = "policystats.toml"
ENV = "POLICYSTATS_ROOT"


@dataclass(frozen=True)
class ProjectPaths:
    """The folders and files of one policystats project."""

    root: Path
    found_by: str = field(default="given", compare=False)
    """How the root was found: given, --root, POLICYSTATS_ROOT, marker or bundled."""

    @property
    def bundled(self) -> bool:
        """True for the example dataset inside the package (read-only)."""
        return self.root.resolve() == EXAMPLE_DIR.resolve()

    @property
    def marker(self) -> Path:
        return self.root / MARKER

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def text(self) -> Path:
        """The text extracted from raw files that are not plain text (``<doc_id>.txt``, UTF-8)."""
        return self.data / "text"

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
    def changes_csv(self) -> Path:
        """Quantities whose category or statement kind the last build changed (for ``review --only-uncertain``)."""
        return self.processed / "changes.csv"

    @property
    def review_status(self) -> Path:
        """What the last build did with each decision of data/review.csv: applied, or stale and why."""
        return self.processed / "review_status.csv"

    @property
    def parquet_dataset(self) -> Path:
        """Partitioned Parquet written by the scalable build (one file per document)."""
        return self.processed / "parquet"

    @property
    def cache(self) -> Path:
        return self.root / ".cache" / "build"

    @property
    def lock(self) -> Path:
        """The lock file that builds and adds take on the project."""
        return self.root / ".cache" / "project.lock"

    @property
    def publish_lock(self) -> Path:
        """Held while a build renames its outputs into place; readers take it shared."""
        return self.root / ".cache" / "publish.lock"

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

    def require_writable(self, command: str) -> None:
        """Refuse to write into the bundled example dataset."""
        if self.bundled:
            raise ProjectError(
                f"{command} needs a project folder, and none was found (no {MARKER} here or above, no --root, "
                f"no ${ENV}); the bundled example dataset is read-only. Start a project with `policystats init DIR`."
            )


def is_project(folder: Path) -> bool:
    """A folder with the marker file or, for a project from before markers, a catalog or a reports.yaml."""
    return any((folder / f).is_file() for f in (MARKER, "data/catalog.csv", "reports.yaml"))


def _checked(folder: str | os.PathLike[str], how: str) -> ProjectPaths:
    root = Path(folder).expanduser().resolve()
    if not root.is_dir():
        raise ProjectError(f"{how} {folder}: no such folder; create a project there with `policystats init {folder}`")
    if not is_project(root):
        raise ProjectError(
            f"{how} {folder}: not a policystats project (no {MARKER}, data/catalog.csv or reports.yaml); "
            f"create one with `policystats init {folder}`"
        )
    return ProjectPaths(root, how)


_noticed = False


def find_root(root: str | os.PathLike[str] | None = None, *, start: Path | None = None) -> ProjectPaths:
    """The active project: ``root``, then ``$POLICYSTATS_ROOT``, then the nearest marker, else the bundled data."""
    global _noticed
    if root is not None:
        return _checked(root, "--root")
    env = os.environ.get(ENV)
    if env:
        return _checked(env, ENV)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return ProjectPaths(folder, "marker")
    if not _noticed:  # one line, once per process
        _noticed = True
        print(
            f"policystats: no project here (no {MARKER} in {here} or above), so the bundled example dataset "
            "(five seed documents) is read; start a project with `policystats init DIR`",
            file=sys.stderr,
        )
    return ProjectPaths(EXAMPLE_DIR.resolve(), "bundled")


def project_root() -> Path:
    """The active project's root (see ``find_root``)."""
    return find_root().root


def get_paths(root: str | os.PathLike[str] | None = None) -> ProjectPaths:
    """Paths for ``root``, or for the active project when ``root`` is None."""
    return find_root(root)


def relative_to_root(path: Path, root: Path | None = None) -> str:
    """``path`` as a POSIX string relative to the project root."""
    base = root if root is not None else project_root()
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
