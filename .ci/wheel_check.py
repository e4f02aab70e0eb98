"""Run by .ci/wheel_check.sh with the installed wheel, from a folder outside the repository."""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import warnings
from pathlib import Path


def check(ok: bool, what: str) -> None:
    if not ok:
        sys.exit(f"wheel check FAILED: {what}")
    print(f"ok    {what}", flush=True)


def bundled(repo: Path) -> None:
    import policystats

    package = Path(policystats.__file__).resolve()
    check(repo.resolve() not in package.parents, f"policystats is imported from the wheel ({package.parent})")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a stale bundle would warn and rebuild in memory
        docs = policystats.load_documents()
        table = policystats.load_measures()
        n = int(policystats.query("select count(*) as n from measures")["n"].iloc[0])
    with (repo / "data" / "processed" / "measures.csv").open(encoding="utf-8", newline="") as fh:
        committed = sum(1 for _ in csv.reader(fh)) - 1
    check(len(docs) == 5, "the bundled catalog has the five seed documents")
    check(len(table) == n == committed, f"the bundled table has the committed table's {committed} rows")


def run(*args: str, cwd: Path) -> str:
    done = subprocess.run(["policystats", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"wheel check FAILED: policystats {' '.join(args)} (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def corpus_project(corpus: Path, here: Path) -> None:
    from policystats.api import load_measures
    from policystats.corpus import read_catalog
    from policystats.devtools.evaluate import corpus_meta
    from policystats.paths import find_root

    run("init", "study", cwd=here)
    study = here / "study"
    with (corpus / "catalog.csv").open(encoding="utf-8", newline="") as fh:
        rows = [corpus_meta(r) | {"provenance": r["source"]} for r in csv.DictReader(fh)]
    with (here / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = run("add", str(corpus), "--manifest", str(here / "manifest.csv"), cwd=study)
    check(f"{len(rows)} added, 0 skipped, 0 rejected" in out, f"`add --manifest` registered all {len(rows)} files")
    run("build", "--quiet", "--jobs", "2", cwd=study)
    paths = find_root(study)
    catalog = {r["doc_id"]: r for r in read_catalog(paths)}
    check({r["format"] for r in catalog.values()} == {"txt", "html", "docx"}, "every format of the corpus imported")
    table = load_measures(study)
    texts = {}
    for r in table[table["quantity_id"].notna()].itertuples():
        if r.source_path not in texts:
            texts[r.source_path] = (
                (study / r.source_path)
                .read_bytes()
                .decode("utf-8" if r.source_path.startswith("data/text/") else catalog[r.doc_id]["encoding"])
            )
        if texts[r.source_path][r.span_start : r.span_end] != r.quantity_text:
            sys.exit(f"wheel check FAILED: {r.quantity_id}: the span does not reproduce {r.quantity_text!r}")
    check(True, f"every span of {int(table['quantity_id'].notna().sum())} quantities reproduces its text")
    run("report", "--only", "overview", "--lang", "en", "--quiet", cwd=study)
    (run_dir,) = (study / "reports").iterdir()
    html = (run_dir / "overview_en.html").read_text(encoding="utf-8")
    missing = sorted({r["city_en"] for r in rows} - {c for c in {r["city_en"] for r in rows} if c in html})
    check((run_dir / "index.html").is_file() and not missing, f"the overview report shows every city ({missing=})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True)
    args = ap.parse_args()
    here = Path.cwd()
    check(args.repo.resolve() not in [here, *here.parents], f"running outside the repository ({here})")
    bundled(args.repo)
    if not (args.corpus / "catalog.csv").is_file():
        print(f"skip  the corpus part: {args.corpus} is not there", flush=True)
        return
    corpus_project(args.corpus, here)


if __name__ == "__main__":
    main()
