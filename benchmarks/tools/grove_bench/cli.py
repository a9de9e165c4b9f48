"""Grove benchmark driver: build, run, compare, report.

Run through scripts/bench, which installs what is missing first:

    scripts/bench                       full run (10-12 minutes on 2 cores)
    scripts/bench --quick               smaller sizes, fewer runs (under 1 minute)
    scripts/bench --compare A.json B.json
                                        which differences between two saved
                                        runs are larger than run-to-run noise
    scripts/bench --publish             full run, then refresh docs/benchmarks.md

Python 3 standard library only. Plots are drawn by gnuplot (Debian package
gnuplot-nox).
"""

import argparse
import datetime
import json
import os
import sys
import time

from . import ROOT, SCHEMA, catalogue
from .build import build
from .compare import compare, load_results
from .console import BenchError, say
from .machine import load_average, machine_info, source_info, warn_if_busy
from .plot import plot_all
from .probe import probe_report, probe_summary_line
from .publish import publish
from .report import print_table, print_targets, report_markdown, write_csv
from .run import plan, run_all
from .summary import save_pauses, summarize
from .targets import evaluate_targets


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="scripts/bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes and 3 runs each (under 1 minute)")
    ap.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"),
                    help="compare two saved results (a results.json or its run directory)")
    ap.add_argument("--compare-out", metavar="FILE", help="with --compare: also write a Markdown table")
    ap.add_argument("--reps", type=int,
                    help="runs per benchmark (default 5; gcbench 10, churn 7, binary-trees 3, "
                         "pause-scaling 1; quick 3)")
    ap.add_argument("--only", action="append", metavar="REGEX",
                    help="only benchmarks whose id matches (repeatable; the memcpy bandwidth, the yardstick "
                         "of the copy throughput, runs with any Grove benchmark). Ids: "
                         + ", ".join(b.id for b in catalogue.BENCHMARKS))
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--results-dir", default=os.path.join(ROOT, "results"))
    ap.add_argument("--no-build", action="store_true", help="use the existing build")
    ap.add_argument("--nice", type=int, default=-10 if os.geteuid() == 0 else 0, metavar="N",
                    help="run each benchmark at this nice value, in a scheduler autogroup of its "
                         "own, so other work on a shared machine does not take its core "
                         "(default -10 as root, else 0; 0 turns it off)")
    ap.add_argument("--replot", metavar="RUN_DIR",
                    help="redo the plots and report.md of a saved run (with --publish: and the docs)")
    ap.add_argument("--publish", action="store_true",
                    help="copy this run's table and plots into docs/benchmarks.md (between its markers)")
    return ap.parse_args(argv)


def write_run(doc, run_dir):
    """results.json and report.md of a run."""
    with open(os.path.join(run_dir, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(run_dir, "report.md"), "w") as f:
        f.write(report_markdown(doc))


def replot(run_dir, do_publish):
    """--replot: redraw a saved run's plots from its summary and pause files."""
    doc = load_results(run_dir)
    if not os.path.isdir(run_dir):
        run_dir = os.path.dirname(run_dir)
    results = {}
    pause_dir = os.path.join(run_dir, "pauses")
    for r in doc["summary"]:
        fn = os.path.join(pause_dir, f"{r['bench']}.{r['variant']}.json")
        pauses = {}
        if os.path.exists(fn):
            with open(fn) as f:
                pauses = json.load(f)
        results[(r["bench"], r["variant"])] = {"runs": [], "pauses": pauses}
    doc["plots"] = plot_all(doc, results, os.path.join(run_dir, "plots"))
    write_run(doc, run_dir)
    say(f"replotted {run_dir}")
    if do_publish:
        publish(doc, run_dir)
    return 0


def make_document(args, rows, probes, failures, loads):
    """The results.json document (schema grove-bench/1) without its plots."""
    bench_args = {b.id: b.args(args.quick) for b in catalogue.BENCHMARKS}
    return {
        "schema": SCHEMA,
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "quick" if args.quick else "full",
        "machine": machine_info(),
        "source": source_info(),
        "settings": {"reps_text": catalogue.describe_reps(args.quick, args.reps), "duration_s": 0,
                     "nice": args.nice, "load_before": loads[0], "load_after": loads[1],
                     "args": bench_args},
        "summary": rows,
        "probes": probes,
        "failures": failures,
        "targets": evaluate_targets(rows, probes, bench_args),
    }


def point_latest(results_dir, run_dir):
    """results/latest -> the newest run (best effort)."""
    latest = os.path.join(results_dir, "latest")
    try:
        if os.path.islink(latest) or os.path.exists(latest):
            os.unlink(latest)
        os.symlink(os.path.basename(run_dir), latest)
    except OSError:
        pass
    return latest


def measure(args):
    """Build, probe and run: (probes, results, failures, (load before, load after))."""
    if not args.no_build:
        build(args.build_dir, os.cpu_count() or 2)
    say("== Fast-path probes (objdump)")
    probes = probe_report(args.build_dir)
    for b in catalogue.GROVE:
        if b in probes:
            say(probe_summary_line(b, probes[b]))
    for variant, package in catalogue.OPTIONAL_VARIANTS.items():
        bench = next(b for b in catalogue.BENCHMARKS if variant in b.variants)
        if not os.path.exists(bench.executable(args.build_dir, variant)):
            say(f"   note: {variant} peers not built (install {package}); their targets will read n/a")
    jobs = plan(args.build_dir, args.quick, args.only, args.reps)
    load_before = warn_if_busy("before the runs")
    results, failures = run_all(args.build_dir, jobs, args.nice)
    return probes, results, failures, (load_before, load_average())


def print_end(doc, rows, run_dir, latest):
    say("")
    say(f"== Results ({doc['mode']} run, {doc['machine'].get('cpu', '?')}, {doc['machine'].get('cores')} cores)")
    say("")
    print_table(rows)
    say("")
    say("== Targets")
    print_targets(doc["targets"])
    say("")
    rel = os.path.relpath(run_dir, os.getcwd())
    say(f"Written: {rel}/results.json, summary.csv, report.md" +
        (", plots/*.svg" if doc["plots"] else "") + f"  (also {os.path.relpath(latest, os.getcwd())})")
    say(f"Compare later runs with: scripts/bench --compare {rel}/results.json <other>/results.json")


def print_failures(failures):
    say("")
    say(f"FAILED: {len(failures)} run(s) failed:")
    for f in failures:
        say(f"  {f['bench']} / {f['variant']} run {f['run']}: {f['error'].splitlines()[0]}")


def run_benchmarks(args):
    """A full or quick run: measure, then write results/<date>-<mode>/."""
    if args.nice < 0 and os.geteuid() != 0:
        raise BenchError("--nice below 0 needs root")
    t0 = time.time()
    probes, results, failures, loads = measure(args)
    mode = "quick" if args.quick else "full"
    run_dir = os.path.join(args.results_dir, f"{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}-{mode}")
    os.makedirs(run_dir, exist_ok=True)
    rows = summarize(results)
    save_pauses(results, os.path.join(run_dir, "pauses"))
    doc = make_document(args, rows, probes, failures, loads)
    say("")
    say("== Plots")
    doc["plots"] = plot_all(doc, results, os.path.join(run_dir, "plots"))
    doc["settings"]["duration_s"] = time.time() - t0
    write_run(doc, run_dir)
    write_csv(os.path.join(run_dir, "summary.csv"), rows)
    latest = point_latest(args.results_dir, run_dir)
    print_end(doc, rows, run_dir, latest)
    if args.publish:
        if failures:
            say("   not publishing: some runs failed")
        else:
            publish(doc, run_dir)
    say(f"Total time {time.time() - t0:.0f} s")
    if failures:
        print_failures(failures)
        return 1
    return 0


def main(argv=None):
    args = parse_args(argv)
    try:
        if args.compare:
            status = compare(args.compare[0], args.compare[1], args.compare_out)
        elif args.replot:
            status = replot(args.replot, args.publish)
        else:
            status = run_benchmarks(args)
    except BenchError as e:
        print("bench: " + str(e), file=sys.stderr, flush=True)
        status = 1
    sys.exit(status)
