"""The queue rows: the queue macro row, and pause-scaling, the major GC
pause against live heap series — from its runs to its summary points, its
table in the report, its data files and gnuplot script; and that rootscan,
the other series, keeps its own table and plot beside it."""

import os
import tempfile
import unittest

from bench_fixtures import fixture_doc, grove_run
from grove_bench import catalogue, compare, plot, report
from grove_bench.formatting import fmt_headline
from grove_bench.summary import pause_series, row_of, summarize


def point(mib, p50_ms, p99_ms, max_ms, majors=3, minor_p99_ms=2.5):
    """One size of a scaling run's series, as queue.c writes it (ns)."""
    ns = (lambda v: None if v is None else round(v * 1e6))
    return {"live_mib": mib, "lists": mib * 170, "steps": mib * 500, "major_count": majors,
            "p50_ns": ns(p50_ms), "p99_ns": ns(p99_ms), "max_ns": ns(max_ms), "minor_count": 40,
            "minor_p99_ns": ns(minor_p99_ms), "grow_s": 0.1, "steady_s": 0.5}


def scaling_run(per_mib_us, series):
    run = grove_run(20.0)
    run.update({"per_mib_us": per_mib_us, "list_len": 256, "min_majors": 3, "series": series})
    return run


def rootscan_run(per_root_ns):
    run = grove_run(1.0)
    pts = [{"roots": 0, "gc_ns": 10_000, "per_root_ns": 0}, {"roots": 1000, "gc_ns": 12_000,
                                                              "per_root_ns": 2.0}]
    run.update({"per_root_ns": per_root_ns, "stack": pts, "persistent": pts})
    return run


def entry(runs):
    return {"runs": runs, "pauses": {}}


# Two runs of the indexed backend and one of the intrusive one; sizes come
# out of order in the second run and the 8 MiB size had no major GC there.
INDEXED_RUNS = [scaling_run(400.0, [point(8, 3.1, 4.2, 4.2), point(32, 12.4, 13.3, 15.4)]),
                scaling_run(500.0, [point(32, 14.2, 15.1, 17.0, majors=5, minor_p99_ms=4.5),
                                    point(8, 5.3, 6.2, 6.2)])]
INTRUSIVE_RUNS = [scaling_run(300.0, [point(8, None, None, None, majors=0, minor_p99_ms=None),
                                      point(32, 10.1, 11.2, 11.5)])]


def scaling_rows():
    return summarize({("pause-scaling", "indexed"): entry(INDEXED_RUNS),
                      ("pause-scaling", "intrusive"): entry(INTRUSIVE_RUNS),
                      ("rootscan", "indexed"): entry([rootscan_run(2.25)])})


class Catalogue(unittest.TestCase):
    def test_the_two_rows(self):
        queue, scaling = catalogue.BY_ID["queue"], catalogue.BY_ID["pause-scaling"]
        self.assertEqual((queue.kind, queue.metric, queue.variants), ("macro", "wall_s", catalogue.GROVE))
        self.assertEqual((scaling.kind, scaling.metric, scaling.stem), ("series", "per_mib_us", "queue"))
        self.assertEqual(queue.args(False), ["run", "128", "100000", "256"])
        self.assertEqual(scaling.args(True), ["scaling", "8", "16", "32"])
        # One long run per backend in a full run; the quick run's usual 3.
        self.assertEqual((scaling.reps(False), scaling.reps(True)), (1, 3))
        self.assertEqual(queue.reps(False), catalogue.FULL_REPS_DEFAULT)
        self.assertTrue(queue.executable("/b", "indexed").endswith("benchmarks/bench_queue_indexed"))


class Summary(unittest.TestCase):
    def test_points_are_medians_per_size_in_increasing_order(self):
        pts = pause_series(INDEXED_RUNS)
        self.assertEqual([p["live_mib"] for p in pts], [8, 32])
        self.assertEqual(pts[0], {"live_mib": 8, "major_count": 3, "p50_ns": 4_200_000, "p99_ns": 5_200_000,
                                  "max_ns": 5_200_000, "minor_p99_ns": 2_500_000})
        self.assertEqual(pts[1], {"live_mib": 32, "major_count": 4, "p50_ns": 13_300_000,
                                  "p99_ns": 14_200_000, "max_ns": 16_200_000, "minor_p99_ns": 3_500_000})

    def test_a_size_without_major_gc_keeps_none(self):
        pts = pause_series(INTRUSIVE_RUNS)
        self.assertEqual(pts[0], {"live_mib": 8, "major_count": 0, "p50_ns": None, "p99_ns": None,
                                  "max_ns": None, "minor_p99_ns": None})

    def test_rows_and_their_headline(self):
        rows = scaling_rows()
        ri, rx = row_of(rows, "pause-scaling", "indexed"), row_of(rows, "pause-scaling", "intrusive")
        self.assertEqual((ri["median"], ri["samples"], ri["n"]), (450.0, [400.0, 500.0], 2))
        self.assertAlmostEqual(rx["ratio_to_indexed"], 300 / 450)
        self.assertEqual(ri["series"], pause_series(INDEXED_RUNS))
        # rootscan still goes through its own summary.
        rs = row_of(rows, "rootscan", "indexed")["series"]
        self.assertEqual(sorted(rs), ["persistent", "stack"])
        self.assertEqual(rs["stack"][1], {"roots": 1000, "gc_ns": 12_000, "per_root_ns": 2.0})
        self.assertEqual(report.table_row(ri)[2], "450 µs/MiB")
        self.assertEqual(report.table_row(row_of(rows, "rootscan", "indexed"))[2], "2.25 ns/root")

    def test_units(self):
        self.assertEqual(fmt_headline(433.96, "per_mib_us"), "434 µs/MiB")
        self.assertEqual(fmt_headline(1.094, "per_root_ns"), "1.09 ns/root")
        self.assertEqual(fmt_headline(2.5, "wall_s"), "2.500 s")
        self.assertEqual(compare.METRIC_NAMES["per_mib_us"], "µs per MiB")


class Report(unittest.TestCase):
    def section(self, rows):
        return report._pause_scaling(rows, "##")

    def test_table(self):
        lines = self.section(scaling_rows())
        self.assertEqual(lines[0], "## Major GC pause against live heap")
        self.assertEqual(lines[1::2], ["", "", ""])
        table = lines[4].splitlines()
        self.assertEqual(table[0], "| Live MiB | indexed major p50 / p99 / max (ms) | indexed majors "
                                   "| indexed minor p99 (ms) | intrusive major p50 / p99 / max (ms) "
                                   "| intrusive majors | intrusive minor p99 (ms) |")
        self.assertEqual(table[2:], ["| 8 | 4.20 / 5.20 / 5.20 | 3 | 2.50 | - | 0 | - |",
                                     "| 32 | 13.3 / 14.2 / 16.2 | 4 | 3.50 | 10.1 / 11.2 / 11.5 | 3 | 2.50 |"])

    def test_a_size_one_backend_lacks(self):
        rows = summarize({("pause-scaling", "indexed"): entry(INDEXED_RUNS),
                          ("pause-scaling", "intrusive"): entry([scaling_run(1.0, [point(1024, 400, 410, 420)])])})
        body = self.section(rows)[4].splitlines()[2:]
        self.assertEqual([b.split(" | ")[0] for b in body], ["| 8", "| 32", "| 1,024"])
        self.assertTrue(body[2].startswith("| 1,024 | - | - | - | 400 / 410 / 420 | 3 | 2.50 |"))

    def test_in_the_report_after_the_root_scan_only_when_it_ran(self):
        doc = fixture_doc()
        self.assertNotIn("Major GC pause against live heap", report.report_markdown(doc))
        doc["summary"] += scaling_rows()
        text = report.report_markdown(doc)
        self.assertLess(text.index("## Minor GC time against live roots"),
                        text.index("## Major GC pause against live heap"))
        self.assertLess(text.index("## Major GC pause against live heap"), text.index("## Inline fast paths"))
        self.assertIn("\n| 32 | 13.3 / 14.2 / 16.2 | 4 | 3.50 | 10.1 / 11.2 / 11.5 | 3 | 2.50 |\n", text)
        # The root scan table has the rootscan rows only, not the new series.
        scan = text[text.index("## Minor GC time against live roots"):text.index("## Major GC pause")]
        self.assertNotIn("pause-scaling", scan)
        self.assertNotIn("major p50", scan)


class Plot(unittest.TestCase):
    def test_data_files(self):
        rows = scaling_rows()
        with tempfile.TemporaryDirectory() as tmp:
            sets = plot.write_pause_scaling_data(rows, tmp)
            self.assertEqual([(v, os.path.basename(fn)) for v, fn in sets],
                             [("indexed", "pause-scaling-indexed.dat"), ("intrusive", "pause-scaling-intrusive.dat")])
            with open(sets[0][1]) as f:
                self.assertEqual(f.read(), "8 4.200 5.200 5.200\n32 13.300 14.200 16.200\n")
            with open(sets[1][1]) as f:  # the size without a major GC is left out
                self.assertEqual(f.read(), "32 10.100 11.200 11.500\n")
            # A backend with no major GC at any size has no line to draw.
            none = summarize({("pause-scaling", "intrusive"): entry([scaling_run(
                None, [point(8, None, None, None, majors=0, minor_p99_ms=None)])])})
            self.assertEqual(plot.write_pause_scaling_data(none, tmp), [])
            # The root scan's files are the rootscan row's only.
            scan = plot.write_rootscan_data(rows, tmp)
            self.assertEqual([os.path.basename(fn) for _, fn in scan],
                             ["rootscan-indexed-stack.dat", "rootscan-indexed-persistent.dat"])

    def test_script_draws_a_line_per_backend_and_percentile(self):
        sets = [("indexed", "/d/i.dat"), ("intrusive", "/d/x.dat")]
        s = plot.pause_scaling_script("/p/pause-scaling.svg", sets)
        self.assertIn("set output \"/p/pause-scaling.svg\"\n", s)
        self.assertIn("set xrange [0:*]\nset yrange [0:*]\n", s)
        lines = s[s.index("plot "):].split(", \\\n")
        self.assertEqual(len(lines), 6)
        self.assertIn('"/d/i.dat" using 1:3 with linespoints lw 2 pt 5 lc rgb "#1f77b4" dt 2 title "indexed p99"',
                      lines[1])
        self.assertIn('"/d/x.dat" using 1:4 with linespoints lw 2 pt 9 lc rgb "#d62728" dt 3 title "intrusive max"',
                      lines[5])
        self.assertIsNone(plot.pause_scaling_script("/p/x.svg", []))

    def test_queue_pauses_and_wall_time_are_plotted(self):
        self.assertIn("queue", plot.PLOTTED)
        rows = summarize({("queue", "indexed"): entry([grove_run(1.5), grove_run(1.25), grove_run(2.0)])})
        with tempfile.TemporaryDirectory() as tmp:
            files = plot.write_wall_data(rows, tmp)
            with open(files["queue"]) as f:
                self.assertEqual(f.read(), '"indexed" 1.5 1.25 2 1\n')
            sets = plot.write_pause_data({("queue", "indexed"): {"runs": [], "pauses": {"major": [2e6, 4e6]}}}, tmp)
            self.assertEqual([(b, label) for b, label, _ in sets], [("queue", "indexed major")])

    @unittest.skipUnless(plot.shutil.which("gnuplot"), "gnuplot not installed")
    def test_plot_all_draws_it_and_the_report_links_it(self):
        doc = fixture_doc()
        doc["summary"] = scaling_rows()
        with tempfile.TemporaryDirectory() as tmp:
            made = plot.plot_all(doc, {}, tmp)
            self.assertIn(("pause-scaling.svg", "Major GC pause against live heap"), made)
            self.assertIn(("rootscan.svg", "Minor GC time against number of live roots"), made)
            with open(os.path.join(tmp, "pause-scaling.svg")) as f:
                self.assertIn("<svg", f.read())
        doc["plots"] = made
        self.assertIn("![Major GC pause against live heap](benchmarks/pause-scaling.svg)",
                      report.report_markdown(doc, plot_prefix="benchmarks/", heading="##"))


if __name__ == "__main__":
    unittest.main()
