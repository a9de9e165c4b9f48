"""From runs to summary rows and table cells: the minor GC copy throughput
and its share of the memcpy bandwidth, the OCaml peer's collection counts,
the memcpy row."""

import unittest

from bench_fixtures import grove_run, memcpy_run, ocaml_run
from grove_bench import report
from grove_bench.summary import copy_gbps, row_of, summarize

MINOR_NS = 2_057_000  # grove_run's minor pause total: 121 pauses of 17 µs


def entry(runs):
    return {"runs": runs, "pauses": {}}


class CopyThroughput(unittest.TestCase):
    def test_bytes_promoted_per_ns_of_minor_pause_is_gb_per_s(self):
        self.assertEqual(copy_gbps(grove_run(1.0, bytes_promoted=3 * MINOR_NS)["grove"]), 3.0)

    def test_no_minor_pause_no_throughput(self):
        g = grove_run(1.0)["grove"]
        g["minor"]["total_ns"] = 0
        self.assertIsNone(copy_gbps(g))

    def test_median_of_the_runs_and_percent_of_memcpy(self):
        rows = summarize({
            ("gcold", "intrusive"): entry([grove_run(1.0, bytes_promoted=p * MINOR_NS) for p in (1, 2, 6)]),
            ("memcpy", "glibc"): entry([memcpy_run(g) for g in (7.0, 8.0, 12.0)])})
        gc = row_of(rows, "gcold", "intrusive")["gc"]
        self.assertEqual(gc["minor_copy_gbps"], 2.0)
        self.assertEqual(gc["minor_copy_pct_memcpy"], 25.0)
        self.assertAlmostEqual(gc["minor_pause_total_s"], MINOR_NS / 1e9)
        self.assertEqual(report.table_row(row_of(rows, "gcold", "intrusive"))[9], "2.00 (25.0%)")
        memcpy = row_of(rows, "memcpy", "glibc")
        self.assertEqual((memcpy["metric"], memcpy["median"]), ("gbps", 8.0))
        self.assertEqual(report.table_row(memcpy)[2:3] + report.table_row(memcpy)[6:11], ["8.00 GB/s"] + ["-"] * 5)

    def test_without_memcpy_the_throughput_stands_alone(self):
        rows = summarize({("gcold", "indexed"): entry([grove_run(1.0, bytes_promoted=MINOR_NS // 2)])})
        gc = rows[0]["gc"]
        self.assertIsNone(gc["minor_copy_pct_memcpy"])
        self.assertEqual(report.table_row(rows[0])[9], "0.50")

    def test_memcpy_row_first_and_no_copy_figure_for_peers(self):
        rows = summarize({("gcbench", "jemalloc"): entry([{"wall_s": 0.3, "peak_rss_kb": 22000}]),
                          ("gcbench", "indexed"): entry([grove_run(0.2)]),
                          ("memcpy", "glibc"): entry([memcpy_run(9.0)])})
        self.assertEqual([(r["bench"], r["variant"]) for r in rows],
                         [("memcpy", "glibc"), ("gcbench", "indexed"), ("gcbench", "jemalloc")])
        self.assertNotIn("minor_copy_gbps", rows[2]["gc"])
        self.assertEqual(report.table_row(rows[2])[9], "-")


class OcamlPeer(unittest.TestCase):
    def test_collection_counts_and_ratio(self):
        rows = summarize({("binary-trees", "indexed"): entry([grove_run(10.0)]),
                          ("binary-trees", "ocaml"): entry([ocaml_run(5.0), ocaml_run(6.0), ocaml_run(5.5)])})
        ocaml = row_of(rows, "binary-trees", "ocaml")
        self.assertEqual(ocaml["gc"], {"minor": 3526, "major": 61})
        self.assertEqual(ocaml["median"], 5.5)
        self.assertEqual(ocaml["ratio_to_indexed"], 0.55)
        self.assertEqual(report.table_row(ocaml)[6:12], ["3526", "61", "-", "-", "-", "162.8"])


if __name__ == "__main__":
    unittest.main()
