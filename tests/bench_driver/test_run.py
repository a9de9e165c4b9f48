"""Running: output checks, and disturbed runs detected and repeated, with
stand-in benchmark executables (shell scripts)."""

import contextlib
import io
import os
import stat
import tempfile
import unittest

import bench_fixtures  # noqa: F401  (puts grove_bench on the path)
from grove_bench import catalogue, run, stats
from grove_bench.catalogue import BY_ID, Benchmark
from grove_bench.console import BenchError

RESULT_LINE = '{"ok": true, "wall_s": 0.2, "peak_rss_kb": 1000}'


class ParseOutput(unittest.TestCase):
    job = run.Job(BY_ID["gcbench"], "indexed", (), 1)
    trees = run.Job(BY_ID["binary-trees"], "indexed", ("6",), 1)

    def test_result_line(self):
        result, err = run.parse_output(self.job, 0, "noise\n" + RESULT_LINE + "\n", "")
        self.assertIsNone(err)
        self.assertEqual(result["wall_s"], 0.2)

    def test_failures_say_why(self):
        _, err = run.parse_output(self.job, 1, "", "FAILED gcbench: wrong node count\n")
        self.assertEqual(err, "exit status 1: FAILED gcbench: wrong node count")
        _, err = run.parse_output(self.job, 0, "not json\n", "")
        self.assertEqual(err, "no JSON result line; last line: not json")
        _, err = run.parse_output(self.job, 0, '{"ok": false}\n', "")
        self.assertEqual(err, "result line without ok:true")

    def test_the_ocaml_peer_is_checked_like_the_c_peers(self):
        ocaml = run.Job(BY_ID["binary-trees"], "ocaml", ("6",), 1)
        good = "\n".join(run.expected_binary_trees(6) + [RESULT_LINE])
        self.assertIsNone(run.parse_output(ocaml, 0, good, "")[1])
        bad = good.replace("16\t trees of depth 6\t check: 2032", "16\t trees of depth 6\t check: 2031")
        self.assertNotEqual(bad, good)
        self.assertEqual(run.parse_output(ocaml, 0, bad, "")[1],
                         "binary-trees output differs from the expected check sums")

    def test_binary_trees_check_sums(self):
        good = "\n".join(run.expected_binary_trees(6) + [RESULT_LINE])
        self.assertIsNone(run.parse_output(self.trees, 0, good, "")[1])
        self.assertEqual(run.expected_binary_trees(6)[0], "stretch tree of depth 7\t check: 255")
        bad = good.replace("check: 255", "check: 254")
        self.assertEqual(run.parse_output(self.trees, 0, bad, "")[1],
                         "binary-trees output differs from the expected check sums")


    def test_incremental_binary_trees_is_checked_too(self):
        trees = run.Job(BY_ID["binary-trees-inc"], "intrusive", ("6",), 1)
        good = "\n".join(run.expected_binary_trees(6) + [RESULT_LINE])
        self.assertIsNone(run.parse_output(trees, 0, good, "")[1])
        self.assertEqual(run.parse_output(trees, 0, good.replace("check: 255", "check: 254"), "")[1],
                         "binary-trees output differs from the expected check sums")


class StandIn(unittest.TestCase):
    """A benchmark whose executable is a shell script in a temporary build tree."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.build_dir = self.tmp.name
        os.makedirs(os.path.join(self.build_dir, "benchmarks"))
        self.calls = os.path.join(self.build_dir, "calls")
        self.bench = Benchmark("gcbench", "standin", ("indexed",), "macro", "wall_s", (), (), "stand-in")

    def tearDown(self):
        self.tmp.cleanup()

    def executable(self, body):
        path = self.bench.executable(self.build_dir, "indexed")
        with open(path, "w") as f:
            f.write(f"#!/bin/sh\necho x >> '{self.calls}'\n{body}\n")
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)

    def call_count(self):
        with open(self.calls) as f:
            return len(f.readlines())

    def run_all(self, reps=1):
        """(results, failures, console output) of running the stand-in reps times."""
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            results, failures = run.run_all(self.build_dir, [run.Job(self.bench, "indexed", (), reps)], nice=0)
        return results, failures, out.getvalue()

    def test_a_run_that_waits_off_cpu_is_disturbed_and_repeated(self):
        # Sleeping, the process gets almost none of a core: exactly what a
        # run descheduled in favour of other processes looks like.
        self.executable(f"sleep 0.3\necho '{RESULT_LINE}'")
        results, failures, out = self.run_all()
        self.assertEqual(failures, [])
        self.assertEqual(self.call_count(), 1 + stats.DISTURB_RETRIES)
        runs = results[("gcbench", "indexed")]["runs"]
        self.assertEqual(len(runs), 1)
        self.assertTrue(runs[0]["disturbed"])
        self.assertLess(runs[0]["cpu_share"], stats.DISTURBED_CPU_SHARE)
        self.assertIn("[machine busy: figure suspect]", out)
        self.assertIn(f"{stats.DISTURB_RETRIES} run(s) repeated because other processes were using the CPU", out)

    def test_failed_runs_are_recorded_with_their_message(self):
        self.executable("echo 'FAILED gcbench: wrong node count' >&2\nexit 1")
        results, failures, out = self.run_all(2)
        self.assertEqual(results, {})
        self.assertEqual([(f["run"], f["error"]) for f in failures],
                         [(1, "exit status 1: FAILED gcbench: wrong node count"),
                          (2, "exit status 1: FAILED gcbench: wrong node count")])
        self.assertIn("FAILED: exit status 1: FAILED gcbench: wrong node count", out)

    def test_ocaml_and_grove_settings_are_not_inherited(self):
        self.executable('echo "{\\"ok\\": true, \\"wall_s\\": 0.2, '
                        '\\"env\\": \\"$OCAMLRUNPARAM$CAMLRUNPARAM$GROVE_DEBUG\\"}"')
        saved = {k: os.environ.get(k) for k in ("OCAMLRUNPARAM", "CAMLRUNPARAM", "GROVE_DEBUG")}
        os.environ.update(OCAMLRUNPARAM="s=4M", CAMLRUNPARAM="o=200", GROVE_DEBUG="verify")
        try:
            results, failures, _ = self.run_all()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k)
                else:
                    os.environ[k] = v
        self.assertEqual(failures, [])
        self.assertEqual(results[("gcbench", "indexed")]["runs"][0]["env"], "")

    def test_an_incremental_row_runs_with_its_options(self):
        self.bench = Benchmark("churn-inc", "standin", ("indexed",), "macro", "wall_s", (), (), "stand-in",
                               catalogue.INCREMENTAL)
        self.executable('echo "{\\"ok\\": true, \\"wall_s\\": 0.2, \\"env\\": \\"$GROVE_OPTIONS\\"}"')
        results, failures, _ = self.run_all()
        self.assertEqual(failures, [])
        self.assertEqual(results[("churn-inc", "indexed")]["runs"][0]["env"], "incremental=on")

    def test_pause_samples_are_pooled_across_runs(self):
        self.executable('printf \'{"minor": [5, 7]}\' > "$GROVE_BENCH_PAUSES"\n'
                        f"echo '{RESULT_LINE}'")
        results, _, _ = self.run_all(2)
        self.assertEqual(results[("gcbench", "indexed")]["pauses"], {"minor": [5, 7, 5, 7]})


class Plan(unittest.TestCase):
    def build_tree(self, build_dir, stems_variants):
        os.makedirs(os.path.join(build_dir, "benchmarks"))
        for stem, variant in stems_variants:
            open(os.path.join(build_dir, "benchmarks", f"bench_{stem}_{variant}"), "w").close()

    def test_missing_executable_is_an_error_but_a_missing_optional_peer_is_not(self):
        with tempfile.TemporaryDirectory() as build_dir:
            self.build_tree(build_dir, [("memcpy", "glibc")] + [
                (stem, v) for stem in ("gcbench", "binary_trees")
                for v in ("indexed", "intrusive", "glibc", "jemalloc")])
            jobs = run.plan(build_dir, quick=True, only=["^gcbench$"], reps_override=None)
            self.assertEqual([(j.bench.id, j.variant) for j in jobs],
                             [("memcpy", "glibc"), ("gcbench", "indexed"), ("gcbench", "intrusive"),
                              ("gcbench", "glibc"), ("gcbench", "jemalloc")])
            self.assertEqual({j.reps for j in jobs}, {3})
            # Neither BDW GC nor OCaml installed: their rows are left out.
            jobs = run.plan(build_dir, quick=True, only=["^binary-trees$"], reps_override=None)
            self.assertEqual([j.variant for j in jobs if j.bench.id == "binary-trees"],
                             ["indexed", "intrusive", "glibc", "jemalloc"])
            with self.assertRaises(BenchError) as err:
                run.plan(build_dir, quick=True, only=["^churn$"], reps_override=None)
            self.assertIn("missing executable", str(err.exception))
            self.assertIn("bench_churn_indexed", str(err.exception))

    def test_the_ocaml_peer_runs_with_binary_trees_when_built(self):
        with tempfile.TemporaryDirectory() as build_dir:
            self.build_tree(build_dir, [("memcpy", "glibc")] + [
                ("binary_trees", v) for v in ("indexed", "intrusive", "glibc", "jemalloc", "ocaml")])
            jobs = run.plan(build_dir, quick=False, only=["^binary-trees$"], reps_override=None)
            ocaml = [j for j in jobs if j.variant == "ocaml"]
            self.assertEqual([(j.bench.id, j.args, j.reps) for j in ocaml], [("binary-trees", ("21",), 3)])

    def test_memcpy_bandwidth_is_measured_whenever_a_grove_benchmark_runs(self):
        with tempfile.TemporaryDirectory() as build_dir:
            self.build_tree(build_dir, [("churn", "indexed"), ("churn", "intrusive")])
            with self.assertRaises(BenchError) as err:
                run.plan(build_dir, quick=True, only=["^churn$"], reps_override=None)
            self.assertIn("bench_memcpy_glibc", str(err.exception))
        self.assertEqual([b.id for b in catalogue.select(["^memcpy$"])], ["memcpy"])
        self.assertEqual([b.id for b in catalogue.select(["^churn$", "memcpy"])], ["memcpy", "churn"])
        self.assertEqual([b.id for b in catalogue.select([])].count("memcpy"), 1)


if __name__ == "__main__":
    unittest.main()
