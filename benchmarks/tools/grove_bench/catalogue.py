"""What runs: every benchmark, its variants, its sizes and its number of runs."""

import os
import re
from dataclasses import dataclass

from . import ROOT

GROVE = ("indexed", "intrusive")
C_PEERS = ("glibc", "jemalloc", "bdw")
PEERS = C_PEERS + ("ocaml",)
VARIANT_ORDER = GROVE + PEERS
# Peers that need a package the build may lack, and that package: when their
# executable is missing the row is left out and its targets read n/a.
OPTIONAL_VARIANTS = {"bdw": "libgc-dev", "ocaml": "ocaml-nox"}
# This machine's memcpy bandwidth: the yardstick of the minor GC's copy
# throughput, measured whenever a Grove benchmark runs.
MEMCPY = "memcpy"
SCHEME_TESTS = os.path.join(ROOT, "examples", "scheme", "tests")

# Short, noisy benchmarks get more runs; the long binary-trees fewer.
# pause-scaling is one long run (about 20 s per backend) that already waits for
# several major GCs at every size.
FULL_REPS = {"binary-trees": 3, "gcbench": 10, "churn": 7, "pause-scaling": 1,
             "binary-trees-inc": 3, "churn-inc": 7, "pause-scaling-inc": 1}
# The GROVE_OPTIONS of the rows that run the major GC incrementally (issue 15):
# the same programs and sizes as their stop-the-world rows, so the two compare.
INCREMENTAL = "incremental=on"

FULL_REPS_DEFAULT = 5
QUICK_REPS = 3


@dataclass(frozen=True)
class Benchmark:
    """One benchmark and how to read its result.

    kind is "macro" (metric wall_s), "micro" (per_op_ns), "series" (a
    curve with its own table and plot: rootscan, per_root_ns; pause-scaling,
    per_mib_us) or "machine" (memcpy, gbps: a property of the machine,
    higher is better). stem names the executable: bench_<stem>_<variant>,
    or scheme_<variant> for "scheme". options, when set, is the run's
    GROVE_OPTIONS (the heap configuration the row measures).
    """

    id: str
    stem: str
    variants: tuple
    kind: str
    metric: str
    full_args: tuple
    quick_args: tuple
    title: str
    options: str = ""

    def args(self, quick):
        return list(self.quick_args if quick else self.full_args)

    def reps(self, quick):
        return QUICK_REPS if quick else FULL_REPS.get(self.id, FULL_REPS_DEFAULT)

    def executable(self, build_dir, variant):
        return executable_path(build_dir, self.stem, variant)


def executable_path(build_dir, stem, variant):
    if stem == "scheme":
        return os.path.join(build_dir, "examples", "scheme", f"scheme_{variant}")
    return os.path.join(build_dir, "benchmarks", f"bench_{stem}_{variant}")


def _roots_micro(bench_id, mode, title):
    return Benchmark(bench_id, "roots", GROVE, "micro", "per_op_ns",
                     (mode, "10000000"), (mode, "2000000"), title)


def _weak_scale(kind, gc, count, label):
    """A minor or major GC's weak phase per weak object, `count` of them live
    (half of them cleared by it): a row per size, so the table shows whether
    the cost is linear in their number."""
    prefix, noun, plural = {"box": ("wbox", "weak box", "weak boxes"),
                            "ephemeron": ("eph", "ephemeron", "ephemerons")}[kind]
    args = (kind, gc, str(count))
    age = "young" if gc == "minor" else "old"
    return Benchmark(f"{prefix}-{gc}-{label}", "weak_scale", GROVE, "micro", "per_op_ns",
                     args, args,
                     f"{gc} GC's weak phase per {noun} ({count:,} {age} {plural}, half cleared)")


def _incremental(bench):
    """The row of bench (a Grove one) with the major GC incremental."""
    return Benchmark(f"{bench.id}-inc", bench.stem, GROVE, bench.kind, bench.metric, bench.full_args,
                     bench.quick_args, f"{bench.title}; incremental major GC", INCREMENTAL)


def _interpreter(prog, title):
    """The Scheme interpreter (examples/scheme) running one of its benchmark
    programs: the rooting backends compared on a real runtime's access pattern."""
    args = ("--bench", os.path.join(SCHEME_TESTS, f"{prog}.scm"), "--name", f"interp-{prog}")
    return Benchmark(f"interp-{prog}", "scheme", GROVE, "macro", "wall_s", args,
                     args + ("--size", "normal"), f"Scheme interpreter on Grove: {title}")


BENCHMARKS = (
    Benchmark(MEMCPY, "memcpy", ("glibc",), "machine", "gbps", ("64", "15"), ("64", "15"),
              "this machine's memcpy bandwidth: 64 MiB buffers, median of 15 copies (GB/s, 10^9 bytes/s)"),
    Benchmark("gcbench", "gcbench", GROVE + C_PEERS, "macro", "wall_s", (), (),
              "GCBench (stretch 18, long-lived 16, array 500k doubles, depths 4-16)"),
    Benchmark("binary-trees", "binary_trees", VARIANT_ORDER, "macro", "wall_s", ("21",), ("16",),
              "binary-trees (Benchmarks Game, single-threaded)"),
    Benchmark("churn", "churn", GROVE, "macro", "wall_s", ("4000000", "1024", "4"),
              ("500000", "1024", "4"),
              "long-lived table mutated with young values + garbage (write barrier)"),
    Benchmark("gcold", "gcold", GROVE, "macro", "wall_s", ("64", "150000", "10", "2"),
              ("16", "20000", "10", "2"),
              "GCOld (Detlefs/Clinger): 64 MiB of old trees, young subtrees stored into them, "
              "10 short-lived per promoted, 2 swaps per step"),
    Benchmark("queue", "queue", GROVE, "macro", "wall_s", ("run", "128", "100000", "256"),
              ("run", "16", "20000", "256"),
              "queue of lists (Clinger): 128 MiB live of 256-cell lists, each promoted and dying old, "
              "100,000 steps"),
    Benchmark("recursion", "roots", GROVE, "micro", "per_op_ns", ("recursion", "1000000"),
              ("recursion", "200000"),
              "recursion holding one root per frame, a cons per frame (ns/frame)"),
    _roots_micro("scope+1", "scope1", "scope enter + 1 rooted local + exit"),
    _roots_micro("scope+4", "scope4", "scope enter + 4 rooted locals + exit"),
    _roots_micro("scope+16", "scope16", "scope enter + 16 rooted locals + exit"),
    _roots_micro("root-get", "get", "GROVE_GET of a rooted local"),
    _roots_micro("root-set", "set", "GROVE_SET of a rooted local"),
    _roots_micro("persistent-lifo", "persistent-lifo",
                 "persistent root init + drop, newest dropped first"),
    _roots_micro("persistent-random", "persistent-random",
                 "persistent root init + drop, random drop order"),
    Benchmark("hash-young", "identity", GROVE, "micro", "per_op_ns", ("hash-young", "4000000"),
              ("hash-young", "400000"), "first identity hash of a young object"),
    Benchmark("hash-old", "identity", GROVE, "micro", "per_op_ns", ("hash-old", "4000000"),
              ("hash-old", "400000"), "first identity hash of an old object"),
    Benchmark("pin-unpin", "identity", GROVE, "micro", "per_op_ns", ("pin-unpin", "4000000"),
              ("pin-unpin", "400000"), "grove_pin + grove_unpin of an old object"),
    Benchmark("ephemerons", "ephemerons", GROVE, "macro", "wall_s", ("300", "20000", "4000"),
              ("100", "20000", "4000"),
              "weak-keyed table under churn: ephemerons keyed by a sliding window of keys, pruned"),
    Benchmark("weak-churn", "weak_churn", GROVE, "macro", "wall_s",
              ("2000000", "20000", "50000", "256"), ("500000", "20000", "50000", "256"),
              "weak boxes to short- and long-lived targets, old boxes retargeted to young ones"),
    *(_weak_scale(kind, gc, count, label)
      for kind in ("box", "ephemeron") for gc in ("minor", "major")
      for count, label in ((10000, "10k"), (100000, "100k"), (1000000, "1M"))),
    Benchmark("rootscan", "roots", GROVE, "series", "per_root_ns", ("rootscan", "1000000"),
              ("rootscan", "1000000"), "minor GC time vs live roots (10 to 1,000,000)"),
    Benchmark("pause-scaling", "queue", GROVE, "series", "per_mib_us", ("scaling",),
              ("scaling", "8", "16", "32"),
              "major GC pause vs live heap: the queue of lists at 50 to 1,024 MiB live, 3 major GCs "
              "at each size (µs/MiB: slope of the p50)"),
    _interpreter("fib", "fib 30"),
    _interpreter("tak", "tak 24 16 8"),
    _interpreter("nqueens", "10 queens"),
    _interpreter("binary_trees", "binary-trees depth 14"),
    _interpreter("deriv", "symbolic differentiation, 4 derivatives x 30 rounds"),
    _interpreter("parser", "2500 programs generated, tokenized, parsed, printed (string ports, records)"),
    _interpreter("nbody", "n-body, 6 bodies x 6000 steps (boxed flonums)"),
    _interpreter("generator", "generators on escaping continuations (call/cc, dynamic-wind)"),
    _interpreter("simulation", "bank simulation, 30000 customers (records, event heap)"),
    _interpreter("hashtable", "eq? hashtables on the identity hash, 9 x 6000 mixed keys"),
)
_INCREMENTAL_OF = ("binary-trees", "churn", "queue", "pause-scaling")
BENCHMARKS = tuple(x for b in BENCHMARKS
                   for x in ((b, _incremental(b)) if b.id in _INCREMENTAL_OF else (b,)))
BY_ID = {b.id: b for b in BENCHMARKS}


def select(only):
    """The benchmarks whose id matches one of the regexes in only (all when
    only is empty), with memcpy whenever a Grove benchmark is among them."""
    chosen = [b for b in BENCHMARKS if not only or any(re.search(o, b.id) for o in only)]
    if any(set(b.variants) & set(GROVE) for b in chosen) and BY_ID[MEMCPY] not in chosen:
        chosen.insert(0, BY_ID[MEMCPY])
    return chosen


def row_order(bench_id, variant):
    """Sort key: catalogue order, then variant order."""
    return ([b.id for b in BENCHMARKS].index(bench_id), VARIANT_ORDER.index(variant))


def describe_reps(quick, reps_override):
    """How many times each benchmark runs, as the report says it."""
    if reps_override:
        return f"{reps_override} times"
    if quick:
        return f"{QUICK_REPS} times"
    return f"{FULL_REPS_DEFAULT} times (" + ", ".join(f"{k} {v}" for k, v in FULL_REPS.items()) + ")"
