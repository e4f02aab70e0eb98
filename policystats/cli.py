"""The ``policystats`` command line.

Every subcommand explains itself with ``--help``. Bad input ends with a
one-line ``error:`` message naming the file, row, notebook or cell, and exit
status 2; nothing prints a traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from .errors import PolicystatsError

DESCRIPTION = """\
Normalise Chinese local SME-support measures into one table and compare them.

Typical use:
  policystats build                 # data/raw + data/catalog.csv -> data/processed/
  policystats report                # run the notebooks into reports/<timestamp>/
  policystats add FILE --city-en Luoyang --city-zh 洛阳市 --province Henan \\
      --level prefecture_city --date 2023-05-01 --title "…"   # register a sixth city
"""


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
    )
    df = summary.per_document
    print(f"Built {summary.n_rows} rows from {summary.n_documents} documents ({summary.cached} from the cache).")
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

    print(query(args.sql, args.root).to_string(index=False))
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .devtools.evaluate import evaluate, format_report, write_markdown

    sets = tuple(args.against or ["corpus", "seeds"])
    reports = evaluate(args.root, sets, corpus_dir=args.corpus, with_jionlp=not args.no_jionlp)
    print("\n\n".join(format_report(r) for r in reports))
    if args.write:
        changed = write_markdown(reports, args.write)
        print(f"{'updated' if changed else 'unchanged'}: {args.write}")
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from .corpus import add_document
    from .paths import get_paths

    row = add_document(
        args.path,
        city_en=args.city_en,
        city_zh=args.city_zh,
        province=args.province,
        level=args.level,
        date=args.date,
        title=args.title or "",
        doc_number=args.doc_number or "",
        doc_id=args.doc_id,
        prefecture_en=args.prefecture_en,
        prefecture_zh=args.prefecture_zh,
        issuer_zh=args.issuer or "",
        issuer_level=args.issuer_level,
        genre=args.genre,
        statement_nature=args.nature,
        paths=get_paths(args.root),
    )
    print(f"added {row['doc_id']}: data/raw/{row['file']} ({row['encoding']}, sha256 {row['sha256'][:12]}…)")
    print("next: run `policystats build` to add its measures to the table")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .paths import relative_to_root
    from .report.reports import run

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
    stale = review.stale_decisions(paths)
    for s in stale:
        print(f"stale: {s}", file=sys.stderr)
    if not (args.apply or args.out):
        decisions = review.read_decisions(paths.review)
        print(f"{len(decisions)} decision(s) in data/review.csv, {len(stale)} of them stale")
    return 0


def _cmd_codebook(args: argparse.Namespace) -> int:
    from .api import load_measures
    from .devtools.codebook import update
    from .paths import get_paths

    path = get_paths(args.root).root / "docs" / "codebook.md"
    changed = update(path, load_measures(args.root))
    print(f"{'updated' if changed else 'unchanged'}: docs/codebook.md")
    return 0


def _cmd_documents(args: argparse.Namespace) -> int:
    from .api import load_documents

    df = load_documents(args.root)
    cols = ["doc_id", "city_en", "issue_date", "issuer_level", "genre", "statement_nature"]
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
    parser.add_argument("--root", help="project folder (default: this checkout, or $POLICYSTATS_ROOT)")
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
        "previous outputs are kept. Prints one line per document (a summary above 40 documents).",
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
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser(
        "query",
        help="run SQL with DuckDB over the Parquet output (table: measures)",
        description="Query data/processed/measures.parquet with DuckDB without loading the table into pandas; "
        "warns when the catalog or the extractor changed since the last build. "
        'Example: policystats query "select city, category, count(*) from measures group by all"',
    )
    p.add_argument("sql", help="a DuckDB SQL statement over the view `measures`")
    p.set_defaults(func=_cmd_query)

    p = sub.add_parser(
        "add",
        help="register a new raw text file (UTF-8 or GBK) in data/raw and the catalog",
        description="Copy PATH byte for byte into data/raw/, record its sha256 and a catalog row. "
        "No code changes are needed to add a city: run `policystats build` afterwards.",
    )
    p.add_argument("path", help="the text file to register (UTF-8, UTF-8 with BOM, UTF-16 or GBK)")
    p.add_argument("--city-en", required=True, help="jurisdiction in English, e.g. Luoyang")
    p.add_argument("--city-zh", required=True, help="jurisdiction in Chinese, e.g. 洛阳市")
    p.add_argument("--province", required=True, help="province in English or Chinese, e.g. Henan or 河南省")
    p.add_argument(
        "--level", required=True, help="admin level of the jurisdiction: prefecture_city, district, county or province"
    )
    p.add_argument("--date", required=True, help="issue date, YYYY-MM-DD")
    p.add_argument("--title", help="document title")
    p.add_argument("--doc-number", help="document number, e.g. 洛政办〔2023〕12号")
    p.add_argument("--doc-id", help="id to use (default: <city>-<year>-<hash>)")
    p.add_argument("--prefecture-en", help="prefecture in English if the jurisdiction is a district or county")
    p.add_argument("--prefecture-zh", help="prefecture in Chinese")
    p.add_argument("--issuer", help="issuing body in Chinese")
    p.add_argument("--issuer-level", help="level of the issuing body if it differs from --level")
    p.add_argument("--genre", default="notice", help="notice, implementation_plan, reply, measures or opinion")
    p.add_argument(
        "--nature", default="commitments", help="commitments (targets and rules) or outcomes (a report of results)"
    )
    p.set_defaults(func=_cmd_add)

    p = sub.add_parser(
        "evaluate",
        help="measure extraction accuracy against blind gold (and jionlp's money figures)",
        description="Score the extractor against gold sets read blind off the documents: `corpus` (the "
        "development corpus, documents the rules were not written from; tests/gold/corpus/), `seeds` (the five "
        "seed documents re-annotated blind; tests/gold/seeds/) and `review` (rows a reviewer confirmed or "
        "corrected; data/review.csv). Precision and recall per category, cumulatively: value + unit, then "
        "+ comparator, + category, + statement kind. jionlp's money extraction is scored on the same gold "
        "when jionlp is installed (the dev extra).",
    )
    p.add_argument(
        "--against",
        action="append",
        choices=["corpus", "seeds", "review"],
        help="gold set to score against (repeatable; default: corpus and seeds)",
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
    p.set_defaults(func=_cmd_documents)

    p = sub.add_parser(
        "check-lexicon",
        help="check the wording files in policystats/extract/data",
        description="Validate every lexicon file (comparators, units, categories, agencies …).",
    )
    p.set_defaults(func=_cmd_check_lexicon)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings on the command line: one line, no source location."""
    print(f"warning: {message}", file=sys.stderr)


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
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning  # restored on leaving the block
            return int(args.func(args) or 0)
    except PolicystatsError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `policystats build | head`; the outputs are already written
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
