"""The ``policystats`` command line.

Every subcommand explains itself with ``--help``. Bad input ends with a
one-line ``error:`` message naming the file, row, notebook or cell, and exit
status 2; nothing prints a traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings
from collections.abc import Sequence

from .errors import PolicystatsError

DESCRIPTION = """\
Normalise Chinese local SME-support measures into one table and compare them.

Typical use:
  policystats init my-study && cd my-study   # a project: policystats.toml, data/, reports.yaml, notebooks/
  policystats add FILE --city-en Luoyang --city-zh 洛阳市 --province Henan \\
      --level prefecture_city --date 2023-05-01 --title "…"   # .txt, .html, .docx or .pdf
  policystats add --manifest cities.csv      # many documents at once (or: add FOLDER …)
  policystats build                 # data/raw + data/catalog.csv -> data/processed/
  policystats report                # run the notebooks into reports/<timestamp>/
  policystats info                  # which project, how many documents, where outputs go

The project is --root, else $POLICYSTATS_ROOT, else the nearest folder above
with policystats.toml; outside any project the bundled example dataset is read.
Errors are one line (exit 2 for bad input, 1 otherwise); --debug shows tracebacks.
"""


def _print_review(summary) -> None:
    """What the build did with data/review.csv and what it changed, with every stale decision on stderr."""
    if summary.applied or summary.stale:
        print(f"Applied {summary.applied} review decision(s) from data/review.csv; {len(summary.stale)} stale.")
    for s in summary.stale:
        print(f"stale: {s}", file=sys.stderr)
    if summary.changed:
        print(
            f"{summary.changed} quantities changed category or statement kind since the last build "
            "(data/processed/changes.csv; `policystats review --only-uncertain` includes them)"
        )


def _cmd_build(args: argparse.Namespace) -> int:
    from .api import build

    summary = build(
        args.root,
        jobs=args.jobs,
        engine=args.engine,
        scheduler=args.scheduler,
        use_cache=not args.no_cache,
        progress=not args.quiet,
        prune_cache=args.prune_cache,
        wait=args.wait,
        csv=args.csv,
        max_document_mb=args.max_document_mb,
    )
    df = summary.per_document
    print(f"Built {summary.n_rows} rows from {summary.n_documents} documents ({summary.cached} from the cache).")
    _print_review(summary)
    if args.prune_cache:
        print(
            f"Pruned the cache: removed {summary.pruned_files} files ({summary.pruned_bytes / 1e6:.1f} MB) "
            "that this build did not use."
        )
    if len(df) > 40:
        print(
            f"{int(df['measures'].sum())} measures, {int(df['quantities'].sum())} quantities; per-document counts "
            "are in data/processed/documents.csv"
        )
        warned = df[df["warnings"].fillna("").astype(str).str.len() > 0]
        if len(warned):
            print(f"{len(warned)} documents have warnings (column `warnings` of documents.csv), e.g.:")
            for row in warned.head(3).itertuples():
                print(f"  {str(row.warnings)[:200]}")
        for out in summary.outputs:
            print(f"wrote {out}")
        return 0
    width = max([len(d) for d in df["doc_id"]] + [8])
    print(f"{'document':{width}}  {'city':13} {'parts':>5} {'measures':>8} {'blocks':>6} {'quantities':>10}")
    for row in df.itertuples():
        print(
            f"{row.doc_id:{width}}  {row.city:13} {row.parts:5d} {row.measures:8d} {row.blocks:6d} {row.quantities:10d}"
        )
        if row.warnings:
            print(f"  warning: {row.warnings}")
    print()
    print("quantities per category and city:")
    print(summary.per_category.T.to_string())
    for out in summary.outputs:
        print(f"wrote {out}")
    return 0


def _cmd_query(args: argparse.Namespace) -> int:
    from .api import query

    result = query(args.sql, args.root, read_only=args.read_only)
    if result is not None:  # a statement with no result (copy, create …) prints nothing
        print(result.to_string(index=False))
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .devtools.evaluate import evaluate, format_report, write_markdown

    sets = tuple(args.against or ["corpus", "heldout", "seeds"])
    reports = evaluate(args.root, sets, corpus_dir=args.corpus, with_jionlp=not args.no_jionlp)
    print("\n\n".join(format_report(r) for r in reports))
    if args.write:
        changed = write_markdown(reports, args.write)
        print(f"{'updated' if changed else 'unchanged'}: {args.write}")
    return 0


_ADD_OPTIONS = {
    "city_en": "city_en",
    "city_zh": "city_zh",
    "province": "province",
    "level": "admin_level",
    "date": "issue_date",
    "title": "title",
    "doc_number": "doc_number",
    "doc_id": "doc_id",
    "prefecture_en": "prefecture_en",
    "prefecture_zh": "prefecture_zh",
    "issuer": "issuer_zh",
    "issuer_en": "issuer_en",
    "issuer_level": "issuer_level",
    "genre": "genre",
    "nature": "statement_nature",
    "provenance": "provenance",
    "source_url": "source_url",
    "accessed": "accessed",
    "licence_note": "licence_note",
}


def _cmd_add(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .corpus import add_documents, folder_entries, manifest_entries
    from .paths import get_paths

    meta = {col: getattr(args, opt) for opt, col in _ADD_OPTIONS.items() if getattr(args, opt) is not None}
    paths = get_paths(args.root)
    ignored: list[str] = []
    if args.manifest:
        base = Path(args.path) if args.path else None
        if base is not None and not base.is_dir():
            raise PolicystatsError(f"{args.path}: with --manifest, PATH is the folder the manifest's files are in")
        entries = manifest_entries(Path(args.manifest), base, meta)
    elif not args.path:
        raise PolicystatsError("give a file or a folder to add, or --manifest FILE.csv")
    elif Path(args.path).is_dir():
        if "doc_id" in meta:
            raise PolicystatsError("--doc-id names one document; it cannot be used with a folder")
        entries, ignored = folder_entries(Path(args.path), meta)
    else:
        entries = [(Path(args.path), meta)]
    outcomes = add_documents(entries, paths, wait=args.wait, on_wait=lambda m: print(m, file=sys.stderr))
    for o in outcomes:
        name = o.row["doc_id"] if o.row else Path(o.source).name
        stream = sys.stderr if o.status == "rejected" else sys.stdout
        print(f"{o.status:8} {name}: {o.detail}", file=stream)
    if ignored:
        print(f"ignored  {len(ignored)} file(s) that are no documents: {', '.join(ignored)}")
    counts = {s: sum(o.status == s for o in outcomes) for s in ("added", "skipped", "rejected")}
    print(", ".join(f"{n} {s}" for s, n in counts.items()) + f" ({len(outcomes)} file(s))")
    if counts["added"]:
        print("next: run `policystats build` to add their measures to the table")
    return 1 if counts["rejected"] else 0


def _cmd_init(args: argparse.Namespace) -> int:
    from .api import init_project

    paths = init_project(args.dir, example=args.example)
    print(f"created a policystats project in {paths.root}")
    print("  policystats.toml   marks the project (commands run anywhere inside it use it)")
    print("  data/catalog.csv   the catalog" + (" (the five seed documents)" if args.example else " (empty)"))
    print("  data/raw/          the documents, byte for byte as received")
    print("  reports.yaml       the reports `policystats report` runs; notebooks/ holds them")
    print(f"next: cd {args.dir} && policystats add FILE_OR_FOLDER … && policystats build && policystats report")
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from .api import project_info

    info = project_info(args.project.root, found_by=args.project.found_by)
    how = {
        "--root": "given with --root",
        "POLICYSTATS_ROOT": "from $POLICYSTATS_ROOT",
        "marker": "the nearest folder with policystats.toml",
        "bundled": "no project found: the bundled example dataset (read-only; `policystats init DIR` starts one)",
        "given": "given",
    }[info.found_by]
    print(f"project    {info.root}")
    print(f"found by   {how}")
    cities = ", ".join(info.cities[:12]) + (" …" if len(info.cities) > 12 else "")
    print(f"documents  {info.documents}" + (f" ({len(info.cities)} cities: {cities})" if info.cities else ""))
    print(f"table      {info.outputs['table']} ({info.built})")
    if info.bundled:
        print("outputs    none: the bundled dataset is read-only")
        return 0
    print(f"parquet    {info.outputs['parquet']}")
    print(f"reports    {info.outputs['reports']}/<timestamp>/")
    print(f"cache      {info.outputs['cache']}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .paths import relative_to_root
    from .report.reports import run

    if not args.out:  # the reports go into the project: not into the read-only bundled example
        args.project.require_writable("policystats report")
    summary = run(
        args.config,
        only=args.only,
        jobs=args.jobs,
        out=args.out,
        lang=args.lang,
        root=args.root,
        progress=not args.quiet,
        figures_dir=args.figures,
    )
    where = relative_to_root(summary.run_dir)
    ok = len(summary.results) - len(summary.failed)
    print(f"{ok} of {len(summary.results)} notebooks ran; reports in {where}/ (open {where}/index.html)")
    for r in summary.failed:
        print(
            f"error: {r.notebook} ({r.stem}) failed at {r.error}; partial output kept in {where}/{r.ipynb}",
            file=sys.stderr,
        )
    return 1 if summary.failed else 0


def _cmd_review(args: argparse.Namespace) -> int:
    from . import review
    from .paths import get_paths

    paths = get_paths(args.root)
    if args.apply:
        new, total = review.apply_worksheet(paths, args.apply, reviewer=args.reviewer or "")
        print(f"stored {new} decision(s) from {args.apply} in data/review.csv ({total} in all)")
        print("next: run `policystats build` to apply them to the table")
    elif args.out:
        n = review.export_worksheet(paths, args.out, doc=args.doc, city=args.city, only_uncertain=args.only_uncertain)
        print(f"wrote {n} row(s) to check to {args.out}; fill its editable columns, then run")
        print(f"  policystats review --apply {args.out}")
    stale, unseen = review.stale_decisions(paths)
    for s in stale:
        print(f"stale: {s}", file=sys.stderr)
    if not (args.apply or args.out):
        decisions = review.read_decisions(paths.review)
        print(
            f"{len(decisions)} decision(s) in data/review.csv: {len(stale)} stale at the last build, "
            f"{unseen} not built yet" + (" (run `policystats build`)" if unseen else "")
        )
    return 0


def _cmd_codebook(args: argparse.Namespace) -> int:
    from .api import load_measures
    from .devtools.codebook import update
    from .paths import get_paths

    paths = get_paths(args.root)
    paths.require_writable("policystats codebook")
    path = paths.root / "docs" / "codebook.md"
    changed = update(path, load_measures(args.root))
    print(f"{'updated' if changed else 'unchanged'}: docs/codebook.md")
    return 0


def _cmd_documents(args: argparse.Namespace) -> int:
    from .api import load_documents

    df = load_documents(args.root)
    cols = ["doc_id", "city_en", "issue_date", "issuer_level", "genre", "statement_nature", "format"]
    if args.provenance:
        cols = ["doc_id", "original_name", "format", "importer", "source_url", "accessed", "licence_note"]
    print(df[cols].to_string(index=False))
    return 0


def _cmd_check_lexicon(args: argparse.Namespace) -> int:
    from .extract import _lexicon

    for name in _lexicon.validate_all():
        print(f"ok  {name}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policystats", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--root",
        help="project folder (default: $POLICYSTATS_ROOT, else the nearest folder above with policystats.toml, "
        "else the bundled example dataset)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "build",
        help="build data/processed/measures.csv from the catalogued documents",
        description="Clean, segment and extract every catalogued document, then write "
        "data/processed/measures.csv, measures.parquet, parquet/<doc_id>.parquet and documents.csv. "
        "Documents are processed one at a time (or --jobs at once) and streamed to disk, so memory stays "
        "flat; results are cached in .cache/build/ per document, keyed on the file's sha256, its catalog row "
        "and the extractor, so a rebuild only redoes what changed. If a document fails, it is named and the "
        "previous outputs are kept. The build holds the project's lock (a second build or an add waits, or "
        "exits with --no-wait), writes into a folder of its own and publishes only a complete, checked build; "
        "Ctrl-C stops it with exit status 130 and publishes nothing. Prints one line per document (a summary "
        "above 40 documents).",
    )
    p.add_argument("--jobs", type=int, default=1, help="documents processed at once (a process pool); default 1")
    p.add_argument("--engine", choices=["local", "dask"], default="local", help="local processes or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (default: a LocalCluster)")
    p.add_argument("--no-cache", action="store_true", help="recompute every document (ignore .cache/build)")
    p.add_argument(
        "--prune-cache",
        action="store_true",
        help="after the build, delete cached results it did not use (earlier catalog rows, files or extractor "
        "versions); the cache otherwise only grows",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--no-wait",
        dest="wait",
        action="store_false",
        help="exit at once (status 2) if another build or an add is running on the project; default: wait for it",
    )
    p.add_argument(
        "--max-document-mb",
        type=float,
        metavar="MB",
        help="documents with more text than this get a warning and are built in parts that stream to disk "
        "(default: [build] max_document_mb in policystats.toml, else 8)",
    )
    csv = p.add_mutually_exclusive_group()
    csv.add_argument(
        "--csv", dest="csv", action="store_true", default=None, help="write measures.csv whatever the corpus size"
    )
    csv.add_argument(
        "--no-csv",
        dest="csv",
        action="store_false",
        help="write Parquet only (the default above 2,000 documents: the CSV of a large corpus is gigabytes)",
    )
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser(
        "query",
        help="run SQL with DuckDB over the Parquet output (table: measures)",
        description="Query data/processed/measures.parquet with DuckDB without loading the table into pandas; "
        "warns when the catalog, a raw file or the extractor changed since the last build. The statement is any "
        "DuckDB SQL, which can read and write files; --read-only turns that off. "
        'Example: policystats query "select city, category, count(*) from measures group by all"',
    )
    p.add_argument("sql", help="a DuckDB SQL statement over the view `measures`")
    p.add_argument(
        "--read-only",
        action="store_true",
        help="turn DuckDB's file access off: the statement sees the table only, and cannot read or write files "
        "(by default it runs any DuckDB SQL, copy … to 'file' and read_csv('…') included)",
    )
    p.set_defaults(func=_cmd_query)

    p = sub.add_parser(
        "add",
        help="register documents (a file, a folder, or a manifest CSV) in data/raw and the catalog",
        description="Register documents: .txt (UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030), .html/.htm (the main "
        "text of a web page), .docx (paragraphs, tables and automatic numbering) and .pdf with a text layer. Each "
        "original is copied byte for byte into data/raw/; the text of a file that is not plain text is stored in "
        "data/text/<doc_id>.txt, and offsets index that text. The catalog records both sha256 hashes, the format "
        "and the importer. PATH may be a folder: every document in it is registered with the options given. "
        "--manifest FILE.csv registers one row per file, with the catalog's columns (file, city_en, city_zh, "
        "province_en or province_zh, admin_level, issue_date, title, doc_number, source_url …); options fill "
        "cells left empty. Each file is reported as added, skipped (already catalogued) or rejected (with the "
        "reason); one bad file never loses the others, and a run that fails leaves the catalog as it was. Exit "
        "status 1 if any file was rejected. Run `policystats build` afterwards.",
    )
    p.add_argument("path", nargs="?", help="a document, or a folder of documents (with --manifest: their folder)")
    p.add_argument("--manifest", metavar="FILE.csv", help="register one row per file, with the catalog's columns")
    p.add_argument("--city-en", help="jurisdiction in English, e.g. Luoyang")
    p.add_argument("--city-zh", help="jurisdiction in Chinese, e.g. 洛阳市")
    p.add_argument("--province", help="province in English or Chinese, e.g. Henan or 河南省")
    p.add_argument("--level", help="admin level of the jurisdiction: prefecture_city, district, county or province")
    p.add_argument("--date", help="issue date, YYYY-MM-DD")
    p.add_argument("--title", help="document title")
    p.add_argument("--doc-number", help="document number, e.g. 洛政办〔2023〕12号")
    p.add_argument("--doc-id", help="id to use for one file (default: <city>-<year>-<hash>)")
    p.add_argument("--prefecture-en", help="prefecture in English if the jurisdiction is a district or county")
    p.add_argument("--prefecture-zh", help="prefecture in Chinese")
    p.add_argument("--issuer", help="issuing body in Chinese")
    p.add_argument("--issuer-en", help="issuing body in English")
    p.add_argument("--issuer-level", help="level of the issuing body if it differs from --level")
    p.add_argument("--genre", help="notice (default), implementation_plan, reply, measures or opinion")
    p.add_argument("--nature", help="commitments (default: targets and rules) or outcomes (a report of results)")
    p.add_argument("--provenance", help="free text on where the file came from and its state")
    p.add_argument("--source-url", help="the address the document was published at (http:// or https://)")
    p.add_argument("--accessed", help="the date the file was retrieved, YYYY-MM-DD")
    p.add_argument("--licence-note", help="free note on the document's licence or copyright status")
    p.add_argument(
        "--no-wait",
        dest="wait",
        action="store_false",
        help="exit at once if a build or another add is running on the project (default: wait for it)",
    )
    p.set_defaults(func=_cmd_add)

    p = sub.add_parser(
        "init",
        help="create a project folder: policystats.toml, data/catalog.csv, data/raw/, reports.yaml, notebooks/",
        description="Create a researcher's project in DIR: the marker file policystats.toml (every command run "
        "inside DIR uses the project), an empty data/catalog.csv, data/raw/, reports.yaml and copies of the "
        "notebooks. An existing project is never overwritten.",
    )
    p.add_argument("dir", help="the folder to create (or an empty one)")
    p.add_argument("--example", action="store_true", help="also register the five seed documents")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser(
        "info",
        help="show the active project, how it was found, its documents and where its outputs go",
        description="Print the active project (from --root, $POLICYSTATS_ROOT or the nearest folder with "
        "policystats.toml; else the bundled example dataset), its document count and cities, whether the "
        "table is current, and where the table, reports and cache are written.",
    )
    p.set_defaults(func=_cmd_info)

    p = sub.add_parser(
        "evaluate",
        help="measure extraction accuracy against blind gold (and jionlp's money figures)",
        description="Score the extractor against gold sets read blind off the documents: `corpus` (the "
        "development corpus, documents the rules were not written from; tests/gold/corpus/), `heldout` "
        "(documents from further cities, committed with their gold, first scored before any rule was changed "
        "for them; tests/gold/heldout/), `seeds` (the five "
        "seed documents re-annotated blind; tests/gold/seeds/) and `review` (rows a reviewer confirmed or "
        "corrected; data/review.csv). Precision and recall per category, cumulatively: value + unit, then "
        "+ comparator, + category, + statement kind. jionlp's money extraction is scored on the same gold "
        "when jionlp is installed (the dev extra).",
    )
    p.add_argument(
        "--against",
        action="append",
        choices=["corpus", "heldout", "seeds", "review"],
        help="gold set to score against (repeatable; default: corpus, heldout and seeds)",
    )
    p.add_argument(
        "--corpus",
        metavar="DIR",
        help="the development corpus folder (default: $POLICYSTATS_DEV_CORPUS, else ../shared/corpus)",
    )
    p.add_argument("--write", metavar="FILE", help="also refresh the generated part of FILE, e.g. docs/accuracy.md")
    p.add_argument("--no-jionlp", action="store_true", help="skip the jionlp comparison")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser(
        "report",
        help="run the notebooks through papermill into reports/<timestamp>/ (HTML and executed notebooks)",
        description="Run the reports listed in reports.yaml (or --config) in parallel. Each run goes to a new dated "
        "folder that never replaces an earlier one, with the executed notebooks, HTML pages with the code hidden, "
        "the figures and an index.html. Unknown parameter names are rejected before anything runs. A failing "
        "notebook is named with its cell; its partial output is kept and the exit status is 1.",
    )
    p.add_argument("--config", help="report config (default: reports.yaml in the project)")
    p.add_argument("--only", action="append", metavar="NAME", help="run only this report (repeatable)")
    p.add_argument("--jobs", type=int, help="notebooks to run at once (default: number of CPUs)")
    p.add_argument("--out", help="folder that receives the dated run folder (default: reports/)")
    p.add_argument("--lang", choices=["en", "zh"], help="run every report in this language only")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--figures",
        metavar="DIR",
        help="where the notebooks save figures (default: the run folder); `--figures figures` refreshes the "
        "figures the README embeds",
    )
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "review",
        help="write a worksheet of rows to check, or store a reviewer's decisions (data/review.csv)",
        description="Human review on top of extraction. `--out FILE.xlsx` (or .csv) writes the rows to check with "
        "their sentence (the quantity marked), reasons and current values, and one editable column per field a "
        "reviewer may correct (category, statement kind, comparator, value, unit, not a quantity); further rows "
        "can add a quantity the extractor missed. `--apply FILE` validates the filled worksheet against the "
        "codebook's vocabularies (one message per bad cell) and stores the decisions in data/review.csv, keyed by "
        "the document's sha256 and the quantity's span and text. Every build applies them; a decision whose "
        "document or quantity changed is reported as stale, never applied silently. With no option: a summary.",
    )
    p.add_argument("--out", metavar="FILE", help="write the worksheet (.xlsx for Excel and WPS, or .csv)")
    p.add_argument("--apply", metavar="FILE", help="validate a filled worksheet and store its decisions")
    p.add_argument("--doc", metavar="ID", help="only this document")
    p.add_argument("--city", help="only this city (English or Chinese name)")
    p.add_argument(
        "--only-uncertain",
        action="store_true",
        help="only rows decided by a default (confidence low), from documents not reviewed yet, or whose category "
        "or kind changed at the last build",
    )
    p.add_argument("--reviewer", help="name stored with each decision (default: the worksheet's column, else $USER)")
    p.set_defaults(func=_cmd_review)

    p = sub.add_parser(
        "codebook",
        help="regenerate the reference tables of docs/codebook.md",
        description="Rewrite the generated part of docs/codebook.md (columns and vocabularies with seed examples).",
    )
    p.add_argument("--write", action="store_true", help="write the file (the default; kept for clarity)")
    p.set_defaults(func=_cmd_codebook)

    sub.add_parser(
        "bench",
        help="print performance figures (throughput vs jionlp, import time, cache, reports, scaling)",
        description="See `policystats bench --help`.",
        add_help=False,
    )

    p = sub.add_parser("documents", help="list the catalogued documents", description="Print the catalog, checked.")
    p.add_argument(
        "--provenance", action="store_true", help="show the provenance: original name, format, importer, source_url …"
    )
    p.set_defaults(func=_cmd_documents)

    p = sub.add_parser(
        "check-lexicon",
        help="check the wording files in policystats/extract/data",
        description="Validate every lexicon file (comparators, units, categories, agencies …).",
    )
    p.set_defaults(func=_cmd_check_lexicon)
    for name, subparser in sub.choices.items():
        if name != "bench":  # `policystats --debug build` and `policystats build --debug` both work
            subparser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings on the command line: one line, no source location."""
    print(f"warning: {message}", file=sys.stderr)


def _error_line(exc: BaseException) -> tuple[str, int]:
    """One line for a failure, and the exit status: 2 for bad input, 1 for anything else."""
    if isinstance(exc, PolicystatsError):
        return f"error: {exc}", 2
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"error: {where}{exc.strerror or exc} (run with --debug for the traceback)", 1
    text = " ".join(str(exc).split())[:300]
    return f"error: unexpected {type(exc).__name__}: {text} (a bug? run with --debug for the traceback)", 1


@contextlib.contextmanager
def _project_env(args: argparse.Namespace):
    """Resolve the project once and pass it on to every child process (workers, notebook kernels)."""
    from .paths import ENV, find_root

    if args.command in ("init",):
        yield
        return
    paths = find_root(args.root)
    args.project = paths  # how it was found, for `info`
    old = os.environ.get(ENV)
    if not paths.bundled:
        os.environ[ENV] = str(paths.root)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = old


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:  # its own options, parsed by policystats.devtools.bench
        from .devtools.bench import main as bench_main

        return bench_main(argv[1:])
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from ._workers import Terminated, terminate_as_interrupt

    try:
        with warnings.catch_warnings(), terminate_as_interrupt():
            warnings.showwarning = _show_warning  # restored on leaving the block
            with _project_env(args):
                return int(args.func(args) or 0)
    except Terminated:
        print("terminated: stopped cleanly (a build publishes nothing half-done)", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("interrupted: stopped cleanly (a build publishes nothing half-done)", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `policystats build | head`; the outputs are already written
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if args.debug:
            raise
        line, status = _error_line(exc)
        print(line, file=sys.stderr)
        return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
