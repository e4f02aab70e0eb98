"""A smoke run of the benchmark on tiny sizes: it must run and print every section.

These are not timed tests; no figure is compared with a target here.
"""

from __future__ import annotations

from pathlib import Path

from policystats.devtools import bench


def test_the_benchmark_runs_and_reports_every_section(tmp_path: Path) -> None:
    res = {
        "machine": bench.machine(),
        "command": "policystats bench --test",
        "jobs": 1,
        "total_seconds": 1.0,
        "throughput": bench.throughput(20_000, repeats=1),
        "imports": bench.import_times(runs=1),
        "seeds": bench.seeds_build(tmp_path, runs=1),
        "scaling": bench.scaling(tmp_path, [3, 6], jobs=1),
        "pipeline": bench.pipeline(tmp_path, documents=3, repeats=1),
    }
    from policystats.report.reports import time_notebooks

    res["notebooks"] = time_notebooks(["procurement_shares"])
    t = res["throughput"]
    assert t["chars"] >= 20_000
    assert t["rows"]["policystats"]["found"] > t["rows"].get("jionlp", {"found": 0})["found"] > 0
    assert [r["documents"] for r in res["scaling"]] == [3, 6]
    assert all(r["rows"] > 0 and r["peak_rss"] > 0 for r in res["scaling"])
    md = bench.to_markdown(res)
    for heading in ("## Extraction throughput", "## Import time", "on the seeds", "## Build scaling"):
        assert heading in md
    for heading in ("## The pipeline against its extractor", "## Each notebook against the floor"):
        assert heading in md
    assert "| `procurement_shares` |" in md and "each notebook ≤ 2× a floor notebook" in md
    assert "running the whole extractor" in md and res["pipeline"]["extract_process_seconds"] > 0
    assert "policystats bench --test" in md


def test_writing_the_report_keeps_the_hand_written_notes(tmp_path: Path) -> None:
    path = tmp_path / "performance.md"
    assert bench.kept_notes(path) == ""
    path.write_text(f"# old figures\n\n{bench.KEEP}\n\n## Where the time went\n\nnotes\n", encoding="utf-8")
    kept = bench.kept_notes(path)
    assert kept.startswith(f"\n{bench.KEEP}") and kept.endswith("notes\n") and "old figures" not in kept


def test_run_measured_reports_failure_and_memory() -> None:
    import sys

    ok = bench.run_measured([sys.executable, "-c", "x = bytearray(60_000_000); import time; time.sleep(0.3)"])
    assert ok.returncode == 0 and ok.peak_rss > 60_000_000
    bad = bench.run_measured([sys.executable, "-c", "raise SystemExit(3)"])
    assert bad.returncode == 3
