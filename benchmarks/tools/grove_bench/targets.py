"""The project's performance targets beside the measured figures. A missing
peer makes a target n/a, never a hit."""

from .catalogue import GROVE
from .summary import row_of


def target(name, goal, measured, hit, note=""):
    """One target; hit None means it could not be judged (n/a)."""
    return {"name": name, "target": goal, "measured": measured,
            "verdict": "n/a" if hit is None else ("hit" if hit else "miss"), "note": note}


def gcbench_vs_bdw(rows):
    out = []
    bdw = row_of(rows, "gcbench", "bdw")
    for b in GROVE:
        g = row_of(rows, "gcbench", b)
        if g and bdw:
            ratio = g["median"] / bdw["median"]
            out.append(target(f"gcbench wall time, {b}", "<= 0.5x BDW GC",
                              f"{ratio:.2f}x BDW ({g['median']:.3f} s vs {bdw['median']:.3f} s)",
                              ratio <= 0.5))
        elif g:
            out.append(target(f"gcbench wall time, {b}", "<= 0.5x BDW GC", "BDW GC not measured", None))
    for b in GROVE:
        g = row_of(rows, "gcbench", b)
        if g and bdw:
            out.append(target(f"gcbench peak RSS, {b}", "<= BDW GC's",
                              f"{g['peak_rss_mib']:.1f} MiB vs {bdw['peak_rss_mib']:.1f} MiB",
                              g["peak_rss_mib"] <= bdw["peak_rss_mib"]))
    return out


def binary_trees_vs_jemalloc(rows):
    out = []
    je = row_of(rows, "binary-trees", "jemalloc")
    for b in GROVE:
        g = row_of(rows, "binary-trees", b)
        if g and je:
            ratio = g["median"] / je["median"]
            out.append(target(f"binary-trees, {b}", "faster than malloc/free with jemalloc (< 1.0x)",
                              f"{ratio:.2f}x jemalloc ({g['median']:.2f} s vs {je['median']:.2f} s)",
                              ratio < 1.0))
            out.append(target(f"binary-trees stretch goal, {b}", "<= 0.57x jemalloc (native OCaml's figure)",
                              f"{ratio:.2f}x jemalloc", ratio <= 0.57))
    return out


def minor_pause(rows):
    out = []
    for b in GROVE:
        g = row_of(rows, "gcbench", b)
        if g and g["gc"].get("minor_p99_ms") is not None:
            p = g["gc"]["minor_p99_ms"]
            out.append(target(f"gcbench minor GC pause p99, {b}", "< 1 ms (default 4 MiB nursery)",
                              f"{p:.3f} ms (max {g['gc']['minor_max_ms']:.3f} ms)", p < 1.0))
    return out


def _loop_note(row):
    return f"loop overhead included; the empty loop takes {row.get('baseline_ns') or 0:.2f} ns"


def rooting_micro(rows):
    out = []
    for b, limit in (("intrusive", 1.0), ("indexed", 2.0)):
        r = row_of(rows, "scope+1", b)
        if r:
            out.append(target(f"scope enter + 1 local + exit, {b}", f"< {limit:g} ns (median per operation)",
                              f"{r['median']:.2f} ns per iteration", r["median"] < limit, _loop_note(r)))
    for b in GROVE:
        r = row_of(rows, "root-get", b)
        if r:
            out.append(target(f"root get, {b}", "< 1 ns", f"{r['median']:.2f} ns per iteration",
                              r["median"] < 1.0, _loop_note(r)))
    return out


def root_scan(rows):
    ri = row_of(rows, "rootscan", "indexed")
    rx = row_of(rows, "rootscan", "intrusive")
    if not (ri and rx):
        return []
    out = []
    most = max(q["roots"] for q in ri["series"]["stack"])
    pi = [p for p in ri["series"]["stack"] if p["roots"] == most][0]
    px = [p for p in rx["series"]["stack"] if p["roots"] == most]
    if px:
        out.append(target(f"minor GC cost per live root at {most:,} roots",
                          "indexed table scan at least as fast as the intrusive list walk",
                          f"indexed {pi['per_root_ns']:.2f} ns/root, intrusive {px[0]['per_root_ns']:.2f} "
                          "ns/root (scoped locals, one per frame)",
                          pi["per_root_ns"] <= px[0]["per_root_ns"]))
    qi = ri["series"]["persistent"][-1]
    qx = rx["series"]["persistent"][-1]
    out.append(target("  same, persistent roots (informational)", "-",
                      f"indexed {qi['per_root_ns']:.2f} ns/root, intrusive {qx['per_root_ns']:.2f} ns/root",
                      None))
    return out


def fast_paths(probes):
    out = []
    for func, limit, name in (("probe_alloc", 8, "allocation fast path"),
                              ("probe_barrier", 10, "write barrier fast path")):
        for b in GROVE:
            p = probes.get(b, {}).get(func)
            if not p or "hot_path" not in p:
                continue
            calls = ", calls " + ", ".join(p["calls"]) if p["calls"] else ", no calls"
            extra = "" if p["shortest"] == p["hot_path"] else f" (shortest exit {p['shortest']})"
            out.append(target(f"{name}, {b}", f"<= {limit} instructions, no calls, no LTO",
                              f"{p['hot_path']} instructions{extra}{calls}",
                              p["call_free"] and p["hot_path"] <= limit,
                              "longest call-free path to ret, ret excluded (objdump of the probe)"))
    return out


def evaluate_targets(rows, probes):
    """Every target that the rows and probes allow judging, in report order."""
    return (gcbench_vs_bdw(rows) + binary_trees_vs_jemalloc(rows) + minor_pause(rows)
            + rooting_micro(rows) + root_scan(rows) + fast_paths(probes))
