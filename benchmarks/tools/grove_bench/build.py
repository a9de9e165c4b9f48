"""Building both backends, the peers and the examples in Release, and the
native OCaml peer."""

import os
import shutil
import subprocess
import sys
import time

from . import ROOT
from .catalogue import executable_path
from .console import BenchError, say
from .machine import ocaml_flambda

BENCH_SRC = os.path.join(ROOT, "benchmarks")
# The OCaml peer and the C it links: bench.c's clock and peak RSS.
OCAML_C_SOURCES = ("peers/binary_trees_stubs.c", "common/bench.c")
OCAML_SOURCE = "peers/binary_trees.ml"


def ocaml_command(ocamlopt, flambda, exe):
    """The ocamlopt command line of the OCaml peer, run in its build directory:
    -O3 only means something to a flambda compiler."""
    return ([ocamlopt] + (["-O3"] if flambda else [])
            + ["-ccopt", "-D_POSIX_C_SOURCE=200809L", "-ccopt", "-I" + os.path.join(BENCH_SRC, "common")]
            + [os.path.join(BENCH_SRC, c) for c in OCAML_C_SOURCES]
            + [os.path.basename(OCAML_SOURCE), "-o", exe])


def build_ocaml(build_dir):
    """bench_binary_trees_ocaml, when ocamlopt is installed (Debian ocaml-nox)."""
    ocamlopt = shutil.which("ocamlopt")
    if not ocamlopt:
        say("   OCaml not found (Debian package ocaml-nox), skipping the ocaml peer")
        return
    flambda = ocaml_flambda()
    work = os.path.join(build_dir, "benchmarks", "ocaml")
    os.makedirs(work, exist_ok=True)
    # ocamlopt writes its objects beside the source and in the current directory.
    shutil.copyfile(os.path.join(BENCH_SRC, OCAML_SOURCE), os.path.join(work, os.path.basename(OCAML_SOURCE)))
    cmd = ocaml_command(ocamlopt, flambda, executable_path(build_dir, "binary_trees", "ocaml"))
    r = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        raise BenchError("building the OCaml peer failed")
    say(f"   OCaml peer built with ocamlopt{' -O3 (flambda)' if flambda else ' (no flambda)'}")


def build(build_dir, jobs):
    say(f"== Building both backends and the peers (Release) in {os.path.relpath(build_dir, ROOT)}")
    t0 = time.time()
    configure = ["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                 "-DGROVE_BUILD_TESTS=OFF", "-DGROVE_BUILD_BENCHMARKS=ON", "-DGROVE_BUILD_EXAMPLES=ON"]
    r = subprocess.run(configure, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        raise BenchError("cmake configure failed")
    for line in r.stdout.splitlines():
        if "Benchmarks:" in line:
            say("   " + line.strip("- ").strip())
    r = subprocess.run(["cmake", "--build", build_dir, "-j", str(jobs)], capture_output=True, text=True)
    out = r.stdout + r.stderr
    if r.returncode != 0:
        sys.stderr.write(out[-6000:])
        raise BenchError("build failed")
    warnings = [line for line in out.splitlines() if "warning:" in line]
    if warnings:
        say(f"   {len(warnings)} compiler warning(s):")
        for w in warnings[:20]:
            say("   " + w)
    build_ocaml(build_dir)
    say(f"   built in {time.time() - t0:.1f} s")
