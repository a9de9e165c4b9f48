"""--compare: a saved run in the old driver's format against itself, a
changed copy, and a run summarised by the new code."""

import contextlib
import io
import json
import os
import tempfile
import unittest

from bench_fixtures import FIXTURE_JSON, fixture_doc, grove_run, memcpy_run, micro_run
from grove_bench import SCHEMA, cli, compare
from grove_bench.console import BenchError
from grove_bench.summary import summarize


def scaled(doc, bench, variant, factor):
    for row in doc["summary"]:
        if (row["bench"], row["variant"]) == (bench, variant):
            row["samples"] = [s * factor for s in row["samples"]]
    return doc


def verdicts(result):
    return {(line[0], line[1], line[2]): line[7] for line in result.body}


class CompareDocs(unittest.TestCase):
    def test_a_run_against_itself_flags_nothing(self):
        result = compare.compare_docs(fixture_doc(), fixture_doc())
        self.assertEqual(result.flagged, [])
        self.assertEqual(set(verdicts(result).values()), {"within noise"})
        # Every benchmark/variant contributes its metric and its peak RSS.
        self.assertEqual(len(result.body), len(set(verdicts(result))))
        self.assertIn(("gcbench", "bdw", "wall time"), verdicts(result))
        self.assertIn(("rootscan", "indexed", "ns per root"), verdicts(result))
        self.assertIn(("recursion", "intrusive", "minor GC p99"), verdicts(result))

    def test_a_slowdown_beyond_noise_is_flagged_alone(self):
        result = compare.compare_docs(fixture_doc(), scaled(fixture_doc(), "scope+1", "indexed", 1.5))
        self.assertEqual([(f[0], f[1], f[2], f[7]) for f in result.flagged],
                         [("scope+1", "indexed", "ns per op", "SLOWER")])
        self.assertEqual(result.flagged[0][5], "+50.0%")

    def test_a_speedup_is_flagged_as_faster(self):
        result = compare.compare_docs(fixture_doc(), scaled(fixture_doc(), "gcbench", "intrusive", 0.5))
        self.assertEqual([(f[0], f[1], f[7]) for f in result.flagged], [("gcbench", "intrusive", "FASTER")])

    def test_memcpy_bandwidth_higher_is_better(self):
        def with_memcpy(gbps):
            doc = fixture_doc()
            doc["summary"] = summarize({("memcpy", "glibc"): {"runs": [memcpy_run(g) for g in gbps], "pauses": {}}})
            return doc
        result = compare.compare_docs(with_memcpy([10.0, 10.1, 9.9]), with_memcpy([7.0, 7.1, 6.9]))
        self.assertEqual([(f[0], f[2], f[3], f[4], f[7]) for f in result.flagged],
                         [("memcpy", "bandwidth", "10.00 GB/s", "7.00 GB/s", "SLOWER")])
        result = compare.compare_docs(with_memcpy([7.0, 7.1, 6.9]), with_memcpy([10.0, 10.1, 9.9]))
        self.assertEqual([f[7] for f in result.flagged], ["FASTER"])

    def test_pairs_on_one_side_only(self):
        b = fixture_doc()
        b["summary"] = [r for r in b["summary"] if r["bench"] != "root-get"]
        result = compare.compare_docs(fixture_doc(), b)
        self.assertEqual(result.only_a, [("root-get", "indexed"), ("root-get", "intrusive")])
        self.assertEqual(result.only_b, [])


class CompareFiles(unittest.TestCase):
    def write_new_run(self, run_dir, wall_s, per_op_ns):
        """A quick run's results.json as the new code writes it, from synthetic runs."""
        results = {("gcbench", "indexed"): {"runs": [grove_run(w, minor_p99_ns=3_300_000) for w in wall_s],
                                            "pauses": {}},
                   ("scope+1", "indexed"): {"runs": [micro_run(n) for n in per_op_ns], "pauses": {}}}
        rows = summarize(results)
        doc = cli.make_document(cli.parse_args(["--quick", "--nice", "0"]), rows, {}, [], (None, None))
        doc["plots"] = []
        cli.write_run(doc, run_dir)

    def write(self, tmp, name, doc):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            json.dump(doc, f)
        return path

    def test_old_json_against_new_json_on_the_command_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.write_new_run(tmp, wall_s=[0.290, 0.292, 0.294], per_op_ns=[1.75, 1.76, 1.74])
            md = os.path.join(tmp, "compare.md")
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf), self.assertRaises(SystemExit) as exit_:
                cli.main(["--compare", FIXTURE_JSON, tmp, "--compare-out", md])
            self.assertEqual(exit_.exception.code, 0)
            with open(md) as f:
                table = f.read()
        out = buf.getvalue()
        self.assertIn("SLOWER  gcbench / indexed: wall time 0.146 s -> 0.292 s (+99.4%)", out)
        self.assertIn("1 difference(s) larger than run-to-run noise", out)
        self.assertIn("only in A: gcbench/bdw, gcbench/glibc", out)
        self.assertIn("| scope+1 | indexed | ns per op | 1.76 ns | 1.75 ns |", table)

    def test_not_a_result_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = self.write(tmp, "other.json", {"schema": "something/else"})
            with self.assertRaises(BenchError) as err:
                compare.load_results(path)
            self.assertIn(f"is not a Grove benchmark result ({SCHEMA})", str(err.exception))
            with self.assertRaises(BenchError) as err:
                compare.load_results(os.path.join(tmp, "missing.json"))
            self.assertIn("cannot read", str(err.exception))
            stderr = io.StringIO()
            with contextlib.redirect_stderr(stderr), self.assertRaises(SystemExit) as exit_:
                cli.main(["--compare", path, path])
            self.assertEqual(exit_.exception.code, 1)
            self.assertEqual(stderr.getvalue(), f"bench: {path} is not a Grove benchmark result ({SCHEMA})\n")


if __name__ == "__main__":
    unittest.main()
