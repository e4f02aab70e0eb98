"""Where a page comes from: when it ran, from which commit, on which build of the table.

The table's build key is a digest of the per-document keys that
``data/processed/documents.csv`` records (file sha256, catalog row, extractor
digest), so two pages with the same key were made from the same rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..paths import get_paths


@dataclass(frozen=True)
class Provenance:
    run: str  # UTC, to the minute
    commit: str | None  # short hash, "+" when the checkout has uncommitted changes; None outside git
    build_key: str  # 12 hex digits
    stale: str | None  # why the table was built in memory, or None when read from data/processed/
    confirmed: tuple[int, int] | None = None  # headline quantities a person confirmed, of all headline quantities


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


@cache
def git_commit(root: str) -> str | None:
    """The checkout's commit, with '+' if it has changes; None when there is no git or no repository."""
    if not (Path(root) / ".git").exists():
        return None
    try:
        env = os.environ | {"GIT_OPTIONAL_LOCKS": "0"}
        head = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=10, env=env
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
        )
        return head.stdout.strip() + ("+" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def build_key(root: str | os.PathLike[str] | None = None) -> tuple[str, str | None]:
    """The digest of the table's build, and why it is stale (None when current)."""
    from ..api import stale_reason
    from ..corpus import read_catalog
    from ..engine import cache_key
    from ..errors import PolicystatsError

    paths = get_paths(root)
    try:
        rows = read_catalog(paths, check_files=False)
    except PolicystatsError as exc:  # a project without a catalog still gets an index
        return "none", str(exc)
    reason = stale_reason(paths, rows)
    keys = sorted(cache_key(r) for r in rows)
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()[:12], reason


def confirmed_share(root: str | os.PathLike[str] | None = None) -> tuple[int, int] | None:
    """(confirmed, all) headline quantities of the built table; None when there is no readable table.

    Read from measures.parquet, else from measures.csv (a fresh clone and the
    bundled example have the CSV only).
    """
    import pandas as pd

    from .compare import HEADLINE

    paths = get_paths(root)
    cols = ["category", "quantity_id", "confirmed"]
    try:
        if paths.measures_parquet.exists():
            t = pd.read_parquet(paths.measures_parquet, columns=cols)
        else:
            t = pd.read_csv(paths.measures_csv, usecols=cols, dtype={"category": str, "quantity_id": str})
    except Exception:  # no table yet, or one without review columns
        return None
    head = t[t["category"].isin(HEADLINE) & t["quantity_id"].notna()]
    done = head["confirmed"].astype(str).str.lower().isin(["true", "1"]).sum()
    return int(done), len(head)


def collect(root: str | os.PathLike[str] | None = None) -> Provenance:
    paths = get_paths(root)
    key, reason = build_key(paths.root)
    return Provenance(now(), git_commit(str(paths.root)), key, reason, confirmed_share(paths.root))
