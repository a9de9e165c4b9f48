"""Building both backends, the peers and the examples in Release."""

import os
import subprocess
import sys
import time

from . import ROOT
from .console import BenchError, say


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
    say(f"   built in {time.time() - t0:.1f} s")
