"""--compare: which differences between two saved runs beat the run-to-run noise."""

import json
import os
from dataclasses import dataclass, field

from . import SCHEMA
from .console import BenchError, say
from .formatting import fmt_metric, md_table, text_table
from .stats import MIN_CHANGE_PCT, compare_samples

METRIC_NAMES = {"wall_s": "wall time", "per_op_ns": "ns per op", "per_root_ns": "ns per root",
                "per_mib_us": "µs per MiB", "gbps": "bandwidth"}
HIGHER_IS_BETTER = ("gbps",)
HEADER = ["Benchmark", "Variant", "Metric", "A", "B", "Change", "Noise ±", "Verdict"]
PAUSE_MIN_CHANGE_PCT = 10.0  # pause p99s are compared run by run and vary more


def load_results(path):
    """A results document from its results.json or its run directory."""
    if os.path.isdir(path):
        path = os.path.join(path, "results.json")
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise BenchError(f"cannot read {path}: {e}") from e
    if doc.get("schema") != SCHEMA:
        raise BenchError(f"{path} is not a Grove benchmark result ({SCHEMA})")
    return doc


@dataclass
class Comparison:
    """The table rows (text cells, as in HEADER), the flagged ones among
    them, and the benchmark/variant pairs only one side has."""

    body: list = field(default_factory=list)
    flagged: list = field(default_factory=list)
    only_a: list = field(default_factory=list)
    only_b: list = field(default_factory=list)


def _fmt_mib(v):
    return f"{v:.1f} MiB"


def _fmt_ms(v):
    return f"{v:.3f} ms"


def metrics_of(ra, rb):
    """What is compared for one benchmark/variant present in both runs:
    (name, A samples, B samples, formatter, minimum change or None, higher is better)."""
    metric = ra["metric"]
    out = [(METRIC_NAMES.get(metric, metric), ra["samples"], rb["samples"],
            lambda v: fmt_metric(v, metric), None, metric in HIGHER_IS_BETTER),
           ("peak RSS", [x / 1024 for x in ra["rss_kb_samples"] if x],
            [x / 1024 for x in rb["rss_kb_samples"] if x], _fmt_mib, None, False)]
    if ra["kind"] == "macro" or ra["bench"] == "recursion":
        for kind in ("minor", "major"):
            sa = ra["gc"].get(kind + "_p99_ms_samples")
            sb = rb["gc"].get(kind + "_p99_ms_samples")
            if sa and sb:
                out.append((f"{kind} GC p99", sa, sb, _fmt_ms, PAUSE_MIN_CHANGE_PCT, False))
    return out


def compare_docs(doc_a, doc_b):
    """Every metric of every benchmark/variant both runs have, with its verdict."""
    rows_a = {(r["bench"], r["variant"]): r for r in doc_a["summary"]}
    rows_b = {(r["bench"], r["variant"]): r for r in doc_b["summary"]}
    result = Comparison(only_a=sorted(set(rows_a) - set(rows_b)), only_b=sorted(set(rows_b) - set(rows_a)))
    for key in [k for k in rows_a if k in rows_b]:
        for name, sa, sb, fmt, floor, higher_is_better in metrics_of(rows_a[key], rows_b[key]):
            c = compare_samples(sa, sb, floor, higher_is_better)
            if not c:
                continue
            line = [key[0], key[1], name, fmt(c["a"]), fmt(c["b"]), f"{c['change_pct']:+.1f}%",
                    f"{c['noise_pct']:.1f}%", c["verdict"].upper() if c["verdict"] != "~" else "within noise"]
            if c["verdict"] != "~":
                result.flagged.append(line)
            result.body.append(line)
    return result


def _describe(label, path, doc):
    return f"{label}: {path}  ({doc['mode']}, {doc['created']}, {doc['source'].get('short', '?')})"


def print_comparison(path_a, doc_a, path_b, doc_b, result):
    say(_describe("A", path_a, doc_a))
    say(_describe("B", path_b, doc_b))
    if doc_a["mode"] != doc_b["mode"]:
        say("warning: the two runs used different modes (sizes differ); ratios are not comparable")
    if doc_a["machine"].get("cpu") != doc_b["machine"].get("cpu"):
        say("warning: the two runs were on different CPUs")
    say("")
    lines = text_table(HEADER, result.body)
    say(lines[0])
    say("-" * (len(lines[0]) + 2))
    for line in lines[1:]:
        say(line)
    say("")
    say(f"{len(result.flagged)} difference(s) larger than run-to-run noise. A difference is flagged when the "
        f"runs' ranges do not overlap and it is at least {MIN_CHANGE_PCT:.0f}% "
        f"({PAUSE_MIN_CHANGE_PCT:.0f}% for pause p99, "
        "compared run by run) and twice the noisier side's spread (half its min-max range, as a "
        "percentage of its median).")
    for line in result.flagged:
        say(f"  {line[7]:<7} {line[0]} / {line[1]}: {line[2]} {line[3]} -> {line[4]} ({line[5]})")
    if result.only_a:
        say("only in A: " + ", ".join("/".join(k) for k in result.only_a))
    if result.only_b:
        say("only in B: " + ", ".join("/".join(k) for k in result.only_b))


def write_comparison(out_path, path_a, doc_a, path_b, doc_b, result):
    with open(out_path, "w") as f:
        f.write(f"# Benchmark comparison\n\nA: `{path_a}` ({doc_a['source'].get('short', '?')})  \n"
                f"B: `{path_b}` ({doc_b['source'].get('short', '?')})\n\n")
        f.write(md_table(HEADER, result.body) + "\n")
    say(f"written: {out_path}")


def compare(path_a, path_b, out_path=None):
    """--compare A B [--compare-out FILE]: print (and write) the comparison."""
    doc_a, doc_b = load_results(path_a), load_results(path_b)
    result = compare_docs(doc_a, doc_b)
    print_comparison(path_a, doc_a, path_b, doc_b, result)
    if out_path:
        write_comparison(out_path, path_a, doc_a, path_b, doc_b, result)
    return 0
