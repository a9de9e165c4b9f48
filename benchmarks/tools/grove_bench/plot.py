"""The plots (plots/*.svg), drawn by gnuplot (Debian package gnuplot-nox)
from data files the driver writes next to them."""

import os
import shutil
import subprocess

from .catalogue import BENCHMARKS, GROVE, VARIANT_ORDER
from .console import say
from .summary import row_of

# The macro benchmarks (and recursion, which collects) whose pauses and wall times are plotted.
PLOTTED = ("gcbench", "binary-trees", "binary-trees-inc", "churn", "churn-inc", "gcold", "queue",
           "queue-inc", "recursion")
# The pause-scaling rows, a plot each (incremental pauses are a hundred times
# shorter: on one linear axis they would lie flat): (bench, plot file, title).
PAUSE_SCALING_PLOTS = (("pause-scaling", "pause-scaling.svg", "Major GC pause against live heap"),
                       ("pause-scaling-inc", "pause-scaling-inc.svg",
                        "Incremental major GC pause against live heap"))
STYLE = {"indexed": 1, "intrusive": 2, "glibc": 3, "jemalloc": 4, "bdw": 5, "ocaml": 6}
COLORS = {"indexed": "#1f77b4", "intrusive": "#d62728", "glibc": "#7f7f7f", "jemalloc": "#2ca02c",
          "bdw": "#9467bd", "ocaml": "#ff7f0e"}
TERMINAL = ("set terminal svg size {w},{h} dynamic enhanced font 'sans,11' background '#ffffff'\n"
            "set output {out}\nset grid\nset key outside below\n")


def cdf_points(samples, max_points=200):
    """(value, fraction of samples <= value), at most max_points of them."""
    s = sorted(samples)
    n = len(s)
    if n <= max_points:
        return [(v, (i + 1) / n) for i, v in enumerate(s)]
    pts = []
    for k in range(max_points):
        i = min(n - 1, round(k * (n - 1) / (max_points - 1)))
        pts.append((s[i], (i + 1) / n))
    return pts


def gp_str(s):
    """A gnuplot string literal."""
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


# --- data files ----------------------------------------------------------


def write_pause_data(results, data_dir):
    """A CDF file per plotted benchmark, variant and kind of pause: (bench, label, file)."""
    sets = []
    for bench in PLOTTED:
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
                sets.append((bench, label, fn))
    return sets


def write_rootscan_data(rows, data_dir):
    sets = []
    for r in rows:
        if r["bench"] != "rootscan":
            continue
        for s in ("stack", "persistent"):
            fn = os.path.join(data_dir, f"rootscan-{r['variant']}-{s}.dat")
            with open(fn, "w") as f:
                for p in r["series"][s]:
                    if p["roots"] > 0:
                        f.write(f"{p['roots']} {p['gc_ns'] / 1000:.3f}\n")
            sets.append((f"{r['variant']}, {'scoped locals' if s == 'stack' else 'persistent'}", fn))
    return sets


# The pause-scaling percentiles: (key of a point, label, data file column,
# dash type, point type).
PAUSE_SCALING_LINES = (("p50_ns", "p50", 2, 1, 7), ("p99_ns", "p99", 3, 2, 5),
                       ("max_ns", "max", 4, 3, 9))


def write_pause_scaling_data(rows, data_dir, bench="pause-scaling"):
    """A file per backend of bench, a line per live size with a major GC:
    live MiB, then the major pause p50, p99 and max in ms. Returns
    [(variant, file)] for the backends with at least one such size."""
    sets = []
    for r in rows:
        if r["bench"] != bench:
            continue
        points = [p for p in r["series"] if p["p50_ns"] is not None]
        if not points:
            continue
        fn = os.path.join(data_dir, f"{bench}-{r['variant']}.dat")
        with open(fn, "w") as f:
            for p in points:
                ms = " ".join(f"{p[line[0]] / 1e6:.3f}" for line in PAUSE_SCALING_LINES)
                f.write(f"{p['live_mib']} {ms}\n")
        sets.append((r["variant"], fn))
    return sets


def write_wall_data(rows, data_dir):
    files = {}
    for b in [b for b in PLOTTED if any(r["bench"] == b for r in rows)]:
        fn = os.path.join(data_dir, f"wall-{b}.dat")
        with open(fn, "w") as f:
            for r in rows:
                if r["bench"] == b:
                    f.write(f"\"{r['variant']}\" {r['median']:.6g} {r['min']:.6g} {r['max']:.6g} "
                            f"{STYLE[r['variant']]}\n")
        files[b] = fn
    return files


def write_micro_data(rows, data_dir):
    """The micro benchmarks' medians, one line per benchmark: (ids, file)."""
    micro = [b.id for b in BENCHMARKS if b.kind == "micro" and b.id != "recursion"
             and any(r["bench"] == b.id for r in rows)]
    fn = os.path.join(data_dir, "micro.dat")
    with open(fn, "w") as f:
        for b in micro:
            vals = [row_of(rows, b, v) for v in GROVE]
            f.write(f"\"{b}\" " + " ".join(f"{x['median']:.4f}" if x else "NaN" for x in vals) + "\n")
    return micro, fn


# --- gnuplot scripts -------------------------------------------------------


def pauses_script(out, pause_sets):
    benches = [b for b in PLOTTED if any(p[0] == b for p in pause_sets)]
    if not benches:
        return None
    s = TERMINAL.format(w=1100, h=380 * ((len(benches) + 1) // 2) + 80, out=gp_str(out))
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
    return s + "unset multiplot\n"


def rootscan_script(out, scan_sets):
    if not scan_sets:
        return None
    s = TERMINAL.format(w=800, h=480, out=gp_str(out))
    s += ("set title 'Minor GC time against live roots (roots hold old objects: scan cost)'\n"
          "set logscale xy\nset xlabel 'live roots'\nset ylabel 'minor GC time (µs, median)'\n"
          "set format x '10^{%L}'\n")
    return s + "plot " + ", \\\n  ".join(
        f"{gp_str(fn)} using 1:2 with linespoints lw 2 pt 7 lc rgb {gp_str(COLORS[label.split(',')[0]])} "
        f"dt {1 if 'scoped' in label else 2} title {gp_str(label)}" for label, fn in scan_sets) + "\n"


def pause_scaling_script(out, scaling_sets, title="Major GC pause against live heap"):
    """Major GC pause against live MiB, both axes linear from 0 (a pause
    proportional to the live size is a straight line through the origin):
    a line per backend and percentile."""
    if not scaling_sets:
        return None
    s = TERMINAL.format(w=800, h=480, out=gp_str(out))
    s += (f"set title {gp_str(title + ' (queue of lists, steady phase of each size)')}\n"
          "set xlabel 'live heap (MiB)'\nset ylabel 'major GC pause (ms)'\n"
          "set xrange [0:*]\nset yrange [0:*]\n")
    return s + "plot " + ", \\\n  ".join(
        f"{gp_str(fn)} using 1:{col} with linespoints lw 2 pt {pt} lc rgb {gp_str(COLORS[variant])} "
        f"dt {dt} title {gp_str(f'{variant} {label}')}"
        for variant, fn in scaling_sets for _, label, col, dt, pt in PAUSE_SCALING_LINES) + "\n"


def wall_script(out, wall_files):
    if not wall_files:
        return None
    n = len(wall_files)
    s = TERMINAL.format(w=1100, h=330 * ((n + 1) // 2) + 60, out=gp_str(out))
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
    return s + "unset multiplot\n"


def micro_script(out, micro, micro_file):
    if not micro:
        return None
    s = TERMINAL.format(w=900, h=420, out=gp_str(out))
    return s + ("set title 'Rooting micro benchmarks (median ns per operation, lower is better)'\n"
                "set style data histograms\nset style histogram clustered gap 1\n"
                "set style fill solid 0.85 border -1\nset ylabel 'ns per operation'\nset yrange [0:*]\n"
                "set xtics rotate by -20\n"
                f"plot {gp_str(micro_file)} using 2:xtic(1) title 'indexed' lc rgb '{COLORS['indexed']}', "
                f"'' using 3 title 'intrusive' lc rgb '{COLORS['intrusive']}'\n")


def render(gnuplot, plot_dir, name, script):
    """Run one gnuplot script (kept beside the plot as <name>.gp); whether it drew the plot."""
    path = os.path.join(plot_dir, name.replace(".svg", ".gp"))
    with open(path, "w") as f:
        f.write(script)
    r = subprocess.run([gnuplot, path], capture_output=True, text=True)
    if r.returncode != 0:
        say(f"   gnuplot failed on {name}: {r.stderr.strip()[:300]}")
        return False
    return True


def plot_all(doc, results, plot_dir):
    """Every plot the run has data for; returns [(file name, title)]."""
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        say("   no plots: gnuplot not found (Debian package gnuplot-nox)")
        return []
    plot_dir = os.path.abspath(plot_dir)
    data_dir = os.path.join(plot_dir, "data")
    os.makedirs(data_dir, exist_ok=True)
    rows = doc["summary"]
    micro, micro_file = write_micro_data(rows, data_dir)
    scripts = [
        ("pauses.svg", "GC pause distribution per backend",
         pauses_script(os.path.join(plot_dir, "pauses.svg"), write_pause_data(results, data_dir))),
        ("rootscan.svg", "Minor GC time against number of live roots",
         rootscan_script(os.path.join(plot_dir, "rootscan.svg"), write_rootscan_data(rows, data_dir))),
        *((name, title, pause_scaling_script(os.path.join(plot_dir, name),
                                             write_pause_scaling_data(rows, data_dir, bench), title))
          for bench, name, title in PAUSE_SCALING_PLOTS),
        ("wall.svg", "Wall time per benchmark and variant",
         wall_script(os.path.join(plot_dir, "wall.svg"), write_wall_data(rows, data_dir))),
        ("micro.svg", "Rooting micro benchmarks",
         micro_script(os.path.join(plot_dir, "micro.svg"), micro, micro_file)),
    ]
    made = []
    for name, title, script in scripts:
        if script and render(gnuplot, plot_dir, name, script):
            made.append((name, title))
    return made
