"""The run's outputs besides the JSON: the console table, summary.csv and report.md."""

import csv

from .catalogue import BENCHMARKS, GROVE
from .console import say
from .formatting import fmt_headline, fmt_num, md_table, text_table
from .probe import PROBES
from .stats import DISTURB_RETRIES

TABLE_COLS = ["Benchmark", "Variant", "Median", "± spread", "n", "vs indexed", "Minor GCs", "Major GCs",
              "Minor p50 / p99 / max (ms)", "Minor copy GB/s (% of memcpy)", "Major p50 / p99 / max (ms)",
              "Peak RSS (MiB)"]
CSV_COLS = ["bench", "variant", "metric", "n", "median", "min", "max", "spread_pct",
            "ratio_to_indexed", "minor_collections", "major_collections", "minor_p50_ms",
            "minor_p99_ms", "minor_max_ms", "major_p50_ms", "major_p99_ms", "major_max_ms",
            "minor_copy_gbps", "minor_copy_pct_memcpy", "peak_rss_mib", "samples"]
VERDICT_CELLS = {"hit": "**hit**", "miss": "**MISS**", "n/a": "n/a"}


def _pause_trio(gc, kind):
    vals = [gc.get(f"{kind}_{p}_ms") for p in ("p50", "p99", "max")]
    if all(v is None for v in vals):
        return "-"
    return " / ".join(fmt_num(v) for v in vals)


def _copy_cell(gc):
    """Minor GC copy throughput, and its share of the memcpy bandwidth when measured."""
    gbps = gc.get("minor_copy_gbps")
    if gbps is None:
        return "-"
    pct = gc.get("minor_copy_pct_memcpy")
    return f"{gbps:.2f}" + ("" if pct is None else f" ({pct:.1f}%)")


def table_row(r):
    """One row of the results table, as text cells."""
    gc = r["gc"]
    med = fmt_headline(r["median"], r["metric"])
    spread = "-" if r["spread_pct"] is None else f"{r['spread_pct']:.1f}%"
    ratio = "-" if r["ratio_to_indexed"] is None else f"{r['ratio_to_indexed']:.2f}x"
    n = str(r["n"]) + (f" ({r['disturbed_runs']} busy)" if r.get("disturbed_runs") else "")
    rss = f"{r['peak_rss_mib']:.1f}"
    if r["kind"] == "micro" and r["bench"] != "recursion":
        # The heap only collects during set-up here: GC columns would be noise.
        return [r["bench"], r["variant"], med, spread, n, ratio, "-", "-", "-", "-", "-", rss]
    minor = "-" if gc.get("minor") is None else fmt_num(gc["minor"])
    major = "-" if gc.get("major") is None else fmt_num(gc["major"])
    return [r["bench"], r["variant"], med, spread, n, ratio, minor, major,
            _pause_trio(gc, "minor"), _copy_cell(gc), _pause_trio(gc, "major"), rss]


def table_rows(rows):
    return [table_row(r) for r in rows]


def print_table(rows):
    """The results table on the console, a blank line between benchmarks."""
    body = table_rows(rows)
    lines = text_table(TABLE_COLS, body)
    say(lines[0])
    say("-" * len(lines[0]))
    for i, line in enumerate(lines[1:]):
        if i and body[i][0] != body[i - 1][0]:
            say("")
        say(line)


def print_targets(targets):
    w = max(len(t["name"]) for t in targets) if targets else 10
    for t in targets:
        say(f"  {t['verdict'].upper():<5} {t['name']:<{w}}  goal {t['target']}; measured {t['measured']}")


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLS)
        for r in rows:
            g = r["gc"]
            w.writerow([r["bench"], r["variant"], r["metric"], r["n"], r["median"], r["min"], r["max"],
                        r["spread_pct"], r["ratio_to_indexed"], g.get("minor"), g.get("major"),
                        g.get("minor_p50_ms"), g.get("minor_p99_ms"), g.get("minor_max_ms"),
                        g.get("major_p50_ms"), g.get("major_p99_ms"), g.get("major_max_ms"),
                        g.get("minor_copy_gbps"), g.get("minor_copy_pct_memcpy"), round(r["peak_rss_mib"], 2),
                        " ".join(str(s) for s in r["samples"])])


def _ocaml_toolchain(machine):
    """The OCaml peer's compiler; nothing for runs saved before it was recorded."""
    if "ocaml" not in machine:
        return ""
    if not machine["ocaml"]:
        return ", OCaml not installed"
    how = "ocamlopt -O3, flambda" if machine.get("ocaml_flambda") else "ocamlopt, no flambda"
    return f", OCaml {machine['ocaml']} ({how})"


def _header(doc, heading):
    m, src, st = doc["machine"], doc["source"], doc["settings"]
    load = ""
    if st.get("load_before") is not None:
        load = f"; 1-minute load average {st['load_before']:.2f} before, {st.get('load_after') or 0:.2f} after"
    nice = f"; benchmarks at nice {st['nice']}" if st.get("nice") else ""
    return [
        f"{heading} Grove benchmark report ({doc['mode']} run)",
        "",
        f"- Date: {doc['created']}",
        f"- Source: `{src.get('short', '?')}`{' (with uncommitted changes)' if src.get('dirty') else ''}"
        f" — {src.get('subject', '')}",
        f"- Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory_gib', '?')} GiB, "
        f"{m.get('os', '?')}, kernel {m.get('kernel', '?')}"
        + (f", {m['hypervisor']} guest" if m.get("hypervisor") else ""),
        f"- Toolchain: gcc {m.get('gcc', '?')}, cmake {m.get('cmake', '?')}, Release (-O3), no LTO; "
        f"jemalloc {m.get('jemalloc', '?')}, BDW GC {m.get('bdw_gc') or 'not installed'}"
        + _ocaml_toolchain(m),
        f"- Runs: every benchmark {st['reps_text']}, in alternation; "
        f"total {st['duration_s']:.0f} s{load}{nice}",
        "",
    ]


def _results(rows, h2):
    out = [f"{h2} Results", "",
           "Median of the runs; ± spread is half the min-max range as a percentage of the median. "
           "Macro benchmarks report wall time (heap creation to last check, inside the process); "
           "micro benchmarks report ns per operation (median of 7 batches per run, loop overhead "
           "included). GC pauses pool every pause of every run. Minor copy is the bytes promoted per "
           "second of minor pause (median of the runs), beside the memcpy bandwidth measured in the "
           "same run. BDW GC's collections are listed as major (it has only full collections); "
           "OCaml reports its collection counts but no pauses; malloc peers have no GC columns.",
           "", md_table(TABLE_COLS, table_rows(rows)), ""]
    busy = sum(r.get("disturbed_runs", 0) for r in rows)
    if busy:
        out += [f"*{busy} run(s), marked \"busy\" in the n column, got less than 75% of a core "
                "because other processes were running (after up to "
                f"{DISTURB_RETRIES} retries for short runs); treat those rows with care.*", ""]
    return out


def _targets(doc, h2):
    out = [f"{h2} Targets", ""]
    if doc["mode"] == "quick":
        out += ["*Quick run: smaller sizes than the targets are set for (binary-trees depth 16, "
                "churn 500,000 steps); only the full run's verdicts count.*", ""]
    body = [[t["name"], t["target"], t["measured"] + (f" — {t['note']}" if t["note"] else ""),
             VERDICT_CELLS[t["verdict"]]] for t in doc["targets"]]
    return out + [md_table(["Target", "Goal", "Measured", "Verdict"], body), ""]


def _series_cell(q):
    if q is None:
        return "-"
    return f"{q['gc_ns'] / 1000:.1f}" + ("" if q["per_root_ns"] is None else f", {q['per_root_ns']:.2f}")


def _root_scan(rows, h2):
    rs = [r for r in rows if r["bench"] == "rootscan"]
    if not rs:
        return []
    header, cols = ["Roots"], []
    for r in rs:
        for s in ("stack", "persistent"):
            header.append(f"{r['variant']} {'scoped' if s == 'stack' else 'persistent'} (µs, ns/root)")
            cols.append(r["series"][s])
    body = [[f"{p['roots']:,}"] + [_series_cell(c[i] if i < len(c) else None) for c in cols]
            for i, p in enumerate(cols[0])]
    return [f"{h2} Minor GC time against live roots", "",
            "Roots all hold one old object, so the minor GC's work is the root scan itself "
            "(plus a fixed cost, the 0-root point). Per-root cost = (time − time at 0 roots) / roots.",
            "", md_table(header, body), ""]


def _ms_cell(ns):
    return "-" if ns is None else fmt_num(ns / 1e6)


def _pause_scaling_cells(q):
    """A backend's cells at one live size: major p50 / p99 / max (ms), the
    number of major GCs they are taken from, minor p99 (ms)."""
    if q is None:
        return ["-", "-", "-"]
    trio = "-" if q["p50_ns"] is None else " / ".join(_ms_cell(q[k]) for k in ("p50_ns", "p99_ns", "max_ns"))
    return [trio, fmt_num(q["major_count"]), _ms_cell(q["minor_p99_ns"])]


def _pause_scaling(rows, h2, bench="pause-scaling"):
    rs = [r for r in rows if r["bench"] == bench]
    if not rs:
        return []
    incremental = bench.endswith("-inc")
    header = ["Live MiB"]
    for r in rs:
        header += [f"{r['variant']} major p50 / p99 / max (ms)",
                   f"{r['variant']} {'major pauses' if incremental else 'majors'}",
                   f"{r['variant']} minor p99 (ms)"]
    by_size = [{q["live_mib"]: q for q in r["series"]} for r in rs]
    sizes = sorted(set().union(*by_size))
    body = [[f"{mib:,}"] + [c for points in by_size for c in _pause_scaling_cells(points.get(mib))]
            for mib in sizes]
    if incremental:
        return [f"{h2} Incremental major GC pause against live heap", "",
                "The same, with `GROVE_OPTIONS=incremental=on`: the steady phase runs until 3 "
                "incremental cycles have ended, and its major pauses are every marking slice and "
                "each cycle's final pause (the last 4,096 of them at most).",
                "", md_table(header, body), ""]
    return [f"{h2} Major GC pause against live heap", "",
            "The queue of lists (benchmarks/grove/queue.c) on one heap, grown to each live size in turn; "
            "at each size it runs until 3 major GCs have happened (at most 8 turns of the queue), and "
            "the pauses are those of that steady phase only (median of the runs). Every list is "
            "promoted and dies old, so each major GC marks the whole live heap: this is the pause "
            "incremental marking bounds (next table).",
            "", md_table(header, body), ""]


def _probe_cell(p):
    if not p or "hot_path" not in p:
        return "-"
    s = f"{p['hot_path']}"
    if p["shortest"] != p["hot_path"]:
        s += f" (shortest {p['shortest']})"
    if p["calls"]:
        s += " + call " + ", ".join(p["calls"])
    return s


def _probes(probes, h2):
    if not probes:
        return []
    body = [[title] + [_probe_cell(probes.get(b, {}).get(func)) for b in GROVE] for func, title in PROBES]
    out = [f"{h2} Inline fast paths (instructions, objdump)", "",
           "Each fast path is wrapped in an out-of-line probe function (benchmarks/probe/probe.c) "
           "built with the Release flags and without LTO. The count is the longest path from the "
           "entry to `ret` that makes no call (the `ret` itself excluded); where every path calls "
           "out, the path with the fewest calls is shown, with its calls (a tail call counts as "
           "one instruction).",
           "", md_table(["Fast path"] + list(GROVE), body), ""]
    for b in GROVE:
        for func in ("probe_alloc", "probe_barrier", "probe_root_get"):
            p = probes.get(b, {}).get(func)
            if p:
                out += [f"<details><summary>{b}: {func} — hot path</summary>", "", "```"]
                out += p.get("hot_trail", [])
                out += ["```", "</details>", ""]
    return out


def _plots(doc, h2, plot_prefix):
    if not doc.get("plots"):
        return []
    out = [f"{h2} Plots", ""]
    for name, title in doc["plots"]:
        out += [f"![{title}]({plot_prefix}{name})", ""]
    return out


def _failures(doc, h2):
    if not doc.get("failures"):
        return []
    return ([f"{h2} Failures", ""]
            + [f"- {f['bench']} / {f['variant']} run {f['run']}: {f['error']}" for f in doc["failures"]]
            + [""])


def _benchmarks(rows, h2):
    ran = {r["bench"] for r in rows}
    return [f"{h2} Benchmarks", ""] + [f"- **{b.id}**: {b.title}" for b in BENCHMARKS if b.id in ran] + [""]


def report_markdown(doc, plot_prefix="plots/", heading="#"):
    """report.md for a results document; with heading "##" and the docs'
    plot prefix, the generated half of docs/benchmarks.md."""
    h2 = heading + "#"
    rows = doc["summary"]
    return "\n".join(_header(doc, heading) + _results(rows, h2) + _targets(doc, h2)
                     + _root_scan(rows, h2) + _pause_scaling(rows, h2)
                     + _pause_scaling(rows, h2, "pause-scaling-inc") + _probes(doc["probes"], h2)
                     + _plots(doc, h2, plot_prefix)
                     + _failures(doc, h2) + _benchmarks(rows, h2))
