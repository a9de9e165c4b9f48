"""Instruction counts of the inline fast paths: the probe functions
(benchmarks/probe/probe.c) disassembled with objdump."""

import re
import shutil
import subprocess

from .catalogue import GROVE, executable_path
from .console import BenchError, say

PROBES = [
    ("probe_alloc", "allocation (grove_alloc, constant type and size)"),
    ("probe_alloc_uninit", "allocation without zeroing (grove_alloc_uninit)"),
    ("probe_barrier", "write barrier (grove_barrier)"),
    ("probe_write", "store + barrier (grove_write)"),
    ("probe_root_get", "root get (GROVE_GET)"),
    ("probe_root_set", "root set (GROVE_SET)"),
    ("probe_persistent_get", "persistent get"),
    ("probe_scope1", "scope enter + 1 local + exit"),
]

INSN_RE = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
TARGET_RE = re.compile(r"([0-9a-f]+)\s+<([^>]+)>")
MAX_PATHS = 4096


def disassemble(binary, func):
    """func's instructions as (address, mnemonic, operands, text), or None."""
    r = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-M", "att", f"--disassemble={func}", binary],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return parse_disassembly(r.stdout, func)


def parse_disassembly(text, func):
    lines, inside = [], False
    for line in text.splitlines():
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


def _branch_target(ops, func):
    """(target address, external symbol or None), or (None, None) for an indirect branch."""
    m = TARGET_RE.search(ops)
    if not m:
        return None, None
    sym = m.group(2)
    internal = sym == func or sym.startswith(func + "+")
    return int(m.group(1), 16), (None if internal else sym.split("+")[0].split("@")[0])


def analyze_paths(func, insns):
    """Enumerate the acyclic paths from the entry to an exit. A path ends at
    `ret` or at a jump out of the function (a tail call). Counts exclude the
    final ret, which an inlined copy would not have."""
    if not insns:
        return None
    index = {addr: i for i, (addr, _, _, _) in enumerate(insns)}
    paths = []

    def end(count, calls, exit_kind, trail):
        paths.append({"instructions": count, "calls": calls, "exit": exit_kind, "trail": trail})

    def walk(i, seen, count, calls, trail):
        if len(paths) > MAX_PATHS or i >= len(insns) or i in seen:
            return
        _, mnem, ops, text = insns[i]
        seen = seen | {i}
        trail = trail + [text]
        if mnem.startswith("ret"):
            end(count, calls, "ret", trail)
        elif mnem.startswith("call"):
            _, sym = _branch_target(ops, func)
            walk(i + 1, seen, count + 1, calls + [sym or ops], trail)
        elif mnem.startswith("j"):
            tgt, sym = _branch_target(ops, func)
            if tgt is None:
                end(count + 1, calls + ["(indirect)"], "jmp", trail)
                return
            if sym is not None:
                end(count + 1, calls + [sym], "tail", trail)
            elif tgt in index:
                walk(index[tgt], seen, count + 1, calls, trail)
            if mnem != "jmp":  # conditional: also falls through
                walk(i + 1, seen, count + 1, calls, trail)
        else:
            walk(i + 1, seen, count + 1, calls, trail)

    walk(0, frozenset(), 0, [], [])
    return paths


def summarize_probe(title, insns, paths):
    """The figures for one probe: the longest call-free path to ret, or,
    where every path calls out, the path with the fewest calls (a slow path
    adds a call)."""
    entry = {"title": title, "disassembly": [t for _, _, _, t in (insns or [])]}
    free = [p for p in paths if p["exit"] == "ret" and not p["calls"]]
    if free:
        longest = max(free, key=lambda p: p["instructions"])
        shortest = min(free, key=lambda p: p["instructions"])
        entry.update(hot_path=longest["instructions"], shortest=shortest["instructions"],
                     calls=[], hot_trail=longest["trail"], call_free=True)
    elif paths:
        best = min(paths, key=lambda p: (len(p["calls"]), p["instructions"]))
        entry.update(hot_path=best["instructions"], shortest=best["instructions"],
                     calls=best["calls"], hot_trail=best["trail"], call_free=False)
    return entry


def probe_report(build_dir):
    """Per backend, per probe function, its figures; {} without objdump."""
    out = {}
    if not shutil.which("objdump"):
        say("   objdump not found (Debian package binutils): no instruction counts")
        return out
    for backend in GROVE:
        binary = executable_path(build_dir, "probe", backend)
        r = subprocess.run([binary], capture_output=True, text=True)
        if r.returncode != 0:
            raise BenchError(f"probe executable failed:\n{r.stdout}{r.stderr}")
        per = {}
        for func, title in PROBES:
            insns = disassemble(binary, func)
            per[func] = summarize_probe(title, insns, analyze_paths(func, insns) or [])
        out[backend] = per
    return out


def probe_summary_line(backend, per):
    """One line per backend for the console: each probe's hot path."""
    return "   " + backend + ": " + ", ".join(
        f"{func[6:]} {p.get('hot_path', '?')}{'+call' if p.get('calls') else ''}"
        for func, p in per.items())
