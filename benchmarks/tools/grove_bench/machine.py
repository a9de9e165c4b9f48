"""What the run was measured on: the machine, its load, and the source tree."""

import os
import platform
import subprocess

from . import ROOT
from .console import say

BUSY_LOAD = 0.75


def sh(cmd, cwd=None):
    """A command's stripped stdout; "" if it cannot run."""
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


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
    if load is not None and load >= BUSY_LOAD:
        say(f"   warning: load average {load:.2f} {when}: other processes are using the CPU, "
            "timings will be noisy (see the spread column)")
    return load


def _first_field(path, prefix, sep):
    """The value of the first line of path starting with prefix, or None."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(prefix):
                    return line.split(sep, 1)[1].strip()
    except OSError:
        pass
    return None


def _memory_gib():
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        return round(kb / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        return None


def flambda_in_config(config):
    """Whether `ocamlopt -config` output says the compiler is built with flambda."""
    return any(line.replace(" ", "") == "flambda:true" for line in config.splitlines())


def ocaml_flambda():
    """Whether the installed ocamlopt is built with flambda (so that -O3
    means something to it); None when there is no ocamlopt."""
    config = sh(["ocamlopt", "-config"])
    return flambda_in_config(config) if config else None


def machine_info():
    info = {"hostname": platform.node(), "kernel": platform.release(), "arch": platform.machine()}
    info["cpu"] = _first_field("/proc/cpuinfo", "model name", ":") or platform.processor()
    info["cores"] = os.cpu_count()
    memory = _memory_gib()
    if memory is not None:
        info["memory_gib"] = memory
    os_name = _first_field("/etc/os-release", "PRETTY_NAME=", "=")
    if os_name is not None:
        info["os"] = os_name.strip('"')
    hv = sh(["sh", "-c", "lscpu 2>/dev/null | sed -n 's/^Hypervisor vendor: *//p'"])
    if hv:
        info["hypervisor"] = hv
    info["gcc"] = sh(["gcc", "-dumpfullversion"]) or sh(["gcc", "-dumpversion"])
    info["cmake"] = (sh(["cmake", "--version"]).splitlines() or [""])[0].replace("cmake version ", "")
    info["jemalloc"] = sh(["pkg-config", "--modversion", "jemalloc"])
    info["bdw_gc"] = sh(["pkg-config", "--modversion", "bdw-gc"])
    info["ocaml"] = sh(["ocamlopt", "-version"])
    info["ocaml_flambda"] = ocaml_flambda()
    info["python"] = platform.python_version()
    return info


def source_info():
    commit = sh(["git", "rev-parse", "HEAD"], cwd=ROOT)
    dirty = bool(sh(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT))
    return {"commit": commit, "short": commit[:10], "dirty": dirty,
            "subject": sh(["git", "log", "-1", "--format=%s"], cwd=ROOT)}
