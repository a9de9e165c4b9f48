#!/usr/bin/env python3
"""Grove benchmark driver: build, run, compare, report.

Run through scripts/bench, which installs what is missing first:

    scripts/bench                       full run (under 10 minutes on 2 cores)
    scripts/bench --quick               smaller sizes, fewer runs (under 1 minute)
    scripts/bench --compare A.json B.json
                                        which differences between two saved
                                        runs are larger than run-to-run noise
    scripts/bench --publish             full run, then refresh docs/benchmarks.md

Python 3 standard library only. Plots are drawn by gnuplot (Debian package
gnuplot-nox), or by Debian's python3-matplotlib if gnuplot is missing.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = "grove-bench/1"
GROVE = ("indexed", "intrusive")
PEERS = ("glibc", "jemalloc", "bdw")
VARIANT_ORDER = GROVE + PEERS
SCHEME_TESTS = os.path.join(ROOT, "examples", "scheme", "tests")

# ---------------------------------------------------------------------------
# What runs
# ---------------------------------------------------------------------------

# kind: "macro" -> metric wall_s; "micro" -> metric per_op_ns;
#       "series" -> rootscan (its own table and plot)
BENCHMARKS = [
    # id, executable stem, variants, kind, metric, full args, quick args, title
    ("gcbench", "gcbench", VARIANT_ORDER, "macro", "wall_s", [], [],
     "GCBench (stretch 18, long-lived 16, array 500k doubles, depths 4-16)"),
    ("binary-trees", "binary_trees", VARIANT_ORDER, "macro", "wall_s", ["21"], ["16"],
     "binary-trees (Benchmarks Game, single-threaded)"),
    ("churn", "churn", GROVE, "macro", "wall_s", ["4000000", "1024", "4"], ["500000", "1024", "4"],
     "long-lived table mutated with young values + garbage (write barrier)"),
    ("recursion", "roots", GROVE, "micro", "per_op_ns", ["recursion", "1000000"],
     ["recursion", "200000"], "recursion holding one root per frame, a cons per frame (ns/frame)"),
    ("scope+1", "roots", GROVE, "micro", "per_op_ns", ["scope1", "10000000"], ["scope1", "2000000"],
     "scope enter + 1 rooted local + exit"),
    ("scope+4", "roots", GROVE, "micro", "per_op_ns", ["scope4", "10000000"], ["scope4", "2000000"],
     "scope enter + 4 rooted locals + exit"),
    ("scope+16", "roots", GROVE, "micro", "per_op_ns", ["scope16", "10000000"],
     ["scope16", "2000000"], "scope enter + 16 rooted locals + exit"),
    ("root-get", "roots", GROVE, "micro", "per_op_ns", ["get", "10000000"], ["get", "2000000"],
     "GROVE_GET of a rooted local"),
    ("root-set", "roots", GROVE, "micro", "per_op_ns", ["set", "10000000"], ["set", "2000000"],
     "GROVE_SET of a rooted local"),
    ("persistent-lifo", "roots", GROVE, "micro", "per_op_ns", ["persistent-lifo", "10000000"],
     ["persistent-lifo", "2000000"], "persistent root init + drop, newest dropped first"),
    ("persistent-random", "roots", GROVE, "micro", "per_op_ns", ["persistent-random", "10000000"],
     ["persistent-random", "2000000"], "persistent root init + drop, random drop order"),
    ("rootscan", "roots", GROVE, "series", "per_root_ns", ["rootscan", "1000000"],
     ["rootscan", "1000000"], "minor GC time vs live roots (10 to 1,000,000)"),
] + [
    # The Scheme interpreter (examples/scheme) running its benchmark programs:
    # the rooting backends compared on a real runtime's access pattern.
    (f"interp-{prog}", "scheme", GROVE, "macro", "wall_s",
     ["--bench", os.path.join(SCHEME_TESTS, f"{prog}.scm"), "--name", f"interp-{prog}"],
     ["--bench", os.path.join(SCHEME_TESTS, f"{prog}.scm"), "--name", f"interp-{prog}",
      "--size", "normal"],
     f"Scheme interpreter on Grove: {title}")
    for prog, title in [("fib", "fib 30"), ("tak", "tak 24 16 8"), ("nqueens", "10 queens"),
                        ("binary_trees", "binary-trees depth 14")]
]
BENCH_INFO = {b[0]: b for b in BENCHMARKS}

# Short, noisy benchmarks get more runs; the long binary-trees fewer.
FULL_REPS = {"binary-trees": 3, "gcbench": 10, "churn": 7}
FULL_REPS_DEFAULT = 5
QUICK_REPS_DEFAULT = 3
RUN_TIMEOUT_S = 600

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def say(msg=""):
    print(msg, flush=True)


def die(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def sh(cmd, cwd=None):
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def percentile(sorted_values, pct):
    """Nearest-rank percentile, as the runtime computes it."""
    n = len(sorted_values)
    if n == 0:
        return None
    rank = (n * pct + 99) // 100
    return sorted_values[max(rank, 1) - 1]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def half_range_pct(values):
    values = [v for v in values if v is not None]
    if len(values) < 2:
        return None
    m = statistics.median(values)
    return (max(values) - min(values)) / 2 / m * 100 if m else None


def fmt_num(v, digits=3):
    if v is None:
        return "-"
    if v == 0:
        return "0"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) >= 1):
        return f"{int(v):,}" if abs(v) >= 10000 else str(int(v))
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.{digits}f}"


def fmt_metric(v, metric):
    if v is None:
        return "-"
    if metric == "wall_s":
        return f"{v:.3f} s" if v < 10 else f"{v:.2f} s"
    if metric in ("per_op_ns", "per_root_ns"):
        return f"{fmt_num(v)} ns"
    return fmt_num(v)


def ms(ns):
    return None if ns is None else ns / 1e6


# ---------------------------------------------------------------------------
# Machine and source description
# ---------------------------------------------------------------------------


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def warn_if_busy(when):
    """The benchmarks are single-threaded; anything else running on the
    machine shows up as noise. Say so rather than hide it."""
    load = load_average()
    if load is not None and load >= 0.75:
        say(f"   warning: load average {load:.2f} {when}: other processes are using the CPU, "
            "timings will be noisy (see the spread column)")
    return load


def machine_info():
    info = {"hostname": platform.node(), "kernel": platform.release(), "arch": platform.machine()}
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info["cpu"] = cpu or platform.processor()
    info["cores"] = os.cpu_count()
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        info["memory_gib"] = round(kb / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    info["os"] = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    hv = sh(["sh", "-c", "lscpu 2>/dev/null | sed -n 's/^Hypervisor vendor: *//p'"])
    if hv:
        info["hypervisor"] = hv
    info["gcc"] = sh(["gcc", "-dumpfullversion"]) or sh(["gcc", "-dumpversion"])
    info["cmake"] = (sh(["cmake", "--version"]).splitlines() or [""])[0].replace("cmake version ", "")
    info["jemalloc"] = sh(["pkg-config", "--modversion", "jemalloc"])
    info["bdw_gc"] = sh(["pkg-config", "--modversion", "bdw-gc"])
    info["python"] = platform.python_version()
    return info


def source_info():
    commit = sh(["git", "rev-parse", "HEAD"], cwd=ROOT)
    dirty = bool(sh(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT))
    return {"commit": commit, "short": commit[:10], "dirty": dirty,
            "subject": sh(["git", "log", "-1", "--format=%s"], cwd=ROOT)}


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------


def build(build_dir, jobs):
    say(f"== Building both backends and the peers (Release) in {os.path.relpath(build_dir, ROOT)}")
    t0 = time.time()
    cfg = ["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
           "-DGROVE_BUILD_TESTS=OFF", "-DGROVE_BUILD_BENCHMARKS=ON", "-DGROVE_BUILD_EXAMPLES=ON"]
    r = subprocess.run(cfg, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        die("cmake configure failed")
    for line in r.stdout.splitlines():
        if "Benchmarks:" in line:
            say("   " + line.strip("- ").strip())
    r = subprocess.run(["cmake", "--build", build_dir, "-j", str(jobs)], capture_output=True, text=True)
    out = r.stdout + r.stderr
    warnings = [l for l in out.splitlines() if "warning:" in l]
    if r.returncode != 0:
        sys.stderr.write(out[-6000:])
        die("build failed")
    if warnings:
        say(f"   {len(warnings)} compiler warning(s):")
        for w in warnings[:20]:
            say("   " + w)
    say(f"   built in {time.time() - t0:.1f} s")


def exe_path(build_dir, stem, variant):
    if stem == "scheme":
        return os.path.join(build_dir, "examples", "scheme", f"scheme_{variant}")
    return os.path.join(build_dir, "benchmarks", f"bench_{stem}_{variant}")


# ---------------------------------------------------------------------------
# Probes: instruction counts of the inline fast paths (objdump)
# ---------------------------------------------------------------------------

PROBES = [
    ("probe_alloc", "allocation (grove_alloc, constant type and size)"),
    ("probe_barrier", "write barrier (grove_barrier)"),
    ("probe_write", "store + barrier (grove_write)"),
    ("probe_root_get", "root get (GROVE_GET)"),
    ("probe_root_set", "root set (GROVE_SET)"),
    ("probe_persistent_get", "persistent get"),
    ("probe_scope1", "scope enter + 1 local + exit"),
]

INSN_RE = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
TARGET_RE = re.compile(r"([0-9a-f]+)\s+<([^>]+)>")


def disassemble(binary, func):
    r = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-M", "att", f"--disassemble={func}", binary],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None
    lines, inside = [], False
    for line in r.stdout.splitlines():
        if line.endswith(f"<{func}>:"):
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            m = INSN_RE.match(line)
            if m:
                lines.append((int(m.group(1), 16), m.group(2), m.group(3).strip(), line.strip()))
    return lines


def analyze_paths(func, insns):
    """Enumerate the acyclic paths from the entry to an exit. A path ends at
    `ret` or at a jump out of the function (a tail call). Counts exclude the
    final ret, which an inlined copy would not have."""
    if not insns:
        return None
    index = {addr: i for i, (addr, _, _, _) in enumerate(insns)}
    paths = []

    def target_of(ops):
        m = TARGET_RE.search(ops)
        if not m:
            return None, None
        sym = m.group(2)
        internal = sym == func or sym.startswith(func + "+")
        return int(m.group(1), 16), (None if internal else sym.split("+")[0].split("@")[0])

    def walk(i, seen, count, calls, trail):
        if len(paths) > 4096 or i >= len(insns):
            return
        addr, mnem, ops, text = insns[i]
        if i in seen:
            return
        seen = seen | {i}
        if mnem.startswith("ret"):
            paths.append({"instructions": count, "calls": calls, "exit": "ret", "trail": trail + [text]})
            return
        if mnem.startswith("call"):
            _, sym = target_of(ops)
            walk(i + 1, seen, count + 1, calls + [sym or ops], trail + [text])
            return
        if mnem.startswith("j"):
            tgt, sym = target_of(ops)
            conditional = mnem != "jmp"
            if tgt is None:  # indirect jump
                paths.append({"instructions": count + 1, "calls": calls + ["(indirect)"], "exit": "jmp",
                              "trail": trail + [text]})
                return
            if sym is not None:  # tail call
                paths.append({"instructions": count + 1, "calls": calls + [sym], "exit": "tail",
                              "trail": trail + [text]})
            elif tgt in index:
                walk(index[tgt], seen, count + 1, calls, trail + [text])
            if conditional:
                walk(i + 1, seen, count + 1, calls, trail + [text])
            return
        walk(i + 1, seen, count + 1, calls, trail + [text])

    walk(0, frozenset(), 0, [], [])
    return paths


def probe_report(build_dir):
    out = {}
    if not shutil.which("objdump"):
        say("   objdump not found (Debian package binutils): no instruction counts")
        return out
    for backend in GROVE:
        binary = exe_path(build_dir, "probe", backend)
        r = subprocess.run([binary], capture_output=True, text=True)
        if r.returncode != 0:
            die(f"probe executable failed:\n{r.stdout}{r.stderr}")
        per = {}
        for func, title in PROBES:
            insns = disassemble(binary, func)
            paths = analyze_paths(func, insns) or []
            free = [p for p in paths if p["exit"] == "ret" and not p["calls"]]
            entry = {"title": title, "disassembly": [t for _, _, _, t in (insns or [])]}
            if free:
                longest = max(free, key=lambda p: p["instructions"])
                shortest = min(free, key=lambda p: p["instructions"])
                entry.update(hot_path=longest["instructions"], shortest=shortest["instructions"],
                             calls=[], hot_trail=longest["trail"], call_free=True)
            elif paths:
                # The hot path calls out least (a slow path adds a call).
                best = min(paths, key=lambda p: (len(p["calls"]), p["instructions"]))
                entry.update(hot_path=best["instructions"], shortest=best["instructions"],
                             calls=best["calls"], hot_trail=best["trail"], call_free=False)
            per[func] = entry
        out[backend] = per
    return out


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def expected_binary_trees(depth):
    min_depth = 4
    max_depth = max(min_depth + 2, depth)
    lines = [f"stretch tree of depth {max_depth + 1}\t check: {(1 << (max_depth + 2)) - 1}"]
    for d in range(min_depth, max_depth + 1, 2):
        iters = 1 << (max_depth - d + min_depth)
        lines.append(f"{iters}\t trees of depth {d}\t check: {iters * ((1 << (d + 1)) - 1)}")
    lines.append(f"long lived tree of depth {max_depth}\t check: {(1 << (max_depth + 1)) - 1}")
    return lines


def busy_ticks():
    """CPU ticks (all cores) spent busy since boot, from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            parts = f.readline().split()[1:]
        v = [int(x) for x in parts]
        return v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)
    except (OSError, ValueError, IndexError):
        return None


def children_cpu_s():
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
DISTURB_RETRIES = 2


def others_cpu(before, after, elapsed):
    """CPU seconds other processes used during a run (busy ticks on the
    machine minus the benchmark's own CPU time), or None if unknown."""
    if before[0] is None or after[0] is None:
        return None
    machine = (after[0] - before[0]) / TICK
    own = after[1] - before[1]
    return max(0.0, machine - own)


NICE = 0


def raise_priority():
    """In the benchmark child, before exec: a nice value only weighs against
    processes of the same scheduler autogroup (one per session), so take a
    session of our own and give its autogroup the same nice value."""
    os.setsid()
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(NICE))
    except OSError:
        pass
    os.nice(NICE)


def run_one(build_dir, bench_id, variant, args, pause_file):
    _, stem, _, _, _, _, _, _ = BENCH_INFO[bench_id]
    exe = exe_path(build_dir, stem, variant)
    env = dict(os.environ)
    env.pop("GROVE_DEBUG", None)  # never benchmark debug modes by accident
    env["GROVE_BENCH_PAUSES"] = pause_file
    t0 = time.time()
    before = (busy_ticks(), children_cpu_s())
    try:
        r = subprocess.run([exe] + args, capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT_S,
                           preexec_fn=raise_priority if NICE else None)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {RUN_TIMEOUT_S} s"
    except OSError as e:
        return None, str(e)
    elapsed = time.time() - t0
    after = (busy_ticks(), children_cpu_s())
    others = others_cpu(before, after, elapsed)
    lines = r.stdout.strip().splitlines()
    if r.returncode != 0 or not lines:
        return None, f"exit status {r.returncode}: {(r.stderr or r.stdout).strip()[-800:]}"
    try:
        result = json.loads(lines[-1])
    except json.JSONDecodeError:
        return None, f"no JSON result line; last line: {lines[-1][:200]}"
    if not result.get("ok"):
        return None, "result line without ok:true"
    if bench_id == "binary-trees":
        want = expected_binary_trees(int(args[0]) if args else 21)
        if lines[:-1] != want:
            return None, "binary-trees output differs from the expected check sums"
    result["process_s"] = elapsed
    result["cpu_s"] = after[1] - before[1]  # the benchmark's own user + system time
    # The benchmarks are single-threaded: one that got much less than a whole
    # core for its run was descheduled in favour of other processes, and
    # its figure is suspect. (others_cpu_s, the CPU other processes used
    # meanwhile, is kept as a hint of cache and memory-bandwidth sharing.)
    result["others_cpu_s"] = others
    result["cpu_share"] = result["cpu_s"] / elapsed if elapsed > 0 else None
    result["disturbed"] = elapsed > 0.05 and result["cpu_s"] < 0.75 * elapsed
    pauses = None
    if os.path.exists(pause_file):
        try:
            with open(pause_file) as f:
                pauses = json.load(f)
        except (OSError, json.JSONDecodeError):
            pauses = None
        os.unlink(pause_file)
    return (result, pauses), None


def plan(quick, only):
    todo = []
    for b in BENCHMARKS:
        bench_id, stem, variants, kind, metric, full_args, quick_args, _ = b
        if only and not any(re.search(o, bench_id) for o in only):
            continue
        reps = QUICK_REPS_DEFAULT if quick else FULL_REPS.get(bench_id, FULL_REPS_DEFAULT)
        todo.append((bench_id, variants, quick_args if quick else full_args, reps))
    return todo


def run_all(build_dir, todo, reps_override):
    """Every benchmark, several times, in alternation: rep 1 of everything,
    then rep 2, ... so slow drift hits every variant alike."""
    available = []
    for bench_id, variants, args, reps in todo:
        stem = BENCH_INFO[bench_id][1]
        for v in variants:
            if os.path.exists(exe_path(build_dir, stem, v)):
                available.append((bench_id, v, args, reps_override or reps))
            elif v == "bdw":
                pass  # reported as missing below
            else:
                die(f"missing executable {exe_path(build_dir, stem, v)}")
    total = sum(r for _, _, _, r in available)
    max_reps = max((r for _, _, _, r in available), default=0)
    results = {}
    failures = []
    n = 0
    retried = 0
    # A machine that stays busy makes retries pointless: cap them so the run
    # still ends in its time budget, and let the "busy" marks speak.
    retry_budget = max(3, total // 10)
    t_start = time.time()
    say(f"== Running {total} benchmark runs ({len(available)} benchmark/variant pairs, "
        f"up to {max_reps} runs each, in alternation)")
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(max_reps):
            for bench_id, variant, args, reps in available:
                if rep >= reps:
                    continue
                n += 1
                key = (bench_id, variant)
                label = f"[{n:3d}/{total}] {bench_id:<17} {variant:<9} run {rep + 1}/{reps}"
                tty = sys.stdout.isatty()
                cr = "\r" if tty else ""
                if tty:
                    print(label + " ...", end="", flush=True)
                for attempt in range(DISTURB_RETRIES + 1):
                    got, err = run_one(build_dir, bench_id, variant, args, os.path.join(tmp, "pauses.json"))
                    # Long runs are not repeated: that would blow the time budget.
                    if err or not got[0]["disturbed"] or attempt == DISTURB_RETRIES or \
                            retried >= retry_budget or got[0]["process_s"] > 5:
                        break
                    retried += 1
                    print(f"{cr}{label}  got {100 * got[0]['cpu_share']:.0f}% of a core "
                          "(the machine is busy); running it again", flush=True)
                    time.sleep(1)
                if err:
                    failures.append({"bench": bench_id, "variant": variant, "run": rep + 1, "error": err})
                    print(f"{cr}{label}  FAILED: {err.splitlines()[0] if err else ''}",
                          flush=True)
                    for line in err.splitlines()[1:6]:
                        say("      " + line)
                    continue
                result, pauses = got
                entry = results.setdefault(key, {"runs": [], "pauses": {}})
                entry["runs"].append(result)
                if pauses:
                    for kind, samples in pauses.items():
                        entry["pauses"].setdefault(kind, []).extend(samples)
                metric = BENCH_INFO[bench_id][4]
                shown = fmt_metric(result.get(metric), metric) if metric != "per_root_ns" else \
                    f"{fmt_num(result.get('per_root_ns'))} ns/root"
                elapsed = time.time() - t_start
                note = "   [machine busy: figure suspect]" if result["disturbed"] else ""
                print(f"{cr}{label}  {shown:>12}   (elapsed {elapsed:5.0f} s){note}",
                      flush=True)
    if retried:
        say(f"   {retried} run(s) repeated because other processes were using the CPU")
    return results, failures


# ---------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------


def summarize(results, pause_dir):
    rows = []
    by_key = {}
    for (bench_id, variant), entry in results.items():
        info = BENCH_INFO[bench_id]
        kind, metric = info[3], info[4]
        runs = entry["runs"]
        samples = [r.get(metric) for r in runs]
        row = {
            "bench": bench_id, "variant": variant, "kind": kind, "metric": metric,
            "title": info[7], "n": len(runs), "samples": samples,
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
        grove = [r["grove"] for r in runs if "grove" in r]
        bdw = [r["bdw"] for r in runs if "bdw" in r]
        gc = {}
        pauses = entry.get("pauses", {})
        if grove:
            gc["minor"] = median([g["minor_collections"] for g in grove])
            gc["major"] = median([g["major_collections"] for g in grove])
            for kind_name in ("minor", "major"):
                s = sorted(pauses.get(kind_name, []))
                if s:
                    gc[kind_name + "_p50_ms"] = ms(percentile(s, 50))
                    gc[kind_name + "_p99_ms"] = ms(percentile(s, 99))
                    gc[kind_name + "_max_ms"] = ms(s[-1])
                else:  # no samples file: median of the per-run figures
                    for p in ("p50", "p99", "max"):
                        gc[f"{kind_name}_{p}_ms"] = ms(median([g[kind_name][p + "_ns"] for g in grove])) \
                            if any(g[kind_name]["count"] for g in grove) else None
            for kind_name in ("minor", "major"):
                if any(g[kind_name]["count"] for g in grove):
                    gc[kind_name + "_p99_ms_samples"] = [ms(g[kind_name]["p99_ns"]) for g in grove]
            gc["bytes_promoted"] = median([g["bytes_promoted"] for g in grove])
            gc["bytes_allocated"] = median([g["bytes_allocated"] for g in grove])
            gc["remembered_objects_scanned"] = median([g["remembered_objects_scanned"] for g in grove])
            gc["peak_heap_mib"] = (median([g["peak_heap_bytes"] for g in grove]) or 0) / 2**20
        elif bdw:
            gc["major"] = median([b["collections"] for b in bdw])
            s = sorted(pauses.get("full", []))
            if s:
                gc["major_p50_ms"] = ms(percentile(s, 50))
                gc["major_p99_ms"] = ms(percentile(s, 99))
                gc["major_max_ms"] = ms(s[-1])
            gc["major_p99_ms_samples"] = [ms(b["pause"]["p99_ns"]) for b in bdw if b["pause"]["count"]]
            gc["bdw_threads"] = max(b.get("threads", 1) for b in bdw)
        row["gc"] = gc
        if kind == "series":
            row["series"] = {}
            for series in ("stack", "persistent"):
                points = {}
                for r in runs:
                    for p in r.get(series, []):
                        points.setdefault(p["roots"], []).append(p["gc_ns"])
                base = median(points.get(0, [0])) or 0
                row["series"][series] = [
                    {"roots": k, "gc_ns": median(v),
                     "per_root_ns": (median(v) - base) / k if k else None}
                    for k, v in sorted(points.items())]
        if pauses and pause_dir:
            os.makedirs(pause_dir, exist_ok=True)
            with open(os.path.join(pause_dir, f"{bench_id}.{variant}.json"), "w") as f:
                json.dump(pauses, f)
        rows.append(row)
        by_key[(bench_id, variant)] = row
    # Ratios to the indexed backend, per benchmark.
    for row in rows:
        ref = by_key.get((row["bench"], "indexed"))
        if ref and ref["median"] and row["median"] is not None:
            row["ratio_to_indexed"] = row["median"] / ref["median"]
        else:
            row["ratio_to_indexed"] = None
    order = {b[0]: i for i, b in enumerate(BENCHMARKS)}
    rows.sort(key=lambda r: (order[r["bench"]], VARIANT_ORDER.index(r["variant"])))
    return rows


def row_of(rows, bench, variant):
    for r in rows:
        if r["bench"] == bench and r["variant"] == variant:
            return r
    return None


def evaluate_targets(rows, probes):
    """The issue's targets beside the measured figures. A missing peer makes
    a target n/a, never a hit."""
    t = []

    def add(name, target, measured, hit, note=""):
        t.append({"name": name, "target": target, "measured": measured,
                  "verdict": "n/a" if hit is None else ("hit" if hit else "miss"), "note": note})

    bdw = row_of(rows, "gcbench", "bdw")
    for b in GROVE:
        g = row_of(rows, "gcbench", b)
        if g and bdw:
            ratio = g["median"] / bdw["median"]
            add(f"gcbench wall time, {b}", "<= 0.5x BDW GC",
                f"{ratio:.2f}x BDW ({g['median']:.3f} s vs {bdw['median']:.3f} s)", ratio <= 0.5)
        elif g:
            add(f"gcbench wall time, {b}", "<= 0.5x BDW GC", "BDW GC not measured", None)
    for b in GROVE:
        g = row_of(rows, "gcbench", b)
        if g and bdw:
            add(f"gcbench peak RSS, {b}", "<= BDW GC's",
                f"{g['peak_rss_mib']:.1f} MiB vs {bdw['peak_rss_mib']:.1f} MiB",
                g["peak_rss_mib"] <= bdw["peak_rss_mib"])
    je = row_of(rows, "binary-trees", "jemalloc")
    for b in GROVE:
        g = row_of(rows, "binary-trees", b)
        if g and je:
            ratio = g["median"] / je["median"]
            add(f"binary-trees, {b}", "faster than malloc/free with jemalloc (< 1.0x)",
                f"{ratio:.2f}x jemalloc ({g['median']:.2f} s vs {je['median']:.2f} s)", ratio < 1.0)
            add(f"binary-trees stretch goal, {b}", "<= 0.57x jemalloc (native OCaml's figure)",
                f"{ratio:.2f}x jemalloc", ratio <= 0.57)
    for b in GROVE:
        g = row_of(rows, "gcbench", b)
        if g and g["gc"].get("minor_p99_ms") is not None:
            p = g["gc"]["minor_p99_ms"]
            add(f"gcbench minor GC pause p99, {b}", "< 1 ms (default 4 MiB nursery)",
                f"{p:.3f} ms (max {g['gc']['minor_max_ms']:.3f} ms)", p < 1.0)
    for b, limit in (("intrusive", 1.0), ("indexed", 2.0)):
        r = row_of(rows, "scope+1", b)
        if r:
            add(f"scope enter + 1 local + exit, {b}", f"< {limit:g} ns (median per operation)",
                f"{r['median']:.2f} ns per iteration", r["median"] < limit,
                f"loop overhead included; the empty loop takes {r.get('baseline_ns') or 0:.2f} ns")
    for b in GROVE:
        r = row_of(rows, "root-get", b)
        if r:
            add(f"root get, {b}", "< 1 ns", f"{r['median']:.2f} ns per iteration", r["median"] < 1.0,
                f"loop overhead included; the empty loop takes {r.get('baseline_ns') or 0:.2f} ns")
    ri = row_of(rows, "rootscan", "indexed")
    rx = row_of(rows, "rootscan", "intrusive")
    if ri and rx:
        pi = [p for p in ri["series"]["stack"] if p["roots"] == max(q["roots"] for q in ri["series"]["stack"])][0]
        px = [p for p in rx["series"]["stack"] if p["roots"] == pi["roots"]]
        if px:
            px = px[0]
            add(f"minor GC cost per live root at {pi['roots']:,} roots",
                "indexed table scan at least as fast as the intrusive list walk",
                f"indexed {pi['per_root_ns']:.2f} ns/root, intrusive {px['per_root_ns']:.2f} ns/root "
                f"(scoped locals, one per frame)", pi["per_root_ns"] <= px["per_root_ns"])
        qi = ri["series"]["persistent"][-1]
        qx = rx["series"]["persistent"][-1]
        add("  same, persistent roots (informational)", "-",
            f"indexed {qi['per_root_ns']:.2f} ns/root, intrusive {qx['per_root_ns']:.2f} ns/root", None)
    for func, limit, name in (("probe_alloc", 8, "allocation fast path"),
                              ("probe_barrier", 10, "write barrier fast path")):
        for b in GROVE:
            p = probes.get(b, {}).get(func)
            if not p or "hot_path" not in p:
                continue
            calls = ", calls " + ", ".join(p["calls"]) if p["calls"] else ", no calls"
            extra = "" if p["shortest"] == p["hot_path"] else f" (shortest exit {p['shortest']})"
            add(f"{name}, {b}", f"<= {limit} instructions, no calls, no LTO",
                f"{p['hot_path']} instructions{extra}{calls}",
                p["call_free"] and p["hot_path"] <= limit,
                "longest call-free path to ret, ret excluded (objdump of the probe)")
    return t


# ---------------------------------------------------------------------------
# Output: table, CSV, Markdown
# ---------------------------------------------------------------------------

TABLE_COLS = ["Benchmark", "Variant", "Median", "± spread", "n", "vs indexed", "Minor GCs", "Major GCs",
              "Minor p50 / p99 / max (ms)", "Major p50 / p99 / max (ms)", "Peak RSS (MiB)"]


def table_rows(rows):
    out = []
    for r in rows:
        gc = r["gc"]
        metric = r["metric"]
        med = fmt_metric(r["median"], metric)
        if metric == "per_root_ns":
            med = f"{fmt_num(r['median'])} ns/root"
        spread = "-" if r["spread_pct"] is None else f"{r['spread_pct']:.1f}%"
        ratio = "-" if r["ratio_to_indexed"] is None else f"{r['ratio_to_indexed']:.2f}x"

        def trio(kind):
            vals = [gc.get(f"{kind}_{p}_ms") for p in ("p50", "p99", "max")]
            if all(v is None for v in vals):
                return "-"
            return " / ".join(fmt_num(v) for v in vals)

        minor = "-" if gc.get("minor") is None else fmt_num(gc["minor"])
        major = "-" if gc.get("major") is None else fmt_num(gc["major"])
        if r["kind"] == "micro" and r["bench"] != "recursion":
            # The heap only collects during set-up here: GC columns would be noise.
            n = str(r["n"]) + (f" ({r['disturbed_runs']} busy)" if r.get("disturbed_runs") else "")
            out.append([r["bench"], r["variant"], med, spread, n, ratio, "-", "-", "-", "-",
                        f"{r['peak_rss_mib']:.1f}"])
            continue
        n = str(r["n"]) + (f" ({r['disturbed_runs']} busy)" if r.get("disturbed_runs") else "")
        out.append([r["bench"], r["variant"], med, spread, n, ratio, minor, major,
                    trio("minor"), trio("major"), f"{r['peak_rss_mib']:.1f}"])
    return out


def print_table(rows):
    body = table_rows(rows)
    widths = [max(len(c), *(len(b[i]) for b in body)) if body else len(c) for i, c in enumerate(TABLE_COLS)]
    line = "  ".join(c.ljust(w) for c, w in zip(TABLE_COLS, widths))
    say(line)
    say("-" * len(line))
    last = None
    for b in body:
        if last is not None and b[0] != last:
            say("")
        last = b[0]
        say("  ".join(c.ljust(w) for c, w in zip(b, widths)))


def md_table(header, body):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for b in body:
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in b) + " |")
    return "\n".join(out)


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["bench", "variant", "metric", "n", "median", "min", "max", "spread_pct",
                    "ratio_to_indexed", "minor_collections", "major_collections", "minor_p50_ms",
                    "minor_p99_ms", "minor_max_ms", "major_p50_ms", "major_p99_ms", "major_max_ms",
                    "peak_rss_mib", "samples"])
        for r in rows:
            g = r["gc"]
            w.writerow([r["bench"], r["variant"], r["metric"], r["n"], r["median"], r["min"], r["max"],
                        r["spread_pct"], r["ratio_to_indexed"], g.get("minor"), g.get("major"),
                        g.get("minor_p50_ms"), g.get("minor_p99_ms"), g.get("minor_max_ms"),
                        g.get("major_p50_ms"), g.get("major_p99_ms"), g.get("major_max_ms"),
                        round(r["peak_rss_mib"], 2), " ".join(str(s) for s in r["samples"])])


def report_markdown(doc, plot_prefix="plots/", heading="#"):
    rows, targets, probes = doc["summary"], doc["targets"], doc["probes"]
    m, src = doc["machine"], doc["source"]
    h2 = heading + "#"
    out = []
    out.append(f"{heading} Grove benchmark report ({doc['mode']} run)")
    out.append("")
    out.append(f"- Date: {doc['created']}")
    out.append(f"- Source: `{src.get('short', '?')}`{' (with uncommitted changes)' if src.get('dirty') else ''}"
               f" — {src.get('subject', '')}")
    out.append(f"- Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory_gib', '?')} GiB, "
               f"{m.get('os', '?')}, kernel {m.get('kernel', '?')}"
               + (f", {m['hypervisor']} guest" if m.get("hypervisor") else ""))
    out.append(f"- Toolchain: gcc {m.get('gcc', '?')}, cmake {m.get('cmake', '?')}, Release (-O3), no LTO; "
               f"jemalloc {m.get('jemalloc', '?')}, BDW GC {m.get('bdw_gc') or 'not installed'}")
    st = doc["settings"]
    load = ""
    if st.get("load_before") is not None:
        load = f"; 1-minute load average {st['load_before']:.2f} before, {st.get('load_after') or 0:.2f} after"
    nice = f"; benchmarks at nice {st['nice']}" if st.get("nice") else ""
    out.append(f"- Runs: every benchmark {st['reps_text']}, in alternation; "
               f"total {st['duration_s']:.0f} s{load}{nice}")
    out.append("")
    out.append(f"{h2} Results")
    out.append("")
    out.append("Median of the runs; ± spread is half the min-max range as a percentage of the median. "
               "Macro benchmarks report wall time (heap creation to last check, inside the process); "
               "micro benchmarks report ns per operation (median of 7 batches per run, loop overhead "
               "included). GC pauses pool every pause of every run. BDW GC's collections are listed "
               "as major (it has only full collections); malloc peers have no GC columns.")
    out.append("")
    out.append(md_table(TABLE_COLS, table_rows(rows)))
    out.append("")
    busy = sum(r.get("disturbed_runs", 0) for r in rows)
    if busy:
        out.append(f"*{busy} run(s), marked \"busy\" in the n column, got less than 75% of a core "
                   "because other processes were running (after up to "
                   f"{DISTURB_RETRIES} retries for short runs); treat those rows with care.*")
        out.append("")
    out.append(f"{h2} Targets")
    out.append("")
    if doc["mode"] == "quick":
        out.append("*Quick run: smaller sizes than the targets are set for (binary-trees depth 16, "
                   "churn 500,000 steps); only the full run's verdicts count.*")
        out.append("")
    out.append(md_table(["Target", "Goal", "Measured", "Verdict"],
                        [[t["name"], t["target"], t["measured"] + (f" — {t['note']}" if t["note"] else ""),
                          {"hit": "**hit**", "miss": "**MISS**", "n/a": "n/a"}[t["verdict"]]]
                         for t in targets]))
    out.append("")
    rs = [r for r in rows if r["kind"] == "series"]
    if rs:
        out.append(f"{h2} Minor GC time against live roots")
        out.append("")
        out.append("Roots all hold one old object, so the minor GC's work is the root scan itself "
                   "(plus a fixed cost, the 0-root point). Per-root cost = (time − time at 0 roots) / roots.")
        out.append("")
        header = ["Roots"]
        cols = []
        for r in rs:
            for s in ("stack", "persistent"):
                header.append(f"{r['variant']} {'scoped' if s == 'stack' else 'persistent'} (µs, ns/root)")
                cols.append(r["series"][s])
        body = []
        for i, p in enumerate(cols[0]):
            line = [f"{p['roots']:,}"]
            for c in cols:
                q = c[i] if i < len(c) else None
                if q is None:
                    line.append("-")
                else:
                    line.append(f"{q['gc_ns'] / 1000:.1f}" +
                                ("" if q["per_root_ns"] is None else f", {q['per_root_ns']:.2f}"))
            body.append(line)
        out.append(md_table(header, body))
        out.append("")
    if probes:
        out.append(f"{h2} Inline fast paths (instructions, objdump)")
        out.append("")
        out.append("Each fast path is wrapped in an out-of-line probe function (benchmarks/probe/probe.c) "
                   "built with the Release flags and without LTO. The count is the longest path from the "
                   "entry to `ret` that makes no call (the `ret` itself excluded); where every path calls "
                   "out, the path with the fewest calls is shown, with its calls (a tail call counts as "
                   "one instruction).")
        out.append("")
        header = ["Fast path"] + [f"{b}" for b in GROVE]
        body = []
        for func, title in PROBES:
            line = [title]
            for b in GROVE:
                p = probes.get(b, {}).get(func)
                if not p or "hot_path" not in p:
                    line.append("-")
                    continue
                s = f"{p['hot_path']}"
                if p["shortest"] != p["hot_path"]:
                    s += f" (shortest {p['shortest']})"
                if p["calls"]:
                    s += " + call " + ", ".join(p["calls"])
                line.append(s)
            body.append(line)
        out.append(md_table(header, body))
        out.append("")
        for b in GROVE:
            for func in ("probe_alloc", "probe_barrier", "probe_root_get"):
                p = probes.get(b, {}).get(func)
                if not p:
                    continue
                out.append(f"<details><summary>{b}: {func} — hot path</summary>")
                out.append("")
                out.append("```")
                out.extend(p.get("hot_trail", []))
                out.append("```")
                out.append("</details>")
                out.append("")
    if doc.get("plots"):
        out.append(f"{h2} Plots")
        out.append("")
        for name, title in doc["plots"]:
            out.append(f"![{title}]({plot_prefix}{name})")
            out.append("")
    if doc.get("failures"):
        out.append(f"{h2} Failures")
        out.append("")
        for f in doc["failures"]:
            out.append(f"- {f['bench']} / {f['variant']} run {f['run']}: {f['error']}")
        out.append("")
    out.append(f"{h2} Benchmarks")
    out.append("")
    for b in BENCHMARKS:
        if any(r["bench"] == b[0] for r in rows):
            out.append(f"- **{b[0]}**: {b[7]}")
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------


def cdf_points(samples, max_points=200):
    s = sorted(samples)
    n = len(s)
    if n == 0:
        return []
    if n <= max_points:
        return [(v, (i + 1) / n) for i, v in enumerate(s)]
    pts = []
    for k in range(max_points):
        i = min(n - 1, round(k * (n - 1) / (max_points - 1)))
        pts.append((s[i], (i + 1) / n))
    return pts


def plot_all(doc, results, plot_dir):
    plot_dir = os.path.abspath(plot_dir)
    os.makedirs(plot_dir, exist_ok=True)
    data_dir = os.path.join(plot_dir, "data")
    os.makedirs(data_dir, exist_ok=True)
    rows = doc["summary"]
    made = []

    # --- data files -------------------------------------------------------
    pause_sets = []  # (bench, label, file)
    for bench in ("gcbench", "binary-trees", "churn", "recursion"):
        for v in VARIANT_ORDER:
            entry = results.get((bench, v))
            if not entry:
                continue
            for kind, samples in sorted(entry.get("pauses", {}).items()):
                if not samples:
                    continue
                label = f"{v} {kind}" if v in GROVE else f"{v} (full GC)"
                fn = os.path.join(data_dir, f"pause-{bench}-{v}-{kind}.dat")
                with open(fn, "w") as f:
                    for x, y in cdf_points(samples):
                        f.write(f"{max(x, 1) / 1e6:.6f} {y:.5f}\n")
                pause_sets.append((bench, label, fn))

    scan_sets = []
    for r in rows:
        if r["kind"] != "series":
            continue
        for s in ("stack", "persistent"):
            fn = os.path.join(data_dir, f"rootscan-{r['variant']}-{s}.dat")
            with open(fn, "w") as f:
                for p in r["series"][s]:
                    if p["roots"] > 0:
                        f.write(f"{p['roots']} {p['gc_ns'] / 1000:.3f}\n")
            scan_sets.append((f"{r['variant']}, {'scoped locals' if s == 'stack' else 'persistent'}", fn))

    wall_benches = [b for b in ("gcbench", "binary-trees", "churn", "recursion")
                    if any(r["bench"] == b for r in rows)]
    wall_files = {}
    for b in wall_benches:
        fn = os.path.join(data_dir, f"wall-{b}.dat")
        with open(fn, "w") as f:
            for r in rows:
                if r["bench"] == b:
                    f.write(f"\"{r['variant']}\" {r['median']:.6g} {r['min']:.6g} {r['max']:.6g} "
                            f"{STYLE[r['variant']]}\n")
        wall_files[b] = fn
    micro = [b[0] for b in BENCHMARKS if b[3] == "micro" and b[0] != "recursion"
             and any(r["bench"] == b[0] for r in rows)]
    micro_file = os.path.join(data_dir, "micro.dat")
    with open(micro_file, "w") as f:
        for b in micro:
            vals = [row_of(rows, b, v) for v in GROVE]
            f.write(f"\"{b}\" " + " ".join(f"{x['median']:.4f}" if x else "NaN" for x in vals) + "\n")

    gnuplot = shutil.which("gnuplot")
    if gnuplot:
        made = plot_gnuplot(gnuplot, plot_dir, pause_sets, scan_sets, wall_files, micro, micro_file, rows)
    elif os.path.exists("/usr/bin/python3"):
        made = plot_matplotlib(plot_dir, pause_sets, scan_sets, wall_files, micro, micro_file, rows)
    if not made:
        say("   no plots: install gnuplot-nox (or python3-matplotlib)")
    return made


def gp_str(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


STYLE = {"indexed": 1, "intrusive": 2, "glibc": 3, "jemalloc": 4, "bdw": 5}
COLORS = {"indexed": "#1f77b4", "intrusive": "#d62728", "glibc": "#7f7f7f", "jemalloc": "#2ca02c",
          "bdw": "#9467bd"}


def plot_gnuplot(gnuplot, plot_dir, pause_sets, scan_sets, wall_files, micro, micro_file, rows):
    made = []
    common = ("set terminal svg size {w},{h} dynamic enhanced font 'sans,11' background '#ffffff'\n"
              "set output {out}\nset grid\nset key outside below\n")

    def run(script, name, title):
        path = os.path.join(plot_dir, name.replace(".svg", ".gp"))
        with open(path, "w") as f:
            f.write(script)
        r = subprocess.run([gnuplot, path], capture_output=True, text=True)
        if r.returncode != 0:
            say(f"   gnuplot failed on {name}: {r.stderr.strip()[:300]}")
            return
        made.append((name, title))

    # Pause distributions
    benches = [b for b in ("gcbench", "binary-trees", "churn", "recursion") if any(p[0] == b for p in pause_sets)]
    if benches:
        s = common.format(w=1100, h=380 * ((len(benches) + 1) // 2) + 80,
                          out=gp_str(os.path.join(plot_dir, "pauses.svg")))
        s += (f"set multiplot layout {(len(benches) + 1) // 2},2 title 'GC pause distribution: CDF of every "
              "pause of every run (x: pause in ms, log scale)'\n"
              "set logscale x\nset format x '10^{%L}'\nunset xlabel\n"
              "set ylabel 'fraction of pauses <='\nset yrange [0:1.02]\n"
              "set key outside below horizontal font ',9' samplen 2 spacing 0.9\n")
        for b in benches:
            sets = [p for p in pause_sets if p[0] == b]
            s += f"set title {gp_str(b)}\nplot " + ", \\\n  ".join(
                f"{gp_str(fn)} using 1:2 with steps lw 2 lc rgb {gp_str(COLORS[label.split()[0]])} "
                f"dt {1 if 'minor' in label else 2} title {gp_str(label)}" for _, label, fn in sets) + "\n"
        s += "unset multiplot\n"
        run(s, "pauses.svg", "GC pause distribution per backend")

    if scan_sets:
        s = common.format(w=800, h=480, out=gp_str(os.path.join(plot_dir, "rootscan.svg")))
        s += ("set title 'Minor GC time against live roots (roots hold old objects: scan cost)'\n"
              "set logscale xy\nset xlabel 'live roots'\nset ylabel 'minor GC time (µs, median)'\n"
              "set format x '10^{%L}'\n")
        s += "plot " + ", \\\n  ".join(
            f"{gp_str(fn)} using 1:2 with linespoints lw 2 pt 7 lc rgb {gp_str(COLORS[label.split(',')[0]])} "
            f"dt {1 if 'scoped' in label else 2} title {gp_str(label)}" for label, fn in scan_sets) + "\n"
        run(s, "rootscan.svg", "Minor GC time against number of live roots")

    if wall_files:
        n = len(wall_files)
        s = common.format(w=1100, h=330 * ((n + 1) // 2) + 60, out=gp_str(os.path.join(plot_dir, "wall.svg")))
        s += (f"set multiplot layout {(n + 1) // 2},2 title 'Wall time per benchmark and variant "
              "(median; bars show min-max)'\n"
              "set style fill solid 0.8 border -1\nset boxwidth 0.6\nunset key\nset yrange [0:*]\n"
              "set xtics nomirror\n")
        for v, i in STYLE.items():
            s += f"set linetype {i} lc rgb {gp_str(COLORS[v])}\n"
        for b, fn in wall_files.items():
            unit = "ns per frame" if b == "recursion" else "seconds"
            s += (f"set title {gp_str(b)}\nset ylabel {gp_str(unit)}\n"
                  f"plot {gp_str(fn)} using 0:2:(0.6):5 with boxes lc variable, "
                  f"'' using 0:2:3:4:xticlabels(1) with yerrorbars lc rgb 'black' pt 0\n")
        s += "unset multiplot\n"
        run(s, "wall.svg", "Wall time per benchmark and variant")

    if micro:
        s = common.format(w=900, h=420, out=gp_str(os.path.join(plot_dir, "micro.svg")))
        s += ("set title 'Rooting micro benchmarks (median ns per operation, lower is better)'\n"
              "set style data histograms\nset style histogram clustered gap 1\n"
              "set style fill solid 0.85 border -1\nset ylabel 'ns per operation'\nset yrange [0:*]\n"
              "set xtics rotate by -20\n"
              f"plot {gp_str(micro_file)} using 2:xtic(1) title 'indexed' lc rgb '{COLORS['indexed']}', "
              f"'' using 3 title 'intrusive' lc rgb '{COLORS['intrusive']}'\n")
        run(s, "micro.svg", "Rooting micro benchmarks")
    return made


def plot_matplotlib(plot_dir, pause_sets, scan_sets, wall_files, micro, micro_file, rows):
    """Fallback: Debian's python3-matplotlib, run by /usr/bin/python3 in a
    child process (this driver may run under another interpreter)."""
    spec = {"plot_dir": plot_dir, "pause_sets": pause_sets, "scan_sets": scan_sets,
            "wall_files": wall_files, "micro": micro, "micro_file": micro_file, "colors": COLORS}
    code = r'''
import json, sys, os
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
spec = json.loads(sys.argv[1]); C = spec["colors"]; made = []
def load(fn, n=2):
    rows = []
    for line in open(fn):
        parts = line.split()
        rows.append(parts)
    return rows
benches = []
for b, label, fn in spec["pause_sets"]:
    if b not in benches: benches.append(b)
if benches:
    cols = 2; rws = (len(benches) + 1) // 2
    fig, axes = plt.subplots(rws, cols, figsize=(11, 3.3 * rws), squeeze=False)
    for ax, b in zip(axes.flat, benches):
        for bb, label, fn in spec["pause_sets"]:
            if bb != b: continue
            d = load(fn); xs = [float(r[0]) for r in d]; ys = [float(r[1]) for r in d]
            ax.step(xs, ys, where="post", color=C[label.split()[0]], ls="-" if "minor" in label else "--", label=label)
        ax.set_xscale("log"); ax.set_title(b); ax.set_xlabel("pause (ms)"); ax.grid(True); ax.legend(fontsize=8)
    fig.suptitle("GC pause distribution (CDF of every pause, all runs pooled)"); fig.tight_layout()
    fig.savefig(os.path.join(spec["plot_dir"], "pauses.svg")); made.append(["pauses.svg", "GC pause distribution per backend"])
if spec["scan_sets"]:
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for label, fn in spec["scan_sets"]:
        d = load(fn)
        ax.plot([float(r[0]) for r in d], [float(r[1]) for r in d], marker="o", color=C[label.split(",")[0]],
                ls="-" if "scoped" in label else "--", label=label)
    ax.set_xscale("log"); ax.set_yscale("log"); ax.set_xlabel("live roots"); ax.set_ylabel("minor GC time (µs)")
    ax.grid(True); ax.legend(); ax.set_title("Minor GC time against live roots")
    fig.tight_layout(); fig.savefig(os.path.join(spec["plot_dir"], "rootscan.svg"))
    made.append(["rootscan.svg", "Minor GC time against number of live roots"])
if spec["wall_files"]:
    n = len(spec["wall_files"]); rws = (n + 1) // 2
    fig, axes = plt.subplots(rws, 2, figsize=(11, 3.3 * rws), squeeze=False)
    for ax, (b, fn) in zip(axes.flat, spec["wall_files"].items()):
        d = load(fn); names = [r[0].strip('"') for r in d]; med = [float(r[1]) for r in d]
        lo = [float(r[1]) - float(r[2]) for r in d]; hi = [float(r[3]) - float(r[1]) for r in d]
        ax.bar(names, med, yerr=[lo, hi], color=[C.get(x, "#777777") for x in names])
        ax.set_title(b); ax.set_ylabel("ns per frame" if b == "recursion" else "seconds"); ax.grid(True, axis="y")
    fig.suptitle("Wall time per benchmark and variant (median; bars show min-max)"); fig.tight_layout()
    fig.savefig(os.path.join(spec["plot_dir"], "wall.svg")); made.append(["wall.svg", "Wall time per benchmark and variant"])
if spec["micro"]:
    d = load(spec["micro_file"])
    names = [r[0].strip('"') for r in d]
    fig, ax = plt.subplots(figsize=(9, 4.2)); xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], [float(r[1]) for r in d], 0.4, color=C["indexed"], label="indexed")
    ax.bar([x + 0.2 for x in xs], [float(r[2]) for r in d], 0.4, color=C["intrusive"], label="intrusive")
    ax.set_xticks(list(xs)); ax.set_xticklabels(names, rotation=20); ax.set_ylabel("ns per operation")
    ax.legend(); ax.grid(True, axis="y"); ax.set_title("Rooting micro benchmarks (median ns per operation)")
    fig.tight_layout(); fig.savefig(os.path.join(spec["plot_dir"], "micro.svg")); made.append(["micro.svg", "Rooting micro benchmarks"])
print(json.dumps(made))
'''
    r = subprocess.run(["/usr/bin/python3", "-c", code, json.dumps(spec)], capture_output=True, text=True)
    if r.returncode != 0:
        say("   matplotlib failed: " + r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "")
        return []
    return [tuple(x) for x in json.loads(r.stdout.strip().splitlines()[-1])]


# ---------------------------------------------------------------------------
# Compare mode
# ---------------------------------------------------------------------------

DEFAULT_NOISE_PCT = 5.0
MIN_CHANGE_PCT = 3.0


def load_results(path):
    if os.path.isdir(path):
        path = os.path.join(path, "results.json")
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        die(f"cannot read {path}: {e}")
    if doc.get("schema") != SCHEMA:
        die(f"{path} is not a Grove benchmark result ({SCHEMA})")
    return doc


METRIC_NAMES = {"wall_s": "wall time", "per_op_ns": "ns per op", "per_root_ns": "ns per root"}


def compare_samples(a, b, min_change=None):
    """Verdict for two sets of runs of one metric (lower is better).
    A difference counts when it is at least MIN_CHANGE_PCT, larger than
    twice the noise (half the min-max range, in % of the median, of the
    noisier side; DEFAULT_NOISE_PCT when a side has a single run), and the
    two ranges of runs do not overlap."""
    a = [x for x in a if x is not None]
    b = [x for x in b if x is not None]
    if not a or not b:
        return None
    ma, mb = statistics.median(a), statistics.median(b)
    if ma == 0:
        return None
    change = (mb - ma) / ma * 100
    na = half_range_pct(a) if len(a) > 1 else DEFAULT_NOISE_PCT
    nb = half_range_pct(b) if len(b) > 1 else DEFAULT_NOISE_PCT
    noise = max(na or 0, nb or 0)
    separated = min(b) > max(a) or max(b) < min(a) or (len(a) == 1 and len(b) == 1)
    floor = MIN_CHANGE_PCT if min_change is None else min_change
    significant = abs(change) >= max(floor, 2 * noise) and separated
    verdict = ("slower" if change > 0 else "faster") if significant else "~"
    return {"a": ma, "b": mb, "change_pct": change, "noise_pct": noise, "verdict": verdict}


def compare(path_a, path_b, out_path=None):
    A, B = load_results(path_a), load_results(path_b)
    say(f"A: {path_a}  ({A['mode']}, {A['created']}, {A['source'].get('short', '?')})")
    say(f"B: {path_b}  ({B['mode']}, {B['created']}, {B['source'].get('short', '?')})")
    if A["mode"] != B["mode"]:
        say("warning: the two runs used different modes (sizes differ); ratios are not comparable")
    if A["machine"].get("cpu") != B["machine"].get("cpu"):
        say("warning: the two runs were on different CPUs")
    say("")
    rows_a = {(r["bench"], r["variant"]): r for r in A["summary"]}
    rows_b = {(r["bench"], r["variant"]): r for r in B["summary"]}
    header = ["Benchmark", "Variant", "Metric", "A", "B", "Change", "Noise ±", "Verdict"]
    body = []
    flagged = []
    for key in [k for k in rows_a if k in rows_b]:
        ra, rb = rows_a[key], rows_b[key]
        metrics = [(METRIC_NAMES.get(ra["metric"], ra["metric"]), ra["samples"], rb["samples"],
                    lambda v, m=ra["metric"]: fmt_metric(v, m), None)]
        metrics.append(("peak RSS", [x / 1024 for x in ra["rss_kb_samples"] if x],
                        [x / 1024 for x in rb["rss_kb_samples"] if x], lambda v: f"{v:.1f} MiB", None))
        if ra["kind"] == "macro" or ra["bench"] == "recursion":
            for kind in ("minor", "major"):
                sa = ra["gc"].get(kind + "_p99_ms_samples")
                sb = rb["gc"].get(kind + "_p99_ms_samples")
                if sa and sb:
                    metrics.append((f"{kind} GC p99", sa, sb, lambda v: f"{v:.3f} ms", 10.0))
        for name, sa, sb, f, floor in metrics:
            c = compare_samples(sa, sb, floor)
            if not c:
                continue
            line = [key[0], key[1], name, f(c["a"]), f(c["b"]), f"{c['change_pct']:+.1f}%",
                    f"{c['noise_pct']:.1f}%", c["verdict"].upper() if c["verdict"] != "~" else "within noise"]
            if c["verdict"] != "~":
                flagged.append(line)
            body.append(line)
    only_a = sorted(set(rows_a) - set(rows_b))
    only_b = sorted(set(rows_b) - set(rows_a))
    widths = [max(len(h), *(len(str(b[i])) for b in body)) if body else len(h) for i, h in enumerate(header)]
    say("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    say("-" * (sum(widths) + 2 * len(widths)))
    for b in body:
        say("  ".join(str(c).ljust(w) for c, w in zip(b, widths)))
    say("")
    say(f"{len(flagged)} difference(s) larger than run-to-run noise. A difference is flagged when the "
        f"runs' ranges do not overlap and it is at least {MIN_CHANGE_PCT:.0f}% (10% for pause p99, "
        "compared run by run) and twice the noisier side's spread (half its min-max range, as a "
        "percentage of its median).")
    for line in flagged:
        say(f"  {line[7]:<7} {line[0]} / {line[1]}: {line[2]} {line[3]} -> {line[4]} ({line[5]})")
    if only_a:
        say("only in A: " + ", ".join("/".join(k) for k in only_a))
    if only_b:
        say("only in B: " + ", ".join("/".join(k) for k in only_b))
    if out_path:
        with open(out_path, "w") as f:
            f.write(f"# Benchmark comparison\n\nA: `{path_a}` ({A['source'].get('short', '?')})  \n"
                    f"B: `{path_b}` ({B['source'].get('short', '?')})\n\n")
            f.write(md_table(header, body) + "\n")
        say(f"written: {out_path}")
    return 0


# ---------------------------------------------------------------------------
# Publishing into docs/benchmarks.md
# ---------------------------------------------------------------------------

BEGIN = "<!-- BEGIN GENERATED: scripts/bench --publish -->"
END = "<!-- END GENERATED -->"


def publish(doc, run_dir):
    docs = os.path.join(ROOT, "docs")
    plot_dst = os.path.join(docs, "benchmarks")
    os.makedirs(plot_dst, exist_ok=True)
    for name, _ in doc.get("plots", []):
        shutil.copyfile(os.path.join(run_dir, "plots", name), os.path.join(plot_dst, name))
    generated = report_markdown(doc, plot_prefix="benchmarks/", heading="##")
    path = os.path.join(docs, "benchmarks.md")
    text = open(path).read() if os.path.exists(path) else \
        "# Benchmarks\n\nRun `scripts/bench` to reproduce.\n\n" + BEGIN + "\n" + END + "\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip() + "\n\n" + BEGIN + "\n" + END + "\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as f:
        f.write(head + BEGIN + "\n" + generated + "\n" + END + tail)
    say(f"   published: {os.path.relpath(path, ROOT)} and {os.path.relpath(plot_dst, ROOT)}/")


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def replot(run_dir, do_publish):
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
    with open(os.path.join(run_dir, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(run_dir, "report.md"), "w") as f:
        f.write(report_markdown(doc))
    say(f"replotted {run_dir}")
    if do_publish:
        publish(doc, run_dir)
    return 0


def main():
    ap = argparse.ArgumentParser(prog="scripts/bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes and 3 runs each (under 1 minute)")
    ap.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"),
                    help="compare two saved results (a results.json or its run directory)")
    ap.add_argument("--compare-out", metavar="FILE", help="with --compare: also write a Markdown table")
    ap.add_argument("--reps", type=int,
                    help="runs per benchmark (default 5; gcbench 10, churn 7, binary-trees 3; quick 3)")
    ap.add_argument("--only", action="append", metavar="REGEX", help="only benchmarks whose id matches")
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
    args = ap.parse_args()

    if args.compare:
        sys.exit(compare(args.compare[0], args.compare[1], args.compare_out))
    if args.replot:
        sys.exit(replot(args.replot, args.publish))

    global NICE
    NICE = args.nice
    if NICE < 0 and os.geteuid() != 0:
        die("--nice below 0 needs root")
    t0 = time.time()
    mode = "quick" if args.quick else "full"
    if not args.no_build:
        build(args.build_dir, os.cpu_count() or 2)
    say("== Fast-path probes (objdump)")
    probes = probe_report(args.build_dir)
    for b in GROVE:
        if b in probes:
            say("   " + b + ": " + ", ".join(
                f"{func[6:]} {p.get('hot_path', '?')}{'+call' if p.get('calls') else ''}"
                for func, p in probes[b].items()))
    bdw_built = os.path.exists(exe_path(args.build_dir, "gcbench", "bdw"))
    if not bdw_built:
        say("   note: BDW GC peers not built (install libgc-dev); their targets will read n/a")

    todo = plan(args.quick, args.only)
    load_before = warn_if_busy("before the runs")
    results, failures = run_all(args.build_dir, todo, args.reps)
    load_after = load_average()

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = os.path.join(args.results_dir, f"{stamp}-{mode}")
    os.makedirs(run_dir, exist_ok=True)
    rows = summarize(results, os.path.join(run_dir, "pauses"))
    reps_text = (f"{args.reps} times" if args.reps else
                 ("3 times" if args.quick else
                  f"{FULL_REPS_DEFAULT} times (" + ", ".join(f"{k} {v}" for k, v in FULL_REPS.items()) + ")"))
    doc = {
        "schema": SCHEMA,
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": mode,
        "machine": machine_info(),
        "source": source_info(),
        "settings": {"reps_text": reps_text, "duration_s": 0, "nice": NICE,
                     "load_before": load_before, "load_after": load_after,
                     "args": {b[0]: (b[6] if args.quick else b[5]) for b in BENCHMARKS}},
        "summary": rows,
        "probes": probes,
        "failures": failures,
    }
    doc["targets"] = evaluate_targets(rows, probes)
    say("")
    say("== Plots")
    doc["plots"] = plot_all(doc, results, os.path.join(run_dir, "plots"))
    doc["settings"]["duration_s"] = time.time() - t0

    with open(os.path.join(run_dir, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)
    write_csv(os.path.join(run_dir, "summary.csv"), rows)
    with open(os.path.join(run_dir, "report.md"), "w") as f:
        f.write(report_markdown(doc))
    latest = os.path.join(args.results_dir, "latest")
    try:
        if os.path.islink(latest) or os.path.exists(latest):
            os.unlink(latest)
        os.symlink(os.path.basename(run_dir), latest)
    except OSError:
        pass

    say("")
    say(f"== Results ({mode} run, {doc['machine'].get('cpu', '?')}, {doc['machine'].get('cores')} cores)")
    say("")
    print_table(rows)
    say("")
    say("== Targets")
    w = max(len(t["name"]) for t in doc["targets"]) if doc["targets"] else 10
    for t in doc["targets"]:
        say(f"  {t['verdict'].upper():<5} {t['name']:<{w}}  goal {t['target']}; measured {t['measured']}")
    say("")
    rel = os.path.relpath(run_dir, os.getcwd())
    say(f"Written: {rel}/results.json, summary.csv, report.md" +
        (", plots/*.svg" if doc["plots"] else "") + f"  (also {os.path.relpath(latest, os.getcwd())})")
    say(f"Compare later runs with: scripts/bench --compare {rel}/results.json <other>/results.json")
    if args.publish:
        if failures:
            say("   not publishing: some runs failed")
        else:
            publish(doc, run_dir)
    say(f"Total time {time.time() - t0:.0f} s")
    if failures:
        say("")
        say(f"FAILED: {len(failures)} run(s) failed:")
        for f in failures:
            say(f"  {f['bench']} / {f['variant']} run {f['run']}: {f['error'].splitlines()[0]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
