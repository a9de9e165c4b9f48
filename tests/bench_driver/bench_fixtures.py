"""Shared by the benchmark driver's tests: the package on sys.path, the
saved run, and synthetic runs shaped like the benchmarks' JSON lines.

fixtures/ holds a quick run (gcbench, recursion, scope+1, scope+16,
root-get, rootscan, interp-fib) written by the driver as it was before it
became a package (commit a3fd57c): results.json, report.md and summary.csv
as it wrote them, and table.txt, its console table of that run. New code
must read that JSON and write the same text from it. The text files gained
one thing since: the minor GC copy column (and the sentence on it, and on
OCaml, above the table), "-" throughout because that run's JSON predates
the figure.
"""

import contextlib
import copy
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "benchmarks", "tools"))

FIXTURES = os.path.join(HERE, "fixtures")
FIXTURE_JSON = os.path.join(FIXTURES, "results.json")


def fixture_text(name):
    with open(os.path.join(FIXTURES, name)) as f:
        return f.read()


def fixture_doc():
    """A fresh copy of the saved run's results document."""
    return copy.deepcopy(json.loads(fixture_text("results.json")))


def stdout_of(fn, *args):
    """What fn(*args) prints."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn(*args)
    return buf.getvalue()


def _pause_stats(count, p50_ns, p99_ns):
    return {"count": count, "total_ns": count * p50_ns, "max_ns": p99_ns, "p50_ns": p50_ns, "p99_ns": p99_ns}


def grove_run(wall_s, minor_p99_ns=3_000_000, rss_kb=26884, bytes_promoted=62998016):
    """One run's result line of a Grove macro benchmark: 121 minor GCs of
    17 µs at the median, 2,057 µs of minor pause in all."""
    return {"wall_s": wall_s, "peak_rss_kb": rss_kb, "ok": True, "disturbed": False,
            "grove": {"minor_collections": 121, "major_collections": 5, "bytes_allocated": 494683592,
                      "bytes_promoted": bytes_promoted, "remembered_objects_scanned": 300,
                      "peak_heap_bytes": 25427968,
                      "minor": _pause_stats(121, 17_000, minor_p99_ns),
                      "major": _pause_stats(5, 2_500_000, 3_000_000)}}


def bdw_run(wall_s, rss_kb=30596):
    """One run's result line of the BDW GC peer."""
    return {"wall_s": wall_s, "peak_rss_kb": rss_kb, "ok": True, "disturbed": False,
            "bdw": {"collections": 28, "threads": 1, "pause": _pause_stats(27, 3_800_000, 6_900_000)}}


def ocaml_run(wall_s, rss_kb=166664):
    """One run's result line of the native OCaml peer."""
    return {"wall_s": wall_s, "peak_rss_kb": rss_kb, "ok": True, "disturbed": False,
            "ocaml": {"version": "4.13.1", "minor_collections": 3526, "major_collections": 61,
                      "compactions": 0, "top_heap_words": 21820416}}


def memcpy_run(gbps):
    """One run's result line of the memcpy bandwidth measurement."""
    return {"gbps": gbps, "min_gbps": gbps * 0.9, "max_gbps": gbps * 1.1, "buffer_mib": 64, "runs": 15,
            "wall_s": 0.27, "peak_rss_kb": 132500, "ok": True, "disturbed": False}


def micro_run(per_op_ns, baseline_ns=0.3):
    return {"per_op_ns": per_op_ns, "baseline_ns": baseline_ns, "wall_s": 0.02, "peak_rss_kb": 17000,
            "ok": True, "disturbed": False}
