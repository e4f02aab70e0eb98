"""The document corpus: the catalog, the raw files, and registering new ones.

Raw files in ``data/raw`` are never edited. The catalog ``data/catalog.csv``
has one row per file with its sha256 and provenance; loading checks the two
against each other and names the file and row of every problem it finds.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import CatalogError, DocumentReadError, UnknownDocumentError
from .extract import _lexicon
from .ingest.plain import decode_bytes
from .paths import ProjectPaths, get_paths

CATALOG_COLUMNS = [
    "doc_id",
    "file",
    "original_name",
    "sha256",
    "encoding",
    "city_en",
    "city_zh",
    "prefecture_en",
    "prefecture_zh",
    "province_en",
    "province_zh",
    "admin_level",
    "issuer_zh",
    "issuer_en",
    "issuer_level",
    "doc_number",
    "issue_date",
    "published_date",
    "forwarded_by_zh",
    "forwarded_by_en",
    "forwarded_by_level",
    "forwarding_doc_number",
    "forwarding_date",
    "genre",
    "statement_nature",
    "title",
    "provenance",
]
REQUIRED = ["doc_id", "file", "sha256", "encoding", "city_en", "city_zh", "province_en", "admin_level", "issue_date"]
DATE_COLUMNS = ["issue_date", "published_date", "forwarding_date"]
DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,80}$")


@dataclass(frozen=True)
class Document:
    """One catalogued document and its raw text."""

    doc_id: str
    path: Path
    meta: dict[str, str]
    raw: str


# ------------------------------------------------------------------ reading


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def read_raw(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Read a raw file as text, with the catalogued encoding if given."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise DocumentReadError(f"{path}: file not found") from exc
    if encoding:
        if not data.strip():
            raise DocumentReadError(f"{path.name}: the file is empty; there is no text to read")
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise DocumentReadError(
                f"{path.name}: cannot be decoded as {encoding}, as the catalog says ({exc})"
            ) from exc
        if not text.strip():
            raise DocumentReadError(f"{path.name}: contains only whitespace; there is no text to read")
        return text, encoding
    return decode_bytes(data, path.name)


# ------------------------------------------------------------------ catalog


def _vocab(name: str) -> set[str]:
    return set(_lexicon.load("catalog.yaml")[name])


def read_catalog(paths: ProjectPaths | None = None, *, check_files: bool = True) -> list[dict[str, str]]:
    """Catalog rows as dicts, checked against ``data/raw``. Raises CatalogError.

    ``check_files=False`` checks the rows but not the files (no hashing), for
    callers that only need the metadata of a large corpus.
    """
    p = paths or get_paths()
    cat = p.catalog
    if not cat.exists():
        raise CatalogError(f"{cat}: the catalog is missing. Restore it from git or create it with `policystats add`.")
    try:
        with cat.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CatalogError(f"{cat}: cannot be read as a UTF-8 CSV ({exc})") from exc
    missing_cols = [c for c in CATALOG_COLUMNS if c not in header]
    if missing_cols:
        raise CatalogError(f"{cat}: missing column(s) {', '.join(missing_cols)}; expected {', '.join(CATALOG_COLUMNS)}")
    problems: list[str] = []
    seen: dict[str, int] = {}
    files: set[str] = set()
    levels = _vocab("levels")
    genres = _vocab("genres")
    natures = _vocab("statement_natures")
    for n, row in enumerate(rows, start=2):  # line 1 is the header
        if None in row:
            problems.append(f"row {n}: has more fields than the header (an unquoted comma?)")
            continue
        row = {k: (v or "").strip() for k, v in row.items()}
        rows[n - 2] = row
        where = f"row {n} (doc_id {row.get('doc_id')!r}, file {row.get('file')!r})"
        for col in REQUIRED:
            if not row.get(col):
                problems.append(f"{where}: empty required field '{col}'")
        doc_id = row.get("doc_id", "")
        if doc_id and not DOC_ID.match(doc_id):
            problems.append(f"{where}: doc_id must be lower-case letters, digits and hyphens")
        if doc_id in seen:
            problems.append(f"{where}: duplicate doc_id, already used on row {seen[doc_id]}")
        seen[doc_id] = n
        for col in DATE_COLUMNS:
            value = row.get(col, "")
            if value:
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    problems.append(f"{where}: {col} {value!r} is not a date in YYYY-MM-DD form")
        for col, vocab in (("admin_level", levels), ("issuer_level", levels), ("forwarded_by_level", levels)):
            if row.get(col) and row[col] not in vocab:
                problems.append(f"{where}: {col} {row[col]!r} is not one of {sorted(vocab)}")
        if row.get("genre") and row["genre"] not in genres:
            problems.append(f"{where}: genre {row['genre']!r} is not one of {sorted(genres)}")
        if row.get("statement_nature") and row["statement_nature"] not in natures:
            problems.append(f"{where}: statement_nature {row['statement_nature']!r} is not one of {sorted(natures)}")
        fname = row.get("file", "")
        if not fname or not check_files:
            continue
        files.add(fname)
        fpath = p.raw / fname
        if not fpath.exists():
            problems.append(f"{where}: file data/raw/{fname} does not exist")
            continue
        digest = sha256_of(fpath)
        if row.get("sha256") and digest != row["sha256"]:
            problems.append(
                f"{where}: sha256 mismatch for data/raw/{fname}: catalog {row['sha256'][:12]}…, file {digest[:12]}…. "
                "Raw files are never edited; restore the original, or register a new file with `policystats add`."
            )
    if check_files and p.raw.exists():
        for f in sorted(p.raw.iterdir()):
            if f.is_file() and not f.name.startswith(".") and f.name not in files:
                problems.append(f"data/raw/{f.name}: file is not in the catalog; register it with `policystats add`")
    if problems:
        raise CatalogError(f"{cat.name} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    return rows


def load_corpus(paths: ProjectPaths | None = None, doc_ids: list[str] | None = None) -> list[Document]:
    """The catalogued documents with their raw text."""
    p = paths or get_paths()
    rows = read_catalog(p)
    by_id = {r["doc_id"]: r for r in rows}
    if doc_ids is not None:
        unknown = [d for d in doc_ids if d not in by_id]
        if unknown:
            raise UnknownDocumentError(
                f"unknown document(s) {', '.join(unknown)}; the catalog has {', '.join(sorted(by_id))}"
            )
        rows = [by_id[d] for d in doc_ids]
    docs = []
    for row in rows:
        path = p.raw / row["file"]
        raw, _ = read_raw(path, row["encoding"])
        docs.append(Document(row["doc_id"], path, row, raw))
    return docs


# ------------------------------------------------------------------ adding


def province_names(name: str) -> tuple[str, str]:
    """``(English, Chinese)`` names of a province given either: 'Henan', '河南省' or '河南'."""
    for e in _lexicon.load("catalog.yaml")["provinces"]:
        if name.strip().lower() in (e["en"].lower(), e["zh"], e["short"]):
            return e["en"], e["zh"]
    known = ", ".join(e["en"] for e in _lexicon.load("catalog.yaml")["provinces"])
    raise CatalogError(f"unknown province {name!r}; use an English or Chinese name such as {known}")


def _write_catalog(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CATALOG_COLUMNS, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in CATALOG_COLUMNS})


def add_document(
    source: str | Path,
    *,
    city_en: str,
    city_zh: str,
    province: str,
    level: str,
    date: str,
    title: str = "",
    doc_number: str = "",
    doc_id: str | None = None,
    prefecture_en: str | None = None,
    prefecture_zh: str | None = None,
    issuer_zh: str = "",
    issuer_en: str = "",
    issuer_level: str | None = None,
    genre: str = "notice",
    statement_nature: str = "commitments",
    provenance: str = "",
    paths: ProjectPaths | None = None,
) -> dict[str, str]:
    """Register a new raw text file: copy it byte for byte, hash it, catalog it."""
    p = paths or get_paths()
    src = Path(source)
    if not src.is_file():
        raise DocumentReadError(f"{src}: no such file")
    data = src.read_bytes()
    _, encoding = decode_bytes(data, src.name)
    try:
        day = dt.date.fromisoformat(date)
    except ValueError as exc:
        raise CatalogError(f"--date {date!r} is not a date in YYYY-MM-DD form") from exc
    levels = _vocab("levels")
    if level not in levels:
        raise CatalogError(f"--level {level!r} is not one of {sorted(levels)}")
    if issuer_level and issuer_level not in levels:
        raise CatalogError(f"--issuer-level {issuer_level!r} is not one of {sorted(levels)}")
    if genre not in _vocab("genres"):
        raise CatalogError(f"--genre {genre!r} is not one of {sorted(_vocab('genres'))}")
    if statement_nature not in _vocab("statement_natures"):
        raise CatalogError(f"--nature {statement_nature!r} is not one of {sorted(_vocab('statement_natures'))}")
    prov_en, prov_zh = province_names(province)
    digest = hashlib.sha256(data).hexdigest()
    slug = re.sub(r"[^a-z0-9]+", "-", city_en.lower()).strip("-") or "doc"
    new_id = doc_id or f"{slug}-{day.year}-{digest[:8]}"
    if not DOC_ID.match(new_id):
        raise CatalogError(f"doc_id {new_id!r} must be lower-case letters, digits and hyphens (3-81 characters)")
    rows = read_catalog(p)
    if any(r["doc_id"] == new_id for r in rows):
        raise CatalogError(f"doc_id {new_id!r} is already in the catalog; pass --doc-id to choose another")
    dup = [r["doc_id"] for r in rows if r["sha256"] == digest]
    if dup:
        raise CatalogError(f"{src.name}: the same bytes are already catalogued as {dup[0]}")
    suffix = src.suffix.lower() if src.suffix else ".txt"
    target = p.raw / f"{new_id}{suffix}"
    if target.exists():
        raise CatalogError(f"{target} already exists; pass --doc-id to choose another name")
    row = {
        "doc_id": new_id,
        "file": target.name,
        "original_name": src.name,
        "sha256": digest,
        "encoding": encoding,
        "city_en": city_en,
        "city_zh": city_zh,
        "prefecture_en": prefecture_en or city_en,
        "prefecture_zh": prefecture_zh or city_zh,
        "province_en": prov_en,
        "province_zh": prov_zh,
        "admin_level": level,
        "issuer_zh": issuer_zh,
        "issuer_en": issuer_en,
        "issuer_level": issuer_level or level,
        "doc_number": doc_number,
        "issue_date": day.isoformat(),
        "genre": genre,
        "statement_nature": statement_nature,
        "title": title,
        "provenance": provenance or f"Registered with `policystats add` from {src.name}",
    }
    p.raw.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, target)
    try:
        _write_catalog(p.catalog, [*rows, row])
        read_catalog(p)
    except Exception:
        target.unlink(missing_ok=True)
        _write_catalog(p.catalog, rows)
        raise
    return row
