"""The document corpus: the catalog, the raw files, and registering new ones.

Raw files in ``data/raw`` are never edited. A file that is not plain text
(a web page, a Word file, a PDF) has its extracted text stored beside it in
``data/text/<doc_id>.txt`` (UTF-8); a plain-text file is its own text. The
catalog ``data/catalog.csv`` has one row per document with both hashes, the
format, the importer and the provenance. The catalog is read strictly: every
row has the header's fields, quotes balance, the hashes and the encoding are
checked against the files, and each problem names its row and the fix.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ._locking import file_lock, temp_path, write_atomic
from .errors import CatalogError, DocumentReadError, PolicystatsError, UnknownDocumentError
from .extract import _lexicon
from .ingest import SUPPORTED, format_of, import_bytes
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
    "format",
    "importer",
    "text_file",
    "text_sha256",
    "source_url",
    "accessed",
    "licence_note",
]
ADDED_COLUMNS = ["format", "importer", "text_file", "text_sha256", "source_url", "accessed", "licence_note"]
"""Columns newer than the first catalogs: a catalog without them still reads, and `add` writes them."""
REQUIRED = ["doc_id", "file", "sha256", "city_en", "city_zh", "province_en", "admin_level", "issue_date"]
DATE_COLUMNS = ["issue_date", "published_date", "forwarding_date", "accessed"]
NAME_COLUMNS = ["city_en", "city_zh", "prefecture_en", "prefecture_zh", "province_en", "province_zh"]
COMPUTED = ["file", "original_name", "sha256", "encoding", "format", "importer", "text_file", "text_sha256"]
"""Columns that `add` fills in from the file itself; a manifest may leave them empty."""
DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,80}$")
_NOT_IN_NAMES = re.compile(r"[/\\<>&\"'`|*?:;{}\[\]=]|\.\.")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_URL = re.compile(r"^https?://[^\s<>\"'`]+$")
_SAME_ENCODING = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "utf8": "utf-8", "utf-16-le": "utf-16"}


@dataclass(frozen=True)
class Document:
    """One catalogued document and its text (the text its offsets index)."""

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
    """Read a plain-text raw file as text, with the catalogued encoding if given."""
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


def text_path(paths: ProjectPaths, row: dict[str, str]) -> Path:
    """The file whose text the offsets index: the stored text, or the raw file for plain text."""
    if row.get("text_file"):
        return paths.text / row["text_file"]
    return paths.raw / row["file"]


def document_text(paths: ProjectPaths, row: dict[str, str]) -> str:
    """The text of a catalogued document: the stored text, or the decoded plain-text file."""
    if not row.get("text_file"):
        return read_raw(paths.raw / row["file"], row.get("encoding") or None)[0]
    path = paths.text / row["text_file"]
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise DocumentReadError(f"data/text/{row['text_file']}: file not found; re-register {row['file']}") from exc
    except UnicodeDecodeError as exc:
        raise DocumentReadError(f"data/text/{row['text_file']}: is not UTF-8 ({exc}); it was edited") from exc


def _same_encoding(a: str, b: str) -> bool:
    def canon(e: str) -> str:
        e = e.strip().lower().replace("_", "-")
        return _SAME_ENCODING.get(e, e)

    return canon(a) == canon(b)


# ------------------------------------------------------------------ catalog


def _vocab(name: str) -> set[str]:
    return set(_lexicon.load("catalog.yaml")[name])


def check_name(value: str, what: str) -> str | None:
    """Why ``value`` cannot be a name (a city or province), or None.

    Names end up in file names, HTML pages and figure labels: no path
    separators, no markup, no control characters.
    """
    if _CONTROL.search(value):
        return f"{what} {value!r} contains a control character or a line break"
    bad = _NOT_IN_NAMES.search(value)
    if bad:
        return f"{what} {value!r} contains {bad.group()!r}; names may not hold path separators or markup"
    if len(value) > 80:
        return f"{what} is {len(value)} characters long; a name has at most 80"
    return None


def _parse_catalog(cat: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and ``(line, fields)`` per row, read strictly."""
    try:
        data = cat.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{cat}: cannot be read ({exc.strerror or exc})") from exc
    if data.startswith(b"\xef\xbb\xbf"):  # Excel's "CSV UTF-8" adds one
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError(
            f"{cat.name}: line {line} is not UTF-8 ({exc.reason}); save the catalog as UTF-8 (in Excel: CSV UTF-8)"
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for fields in reader:
            records.append((line, fields))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise CatalogError(
            f'{cat.name}: row {line}: unbalanced quote (a field opens with " and never closes: {exc}); '
            'close the quote, or double a quote inside a field ("")'
        ) from exc
    if not records or not any(records[0][1]):
        raise CatalogError(f"{cat.name}: the catalog is empty; it needs a header line ({','.join(CATALOG_COLUMNS)})")
    header = [h.strip() for h in records[0][1]]
    return header, [(n, f) for n, f in records[1:] if f and any(x.strip() for x in f)]


def _check_header(cat: Path, header: list[str]) -> None:
    required = [c for c in CATALOG_COLUMNS if c not in ADDED_COLUMNS]
    missing = [c for c in required if c not in header]
    if missing:
        raise CatalogError(f"{cat.name}: missing column(s) {', '.join(missing)}; expected {', '.join(CATALOG_COLUMNS)}")
    unknown = [c for c in header if c not in CATALOG_COLUMNS]
    if unknown:
        raise CatalogError(
            f"{cat.name}: unknown column(s) {', '.join(repr(c) for c in unknown)}; the catalog's columns are "
            f"{', '.join(CATALOG_COLUMNS)} (a misspelt name, or a column added by hand?)"
        )
    dup = sorted({c for c in header if header.count(c) > 1})
    if dup:
        raise CatalogError(f"{cat.name}: column(s) {', '.join(dup)} appear twice in the header")


def _row_problems(row: dict[str, str], vocab: dict[str, set[str]], *, registered: bool = True) -> list[str]:
    """What is wrong with one row's values (files not looked at).

    ``registered=False`` checks only what a caller gives to `add`, not the
    columns that `add` computes from the file (doc_id, file, hashes, format).
    """
    problems = []
    for col in REQUIRED if registered else [c for c in REQUIRED if c not in COMPUTED and c != "doc_id"]:
        if not row.get(col):
            problems.append(f"empty required field '{col}'")
    for col, value in row.items():
        if _CONTROL.search(value):
            problems.append(f"{col} contains a control character or a line break")
    doc_id = row.get("doc_id", "")
    if doc_id and not DOC_ID.match(doc_id):
        problems.append(f"doc_id {doc_id!r} must be 3-81 lower-case letters, digits and hyphens")
    for col in NAME_COLUMNS:
        why = check_name(row[col], col) if row.get(col) else None
        if why:
            problems.append(why)
    for col in DATE_COLUMNS:
        value = row.get(col, "")
        if value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                problems.append(f"{col} {value!r} is not a date in YYYY-MM-DD form")
    for col in ("admin_level", "issuer_level", "forwarded_by_level"):
        if row.get(col) and row[col] not in vocab["levels"]:
            problems.append(f"{col} {row[col]!r} is not one of {sorted(vocab['levels'])}")
    if row.get("genre") and row["genre"] not in vocab["genres"]:
        problems.append(f"genre {row['genre']!r} is not one of {sorted(vocab['genres'])}")
    if row.get("statement_nature") and row["statement_nature"] not in vocab["statement_natures"]:
        problems.append(
            f"statement_nature {row['statement_nature']!r} is not one of {sorted(vocab['statement_natures'])}"
        )
    if row.get("source_url") and not _URL.match(row["source_url"]):
        problems.append(f"source_url {row['source_url']!r} must be an http:// or https:// address")
    if registered:
        problems += _file_columns_problems(row)
    return problems


def _file_columns_problems(row: dict[str, str]) -> list[str]:
    problems = []
    for col, folder in (("file", "raw"), ("text_file", "text")):
        name = row.get(col, "")
        if name and (name != Path(name).name or name.startswith(".") or "\\" in name):
            problems.append(f"{col} {name!r} must be a plain file name inside data/{folder}/")
    fmt = row.get("format", "")
    formats = sorted(set(SUPPORTED.values()))
    if fmt and fmt not in formats:
        problems.append(f"format {fmt!r} is not one of {formats}")
    elif fmt and row.get("file") and SUPPORTED.get(Path(row["file"]).suffix.lower()) != fmt:
        problems.append(f"format {fmt!r} does not match the file name {row['file']!r}")
    if fmt and fmt != "txt" and not row.get("text_file"):
        problems.append(f"a {fmt} file needs its stored text: text_file is empty (register it with `policystats add`)")
    if row.get("text_file") and not row.get("text_sha256"):
        problems.append("text_file is set but text_sha256 is empty")
    if (fmt or "txt") == "txt" and not row.get("encoding"):
        problems.append("empty required field 'encoding' (a text file's encoding, e.g. utf-8 or gb18030)")
    return problems


def _file_problems(p: ProjectPaths, row: dict[str, str]) -> list[str]:
    """What is wrong between a row and its files: existence, hashes, encoding."""
    problems = []
    fpath = p.raw / row["file"]
    if fpath.is_symlink():
        return [f"data/raw/{row['file']} is a symbolic link; raw files must be regular files in data/raw/"]
    if not fpath.is_file():
        return [f"file data/raw/{row['file']} does not exist"]
    data = fpath.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if row.get("sha256") and digest != row["sha256"]:
        return [
            f"sha256 mismatch for data/raw/{row['file']}: catalog {row['sha256'][:12]}…, file {digest[:12]}…. "
            "Raw files are never edited; restore the original, or register a new file with `policystats add`."
        ]
    fmt = row.get("format") or "txt"
    if fmt == "txt" and row.get("encoding"):
        problems += _encoding_problems(data, row)
    if row.get("text_file"):
        tpath = p.text / row["text_file"]
        if tpath.is_symlink() or not tpath.is_file():
            problems.append(
                f"stored text data/text/{row['text_file']} is missing; remove the row and add {row['file']} again"
            )
        elif sha256_of(tpath) != row.get("text_sha256"):
            problems.append(
                f"sha256 mismatch for the stored text data/text/{row['text_file']}; it was edited. Delete it, remove "
                "the row, and add the raw file again (the text is re-extracted)"
            )
    return problems


def _encoding_problems(data: bytes, row: dict[str, str]) -> list[str]:
    """Does the catalog's encoding decode the file, and is it the one ``add`` detects? (C-speed decodes.)"""
    claimed = row["encoding"]
    try:
        data.decode(claimed)
    except (UnicodeDecodeError, LookupError) as exc:
        return [
            f"data/raw/{row['file']} cannot be decoded as {claimed!r}, the catalog's encoding ({exc}); "
            "fix the encoding column"
        ]
    if data.startswith(b"\xef\xbb\xbf"):
        detected = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        detected = "utf-16"
    else:
        try:
            data.decode("utf-8")
            detected = "utf-8"
        except UnicodeDecodeError:
            detected = "gb18030"  # what `add` reads a non-UTF-8 text file as (it decoded above)
    if _same_encoding(detected, claimed):
        return []
    return [
        f"encoding {claimed!r} does not fit data/raw/{row['file']}, which reads as {detected}; "
        f"set the encoding column to {detected}"
    ]


def _stray_files(folder: Path, known: set[str], label: str) -> list[str]:
    problems = []
    if not folder.is_dir():
        return problems
    for f in sorted(folder.iterdir()):
        if f.name.startswith("."):
            continue
        if f.is_symlink():
            problems.append(f"{label}/{f.name}: is a symbolic link; remove it (raw files are regular files)")
        elif f.is_file() and f.name not in known:
            problems.append(f"{label}/{f.name}: file is not in the catalog; register it with `policystats add`")
    return problems


def read_catalog(paths: ProjectPaths | None = None, *, check_files: bool = True) -> list[dict[str, str]]:
    """Catalog rows as dicts, checked strictly and against ``data/raw``. Raises CatalogError.

    ``check_files=False`` checks the rows but not the files (no hashing), for
    callers that only need the metadata of a large corpus.
    """
    p = paths or get_paths()
    cat = p.catalog
    if not cat.exists():
        raise CatalogError(
            f"{cat}: the catalog is missing. Restore it from git, or start a project with `policystats init`."
        )
    header, records = _parse_catalog(cat)
    _check_header(cat, header)
    vocab = {k: _vocab(k) for k in ("levels", "genres", "statement_natures")}
    problems: list[str] = []
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    claimed: set[str] = set()  # files named by malformed rows: not reported again as uncatalogued
    for n, fields in records:
        if len(fields) != len(header):
            more = len(fields) > len(header)
            problems.append(
                f"row {n}: has {'more' if more else 'fewer'} fields than the header ({len(fields)}, not "
                f"{len(header)}: {'an unquoted comma' if more else 'a missing field'}?); quote every field that "
                "holds a comma, and give every column a value (empty is fine: ,,)"
            )
            if len(fields) > header.index("file"):
                claimed.add(fields[header.index("file")].strip())
            continue
        row = {c: "" for c in CATALOG_COLUMNS} | {k: v.strip() for k, v in zip(header, fields, strict=True)}
        if not row["format"] and row["file"]:
            row["format"] = SUPPORTED.get(Path(row["file"]).suffix.lower(), "")
        where = f"row {n} (doc_id {row['doc_id']!r}, file {row['file']!r})"
        found = _row_problems(row, vocab)
        doc_id = row["doc_id"]
        if doc_id in seen:
            found.append(f"duplicate doc_id, already used on row {seen[doc_id]}")
        seen.setdefault(doc_id, n)
        if check_files and not found:
            found += _file_problems(p, row)
        problems += [f"{where}: {x}" for x in found]
        rows.append(row)
    if check_files:
        problems += _stray_files(p.raw, {r["file"] for r in rows} | claimed, "data/raw")
        problems += _stray_files(p.text, {r["text_file"] for r in rows if r["text_file"]}, "data/text")
    if problems:
        raise CatalogError(f"{cat.name} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    return rows


def load_corpus(paths: ProjectPaths | None = None, doc_ids: list[str] | None = None) -> list[Document]:
    """The catalogued documents with their text."""
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
    return [Document(row["doc_id"], text_path(p, row), row, document_text(p, row)) for row in rows]


# ------------------------------------------------------------------ adding


def province_names(name: str) -> tuple[str, str]:
    """``(English, Chinese)`` names of a province given either: 'Henan', '河南省' or '河南'."""
    for e in _lexicon.load("catalog.yaml")["provinces"]:
        if name.strip().lower() in (e["en"].lower(), e["zh"], e["short"]):
            return e["en"], e["zh"]
    known = ", ".join(e["en"] for e in _lexicon.load("catalog.yaml")["provinces"])
    raise CatalogError(f"unknown province {name!r}; use an English or Chinese name such as {known}")


def catalog_bytes(rows: list[dict[str, str]]) -> bytes:
    """The catalog file for ``rows``: UTF-8, LF, the columns of CATALOG_COLUMNS."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CATALOG_COLUMNS, lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({c: row.get(c, "") for c in CATALOG_COLUMNS})
    return buf.getvalue().encode("utf-8")


def _write_catalog(path: Path, rows: list[dict[str, str]]) -> None:
    write_atomic(path, catalog_bytes(rows))


@dataclass
class AddOutcome:
    """What became of one file given to ``add``: added, skipped (already catalogued) or rejected."""

    source: str
    status: str
    detail: str
    row: dict[str, str] | None = None
    error: PolicystatsError | None = None


@dataclass
class _Prepared:
    src: Path
    data: bytes
    text: str | None  # the stored text (formats other than txt)
    row: dict[str, str] = field(default_factory=dict)


META_FIELDS = [c for c in CATALOG_COLUMNS if c not in COMPUTED and c not in ("province_en", "province_zh")]
"""What a caller gives for a new document (``province`` stands for the two province columns)."""


def _meta_row(meta: dict[str, str], vocab: dict[str, set[str]]) -> dict[str, str]:
    """A catalog row's metadata from what the caller gave; raises CatalogError with every problem."""
    m = {k: (v or "").strip() if isinstance(v, str) or v is None else str(v) for k, v in meta.items()}
    problems = []
    for need, opt in (("city_en", "--city-en"), ("city_zh", "--city-zh"), ("admin_level", "--level")):
        if not m.get(need):
            problems.append(f"{opt} ({need}) is required")
    if not m.get("issue_date"):
        problems.append("--date (issue_date) is required")
    prov = m.get("province") or m.get("province_en") or m.get("province_zh")
    prov_en = prov_zh = ""
    if not prov:
        problems.append("--province (province_en or province_zh) is required")
    else:
        try:
            prov_en, prov_zh = province_names(prov)
        except CatalogError as exc:
            problems.append(str(exc))
    if problems:
        raise CatalogError("; ".join(problems))
    level = m["admin_level"]
    row = {c: m.get(c, "") for c in META_FIELDS}
    row.update(
        province_en=prov_en,
        province_zh=prov_zh,
        prefecture_en=m.get("prefecture_en") or m["city_en"],
        prefecture_zh=m.get("prefecture_zh") or m["city_zh"],
        issuer_level=m.get("issuer_level") or level,
        genre=m.get("genre") or "notice",
        statement_nature=m.get("statement_nature") or "commitments",
    )
    found = _row_problems(row, vocab, registered=False)
    if found:
        raise CatalogError("; ".join(found))
    return row


def _prepare(src: Path, meta: dict[str, str], vocab: dict[str, set[str]]) -> _Prepared:
    """Import one file and make its catalog row, without writing anything."""
    if src.is_dir():
        raise DocumentReadError(f"{src}: is a folder; `policystats add DIR` registers every file in it")
    if not src.exists():
        raise DocumentReadError(f"{src}: no such file")
    format_of(src.name)  # an unsupported format is refused before reading it
    try:
        data = src.read_bytes()
    except OSError as exc:
        raise DocumentReadError(f"{src}: cannot be read ({exc.strerror or exc})") from exc
    imported = import_bytes(data, src.name)
    row = _meta_row(meta, vocab)
    digest = hashlib.sha256(data).hexdigest()
    given = (meta.get("sha256") or "").strip().lower()
    if given and given != digest:
        raise CatalogError(f"{src.name}: sha256 {given[:12]}… given, but the file's is {digest[:12]}…")
    day = dt.date.fromisoformat(row["issue_date"])
    slug = re.sub(r"[^a-z0-9]+", "-", row["city_en"].lower()).strip("-") or "doc"
    doc_id = row["doc_id"] or f"{slug}-{day.year}-{digest[:8]}"
    if not DOC_ID.match(doc_id):
        raise CatalogError(f"doc_id {doc_id!r} must be 3-81 lower-case letters, digits and hyphens")
    text = imported.text if imported.needs_text_file else None
    row.update(
        doc_id=doc_id,
        file=f"{doc_id}{src.suffix.lower()}",
        original_name=src.name,
        sha256=digest,
        encoding=imported.encoding,
        format=imported.format,
        importer=imported.importer,
        text_file=f"{doc_id}.txt" if text is not None else "",
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest() if text is not None else "",
        provenance=row.get("provenance") or f"Registered with `policystats add` from {src.name}",
    )
    return _Prepared(src, data, text, row)


def _place(data: bytes, target: Path, written: list[Path]) -> None:
    """Write a new file at ``target`` without following any link there; record it for a rollback."""
    if os.path.lexists(target):
        what = "a symbolic link" if target.is_symlink() else "a file"
        raise CatalogError(f"{target.parent.name}/{target.name} already exists ({what}); pass another doc_id")
    tmp = temp_path(target)
    written.append(tmp)
    tmp.write_bytes(data)
    try:
        os.link(tmp, target)  # unlike a rename, a link never replaces what is there
    except FileExistsError as exc:
        raise CatalogError(f"{target.parent.name}/{target.name} appeared while adding; pass another doc_id") from exc
    except OSError:  # a file system without hard links
        os.replace(tmp, target)
    written.append(target)


def add_documents(
    entries: Iterable[tuple[Path, dict[str, str]]],
    paths: ProjectPaths | None = None,
    *,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> list[AddOutcome]:
    """Register files in one run: each is added, skipped (already catalogued) or rejected with the reason.

    A rejected file never stops the others. The run holds the project's lock,
    refuses a catalog that does not read cleanly, copies each original byte for
    byte into ``data/raw/`` (and its text into ``data/text/``) and writes the
    catalog atomically; if anything fails, the files it wrote are removed and
    the catalog is left as it was.
    """
    p = paths or get_paths()
    p.require_writable("policystats add")
    entries = list(entries)
    vocab = {k: _vocab(k) for k in ("levels", "genres", "statement_natures")}
    with file_lock(p.lock, "add", wait=wait, on_wait=on_wait):
        rows = read_catalog(p)
        for folder in (p.raw, p.text):
            if folder.is_symlink():
                raise CatalogError(
                    f"data/{folder.name} is a symbolic link; `add` writes only into a real folder inside the project"
                )
        old_catalog = p.catalog.read_bytes()
        by_sha = {r["sha256"]: r["doc_id"] for r in rows}
        ids = {r["doc_id"] for r in rows}
        outcomes: list[AddOutcome] = []
        todo: list[_Prepared] = []
        for src, meta in entries:
            try:
                prep = _prepare(Path(src), meta, vocab)
            except PolicystatsError as exc:
                outcomes.append(AddOutcome(str(src), "rejected", str(exc), error=exc))
                continue
            row = prep.row
            if row["sha256"] in by_sha:
                outcomes.append(AddOutcome(str(src), "skipped", f"already catalogued as {by_sha[row['sha256']]}"))
                continue
            if row["doc_id"] in ids:
                exc = CatalogError(f"doc_id {row['doc_id']!r} is already in the catalog; pass another doc_id")
                outcomes.append(AddOutcome(str(src), "rejected", str(exc), error=exc))
                continue
            by_sha[row["sha256"]] = row["doc_id"]
            ids.add(row["doc_id"])
            todo.append(prep)
            outcomes.append(AddOutcome(str(src), "added", _describe(row), row))
        if not todo:
            return outcomes
        written: list[Path] = []
        try:
            for prep in todo:
                _place(prep.data, p.raw / prep.row["file"], written)
                if prep.text is not None:
                    _place(prep.text.encode("utf-8"), p.text / prep.row["text_file"], written)
            _write_catalog(p.catalog, [*rows, *(t.row for t in todo)])
            read_catalog(p)
        except BaseException:
            write_atomic(p.catalog, old_catalog)
            for f in written:
                f.unlink(missing_ok=True)
            raise
        finally:
            for f in written:
                if f.name.endswith(".tmp"):
                    f.unlink(missing_ok=True)
    return outcomes


def _describe(row: dict[str, str]) -> str:
    enc = f", {row['encoding']}" if row["encoding"] else ""
    text = f", text in data/text/{row['text_file']}" if row["text_file"] else ""
    return f"data/raw/{row['file']} ({row['format']}{enc}{text}, sha256 {row['sha256'][:12]}…)"


def add_document(
    source: str | Path,
    *,
    city_en: str,
    city_zh: str,
    province: str,
    level: str,
    date: str,
    paths: ProjectPaths | None = None,
    **meta: str,
) -> dict[str, str]:
    """Register one file (any supported format) and return its catalog row; raise on any problem.

    ``meta`` takes the other catalog columns: ``title``, ``doc_number``,
    ``doc_id``, ``issuer_zh``, ``source_url``, ``accessed``, ``licence_note`` …
    (``issuer_level``, ``genre`` and ``statement_nature`` default to the
    level, ``notice`` and ``commitments``).
    """
    unknown = sorted(set(meta) - set(META_FIELDS))
    if unknown:
        raise TypeError(f"add_document() got unknown field(s) {', '.join(unknown)}")
    given = dict(meta) | {
        "city_en": city_en,
        "city_zh": city_zh,
        "province": province,
        "admin_level": level,
        "issue_date": date,
    }
    (outcome,) = add_documents([(Path(source), given)], paths)
    if outcome.status == "added":
        return outcome.row
    if outcome.status == "skipped":
        raise CatalogError(f"{Path(source).name}: the same bytes are {outcome.detail}")
    raise outcome.error


# ------------------------------------------------------------------ batches


def folder_entries(folder: Path, meta: dict[str, str]) -> tuple[list[tuple[Path, dict[str, str]]], list[str]]:
    """Every document-like file in ``folder`` (sorted), each with ``meta``; and the names of other files left out.

    Unsupported document formats (.doc, .wps …) are kept, so that each gets
    its own error; files that are no documents at all (a README, a CSV) are
    left out and named.
    """
    from .ingest import _UNSUPPORTED

    if not folder.is_dir():
        raise DocumentReadError(f"{folder}: no such folder")
    entries, ignored = [], []
    for f in sorted(folder.iterdir()):
        if f.name.startswith(".") or not f.is_file():
            continue
        suffix = f.suffix.lower()
        if suffix in SUPPORTED or suffix in _UNSUPPORTED:
            entries.append((f, dict(meta)))
        else:
            ignored.append(f.name)
    return entries, ignored


def manifest_entries(
    manifest: Path, base: Path | None = None, defaults: dict[str, str] | None = None
) -> list[tuple[Path, dict[str, str]]]:
    """One entry per row of a manifest CSV with the catalog's columns; ``file`` is relative to ``base``.

    ``base`` defaults to the manifest's folder. A cell left empty takes the
    value of ``defaults`` (the command line's options). Every row needs
    ``file``; the columns that `add` computes (sha256, encoding …) may be left
    empty, and a sha256 that is given must match the file.
    """
    header, records = _parse_catalog(manifest)
    allowed = set(CATALOG_COLUMNS) | {"province"}
    unknown = [c for c in header if c not in allowed]
    if unknown:
        raise CatalogError(
            f"{manifest.name}: unknown column(s) {', '.join(repr(c) for c in unknown)}; a manifest has the "
            f"catalog's columns ({', '.join(CATALOG_COLUMNS)})"
        )
    if "file" not in header:
        raise CatalogError(f"{manifest.name}: needs a 'file' column (the path of each document)")
    folder = base or manifest.parent
    entries = []
    for n, fields in records:
        if len(fields) != len(header):
            raise CatalogError(
                f"{manifest.name}: row {n}: has {len(fields)} fields, the header has {len(header)}; "
                "quote a field that holds a comma"
            )
        row = dict(zip(header, (f.strip() for f in fields), strict=True))
        if not row["file"]:
            raise CatalogError(f"{manifest.name}: row {n}: empty 'file'")
        meta = dict(defaults or {})
        meta.update({k: v for k, v in row.items() if v and k not in COMPUTED})
        if row.get("sha256"):
            meta["sha256"] = row["sha256"]
        entries.append((folder / row["file"], meta))
    return entries
