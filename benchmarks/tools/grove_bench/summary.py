"""From the runs of each benchmark/variant to one summary row (the rows
of results.json, summary.csv and the table)."""

import json
import os

from . import catalogue
from .stats import half_range_pct, median, percentile


def ms(ns):
    return None if ns is None else ns / 1e6


def _pooled_pauses(gc, kind_name, samples):
    """p50, p99 and max of every pause of every run, in ms."""
    s = sorted(samples)
    gc[kind_name + "_p50_ms"] = ms(percentile(s, 50))
    gc[kind_name + "_p99_ms"] = ms(percentile(s, 99))
    gc[kind_name + "_max_ms"] = ms(s[-1])


def copy_gbps(grove):
    """A run's minor GC copy throughput: the bytes it promoted per second of
    minor pause, in GB/s (bytes per ns); None if it spent no time in minor
    GCs. bytes_promoted also counts grove_alloc_pinned's direct allocations
    in old space, which no minor GC copies."""
    total_ns = grove["minor"]["total_ns"]
    return grove["bytes_promoted"] / total_ns if total_ns else None


def grove_gc(grove, pauses):
    """GC figures of a Grove variant from its runs' stats and pause samples."""
    gc = {"minor": median([g["minor_collections"] for g in grove]),
          "major": median([g["major_collections"] for g in grove])}
    for kind_name in ("minor", "major"):
        if pauses.get(kind_name):
            _pooled_pauses(gc, kind_name, pauses[kind_name])
        else:  # no samples file: median of the per-run figures
            collected = any(g[kind_name]["count"] for g in grove)
            for p in ("p50", "p99", "max"):
                gc[f"{kind_name}_{p}_ms"] = \
                    ms(median([g[kind_name][p + "_ns"] for g in grove])) if collected else None
    for kind_name in ("minor", "major"):
        if any(g[kind_name]["count"] for g in grove):
            gc[kind_name + "_p99_ms_samples"] = [ms(g[kind_name]["p99_ns"]) for g in grove]
    gc["minor_pause_total_s"] = median([g["minor"]["total_ns"] / 1e9 for g in grove])
    gc["minor_copy_gbps"] = median([copy_gbps(g) for g in grove])
    gc["bytes_promoted"] = median([g["bytes_promoted"] for g in grove])
    gc["bytes_allocated"] = median([g["bytes_allocated"] for g in grove])
    gc["remembered_objects_scanned"] = median([g["remembered_objects_scanned"] for g in grove])
    gc["peak_heap_mib"] = (median([g["peak_heap_bytes"] for g in grove]) or 0) / 2**20
    return gc


def ocaml_gc(ocaml):
    """OCaml's collection counts (its GC reports no pause times)."""
    return {"minor": median([o["minor_collections"] for o in ocaml]),
            "major": median([o["major_collections"] for o in ocaml])}


def bdw_gc(bdw, pauses):
    """GC figures of BDW GC, whose collections are all full ones: listed as major."""
    gc = {"major": median([b["collections"] for b in bdw])}
    if pauses.get("full"):
        _pooled_pauses(gc, "major", pauses["full"])
    gc["major_p99_ms_samples"] = [ms(b["pause"]["p99_ns"]) for b in bdw if b["pause"]["count"]]
    gc["bdw_threads"] = max(b.get("threads", 1) for b in bdw)
    return gc


def root_series(runs):
    """The rootscan points: median minor GC time per number of roots, and
    the cost per root above the 0-root point."""
    out = {}
    for series in ("stack", "persistent"):
        points = {}
        for r in runs:
            for p in r.get(series, []):
                points.setdefault(p["roots"], []).append(p["gc_ns"])
        base = median(points.get(0, [0])) or 0
        out[series] = [{"roots": k, "gc_ns": median(v),
                        "per_root_ns": (median(v) - base) / k if k else None}
                       for k, v in sorted(points.items())]
    return out


PAUSE_POINT_KEYS = ("major_count", "p50_ns", "p99_ns", "max_ns", "minor_p99_ns")


def pause_series(runs):
    """The pause-scaling points, one per live size in increasing order: the
    median over the runs of the major GC count and of the major pause
    p50/p99/max and minor p99 (ns) of that size's steady phase. A size
    without a major GC has None for its major pauses."""
    points = {}
    for r in runs:
        for p in r.get("series", []):
            points.setdefault(p["live_mib"], []).append(p)
    return [dict({"live_mib": mib}, **{key: median([p.get(key) for p in ps]) for key in PAUSE_POINT_KEYS})
            for mib, ps in sorted(points.items())]


# How each series benchmark's runs become its row's "series".
SERIES = {"rootscan": root_series, "pause-scaling": pause_series, "pause-scaling-inc": pause_series}


def gc_figures(runs, pauses):
    """The GC columns of a row, from whichever collector's figures its runs carry."""
    grove, bdw, ocaml = ([r[key] for r in runs if key in r] for key in ("grove", "bdw", "ocaml"))
    if grove:
        return grove_gc(grove, pauses)
    if bdw:
        return bdw_gc(bdw, pauses)
    return ocaml_gc(ocaml) if ocaml else {}


def summary_row(bench, variant, entry):
    runs = entry["runs"]
    samples = [r.get(bench.metric) for r in runs]
    row = {
        "bench": bench.id, "variant": variant, "kind": bench.kind, "metric": bench.metric,
        "title": bench.title, "n": len(runs), "samples": samples,
        "median": median(samples), "min": min(samples) if samples else None,
        "max": max(samples) if samples else None, "spread_pct": half_range_pct(samples),
        "wall_s_samples": [r.get("wall_s") for r in runs],
        "wall_s": median([r.get("wall_s") for r in runs]),
        "rss_kb_samples": [r.get("peak_rss_kb") for r in runs],
        "peak_rss_mib": (median([r.get("peak_rss_kb") for r in runs]) or 0) / 1024,
        "disturbed_runs": sum(1 for r in runs if r.get("disturbed")),
    }
    if any("baseline_ns" in r for r in runs):
        row["baseline_ns"] = median([r.get("baseline_ns") for r in runs])
    row["gc"] = gc_figures(runs, entry.get("pauses", {}))
    if bench.kind == "series":
        row["series"] = SERIES[bench.id](runs)
    return row


def summarize(results):
    """Summary rows, in catalogue order, for results as run.run_all returns
    them; each with its ratio to the indexed backend on the same benchmark."""
    rows = [summary_row(catalogue.BY_ID[bench_id], variant, entry)
            for (bench_id, variant), entry in results.items()]
    by_key = {(r["bench"], r["variant"]): r for r in rows}
    for row in rows:
        ref = by_key.get((row["bench"], "indexed"))
        if ref and ref["median"] and row["median"] is not None:
            row["ratio_to_indexed"] = row["median"] / ref["median"]
        else:
            row["ratio_to_indexed"] = None
    add_copy_pct(rows, by_key.get((catalogue.MEMCPY, "glibc")))
    rows.sort(key=lambda r: catalogue.row_order(r["bench"], r["variant"]))
    return rows


def add_copy_pct(rows, memcpy_row):
    """Each row's minor GC copy throughput as a percentage of the memcpy
    bandwidth measured in the same run (None without either)."""
    bandwidth = memcpy_row["median"] if memcpy_row else None
    for row in rows:
        gbps = row["gc"].get("minor_copy_gbps")
        if gbps is not None:
            row["gc"]["minor_copy_pct_memcpy"] = 100 * gbps / bandwidth if bandwidth else None


def save_pauses(results, pause_dir):
    """Every pause sample, one file per benchmark/variant (for --replot)."""
    for (bench_id, variant), entry in results.items():
        if entry.get("pauses"):
            os.makedirs(pause_dir, exist_ok=True)
            with open(os.path.join(pause_dir, f"{bench_id}.{variant}.json"), "w") as f:
                json.dump(entry["pauses"], f)


def row_of(rows, bench, variant):
    """The row of bench/variant, or None."""
    for r in rows:
        if r["bench"] == bench and r["variant"] == variant:
            return r
    return None
