"""Running the benchmarks: in alternation, checked, with disturbed runs repeated."""

import functools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from . import catalogue, stats
from .console import BenchError, say
from .formatting import fmt_headline

RUN_TIMEOUT_S = 600
TICK_HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Job:
    """One benchmark/variant pair and how often to run it."""

    bench: catalogue.Benchmark
    variant: str
    args: tuple
    reps: int

    def executable(self, build_dir):
        return self.bench.executable(build_dir, self.variant)


def plan(build_dir, quick, only, reps_override):
    """A job per selected benchmark and variant. A missing optional peer
    (BDW GC, OCaml) is left out (its targets read n/a); any other missing
    executable is an error."""
    jobs = []
    for bench in catalogue.select(only):
        for variant in bench.variants:
            job = Job(bench, variant, tuple(bench.args(quick)), reps_override or bench.reps(quick))
            if os.path.exists(job.executable(build_dir)):
                jobs.append(job)
            elif variant not in catalogue.OPTIONAL_VARIANTS:
                raise BenchError(f"missing executable {job.executable(build_dir)}")
    return jobs


def expected_binary_trees(depth):
    """The lines binary-trees must print before its JSON line."""
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
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def enter_own_autogroup(nice):
    """In the benchmark child, before exec: a nice value only weighs against
    processes of the same scheduler autogroup (one per session), so take a
    session of our own and give its autogroup the same nice value."""
    os.setsid()
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(nice))
    except OSError:
        pass
    os.nice(nice)


def parse_output(job, returncode, stdout, stderr):
    """The result dict of one run from the process's output, or an error text."""
    lines = stdout.strip().splitlines()
    if returncode != 0 or not lines:
        return None, f"exit status {returncode}: {(stderr or stdout).strip()[-800:]}"
    try:
        result = json.loads(lines[-1])
    except json.JSONDecodeError:
        return None, f"no JSON result line; last line: {lines[-1][:200]}"
    if not result.get("ok"):
        return None, "result line without ok:true"
    if job.bench.stem == "binary_trees":
        if lines[:-1] != expected_binary_trees(int(job.args[0]) if job.args else 21):
            return None, "binary-trees output differs from the expected check sums"
    return result, None


def read_pauses(pause_file):
    """The pause samples the run wrote (and remove the file), or None."""
    if not os.path.exists(pause_file):
        return None
    try:
        with open(pause_file) as f:
            pauses = json.load(f)
    except (OSError, json.JSONDecodeError):
        pauses = None
    os.unlink(pause_file)
    return pauses


def run_one(build_dir, job, pause_file, nice):
    """One run: ((result, pauses), None), or (None, error text)."""
    env = dict(os.environ)
    env.pop("GROVE_DEBUG", None)  # never benchmark debug modes by accident
    for var in ("OCAMLRUNPARAM", "CAMLRUNPARAM"):  # nor OCaml's GC away from its defaults
        env.pop(var, None)
    env["GROVE_BENCH_PAUSES"] = pause_file
    if job.bench.options:
        env["GROVE_OPTIONS"] = job.bench.options
    t0 = time.time()
    ticks_before, cpu_before = busy_ticks(), children_cpu_s()
    try:
        r = subprocess.run([job.executable(build_dir)] + list(job.args), capture_output=True,
                           text=True, env=env, timeout=RUN_TIMEOUT_S,
                           preexec_fn=functools.partial(enter_own_autogroup, nice) if nice else None)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {RUN_TIMEOUT_S} s"
    except OSError as e:
        return None, str(e)
    elapsed = time.time() - t0
    ticks_after, cpu_after = busy_ticks(), children_cpu_s()
    result, err = parse_output(job, r.returncode, r.stdout, r.stderr)
    if err:
        return None, err
    result["process_s"] = elapsed
    result["cpu_s"] = cpu_after - cpu_before  # the benchmark's own user + system time
    busy_s = None if ticks_before is None or ticks_after is None else (ticks_after - ticks_before) / TICK_HZ
    # Kept as a hint of cache and memory-bandwidth sharing.
    result["others_cpu_s"] = stats.others_cpu_s(busy_s, result["cpu_s"])
    result["cpu_share"] = result["cpu_s"] / elapsed if elapsed > 0 else None
    result["disturbed"] = stats.is_disturbed(result["cpu_s"], elapsed)
    return (result, read_pauses(pause_file)), None


class Progress:
    """One line per run; on a terminal the line is drawn first and completed in place."""

    def __init__(self, total):
        self.total = total
        self.count = 0
        self.t_start = time.time()
        self.cr = "\r" if sys.stdout.isatty() else ""
        self.label = ""

    def start(self, job, rep):
        self.count += 1
        self.label = (f"[{self.count:3d}/{self.total}] {job.bench.id:<17} {job.variant:<9} "
                      f"run {rep + 1}/{job.reps}")
        if self.cr:
            print(self.label + " ...", end="", flush=True)

    def retrying(self, result):
        print(f"{self.cr}{self.label}  got {100 * result['cpu_share']:.0f}% of a core "
              "(the machine is busy); running it again", flush=True)

    def failed(self, err):
        print(f"{self.cr}{self.label}  FAILED: {err.splitlines()[0] if err else ''}", flush=True)
        for line in err.splitlines()[1:6]:
            say("      " + line)

    def done(self, job, result):
        shown = fmt_headline(result.get(job.bench.metric), job.bench.metric)
        note = "   [machine busy: figure suspect]" if result["disturbed"] else ""
        print(f"{self.cr}{self.label}  {shown:>12}   (elapsed {time.time() - self.t_start:5.0f} s){note}",
              flush=True)


def run_all(build_dir, jobs, nice):
    """Every job, several times, in alternation: run 1 of everything, then
    run 2, ... so slow drift hits every variant alike. Returns the results
    per (bench id, variant), {"runs": [...], "pauses": {kind: samples}},
    and the failures."""
    total = sum(j.reps for j in jobs)
    max_reps = max((j.reps for j in jobs), default=0)
    budget = stats.retry_budget(total)
    results, failures = {}, []
    retried = 0
    progress = Progress(total)
    say(f"== Running {total} benchmark runs ({len(jobs)} benchmark/variant pairs, "
        f"up to {max_reps} runs each, in alternation)")
    with tempfile.TemporaryDirectory() as tmp:
        pause_file = os.path.join(tmp, "pauses.json")
        for rep in range(max_reps):
            for job in [j for j in jobs if rep < j.reps]:
                progress.start(job, rep)
                for attempt in range(stats.DISTURB_RETRIES + 1):
                    got, err = run_one(build_dir, job, pause_file, nice)
                    if err or not stats.should_retry(got[0], attempt, retried, budget):
                        break
                    retried += 1
                    progress.retrying(got[0])
                    time.sleep(1)
                if err:
                    failures.append({"bench": job.bench.id, "variant": job.variant, "run": rep + 1,
                                     "error": err})
                    progress.failed(err)
                    continue
                record(results, job, *got)
                progress.done(job, got[0])
    if retried:
        say(f"   {retried} run(s) repeated because other processes were using the CPU")
    return results, failures


def record(results, job, result, pauses):
    """Add one run and its pause samples to results."""
    entry = results.setdefault((job.bench.id, job.variant), {"runs": [], "pauses": {}})
    entry["runs"].append(result)
    for kind, samples in (pauses or {}).items():
        entry["pauses"].setdefault(kind, []).extend(samples)
