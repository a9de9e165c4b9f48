"""The report's target evaluation: hits, misses, and n/a when a peer is missing."""

import unittest

from bench_fixtures import bdw_run, fixture_doc, grove_run, micro_run
from grove_bench.summary import summarize
from grove_bench.targets import evaluate_targets


def by_name(targets):
    return {t["name"]: t for t in targets}


def gcbench(indexed_s, intrusive_s, bdw_s=None, minor_p99_ns=3_000_000):
    results = {("gcbench", "indexed"): {"runs": [grove_run(s, minor_p99_ns) for s in indexed_s], "pauses": {}},
               ("gcbench", "intrusive"): {"runs": [grove_run(s, minor_p99_ns) for s in intrusive_s],
                                          "pauses": {}}}
    if bdw_s:
        results[("gcbench", "bdw")] = {"runs": [bdw_run(s) for s in bdw_s], "pauses": {}}
    return summarize(results)


class GcbenchAgainstBdw(unittest.TestCase):
    def test_hit_and_miss(self):
        t = by_name(evaluate_targets(gcbench([0.14, 0.15, 0.16], [0.10, 0.11, 0.12], [0.27, 0.28, 0.29]), {}))
        miss = t["gcbench wall time, indexed"]
        self.assertEqual(miss["verdict"], "miss")
        self.assertEqual(miss["measured"], "0.54x BDW (0.150 s vs 0.280 s)")
        hit = t["gcbench wall time, intrusive"]
        self.assertEqual(hit["verdict"], "hit")
        self.assertEqual(hit["measured"], "0.39x BDW (0.110 s vs 0.280 s)")
        self.assertEqual(t["gcbench peak RSS, indexed"]["verdict"], "hit")

    def test_exactly_half_is_a_hit(self):
        t = by_name(evaluate_targets(gcbench([0.125], [0.2], [0.25]), {}))
        self.assertEqual(t["gcbench wall time, indexed"]["verdict"], "hit")
        self.assertEqual(t["gcbench wall time, intrusive"]["verdict"], "miss")

    def test_missing_peer_is_not_applicable_never_a_hit(self):
        t = by_name(evaluate_targets(gcbench([0.01], [0.01]), {}))
        self.assertEqual(t["gcbench wall time, indexed"]["verdict"], "n/a")
        self.assertEqual(t["gcbench wall time, indexed"]["measured"], "BDW GC not measured")
        self.assertNotIn("gcbench peak RSS, indexed", t)


class Pauses(unittest.TestCase):
    def test_minor_pause_p99_under_one_ms(self):
        t = by_name(evaluate_targets(gcbench([0.1], [0.1], minor_p99_ns=900_000), {}))
        self.assertEqual(t["gcbench minor GC pause p99, indexed"]["verdict"], "hit")
        t = by_name(evaluate_targets(gcbench([0.1], [0.1], minor_p99_ns=1_000_000), {}))
        self.assertEqual(t["gcbench minor GC pause p99, indexed"]["verdict"], "miss")
        self.assertEqual(t["gcbench minor GC pause p99, indexed"]["measured"], "1.000 ms (max 1.000 ms)")

    def test_pooled_samples_decide_over_per_run_figures(self):
        results = {("gcbench", "indexed"): {"runs": [grove_run(0.1, minor_p99_ns=5_000_000)],
                                            "pauses": {"minor": [100_000] * 99 + [20_000_000]}}}
        t = by_name(evaluate_targets(summarize(results), {}))
        self.assertEqual(t["gcbench minor GC pause p99, indexed"]["measured"], "0.100 ms (max 20.000 ms)")
        self.assertEqual(t["gcbench minor GC pause p99, indexed"]["verdict"], "hit")


class RootingMicro(unittest.TestCase):
    def test_limits_differ_per_backend(self):
        rows = summarize({("scope+1", "indexed"): {"runs": [micro_run(1.9)], "pauses": {}},
                          ("scope+1", "intrusive"): {"runs": [micro_run(1.1)], "pauses": {}}})
        t = by_name(evaluate_targets(rows, {}))
        self.assertEqual(t["scope enter + 1 local + exit, indexed"]["verdict"], "hit")
        self.assertEqual(t["scope enter + 1 local + exit, intrusive"]["verdict"], "miss")
        self.assertIn("the empty loop takes 0.30 ns", t["scope enter + 1 local + exit, indexed"]["note"])


class FastPaths(unittest.TestCase):
    def probe(self, hot_path, shortest, calls):
        return {"hot_path": hot_path, "shortest": shortest, "calls": calls, "call_free": not calls}

    def test_instruction_limits_and_calls(self):
        probes = {"indexed": {"probe_alloc": self.probe(8, 8, []), "probe_barrier": self.probe(11, 5, [])},
                  "intrusive": {"probe_alloc": self.probe(6, 6, ["grove_alloc_slow"])}}
        t = by_name(evaluate_targets([], probes))
        self.assertEqual(t["allocation fast path, indexed"]["verdict"], "hit")
        self.assertEqual(t["write barrier fast path, indexed"]["verdict"], "miss")
        self.assertEqual(t["write barrier fast path, indexed"]["measured"],
                         "11 instructions (shortest exit 5), no calls")
        self.assertEqual(t["allocation fast path, intrusive"]["verdict"], "miss")
        self.assertEqual(t["allocation fast path, intrusive"]["measured"], "6 instructions, calls grove_alloc_slow")
        self.assertNotIn("write barrier fast path, intrusive", t)


class SavedRun(unittest.TestCase):
    def test_same_targets_as_the_old_driver(self):
        doc = fixture_doc()
        self.assertEqual(evaluate_targets(doc["summary"], doc["probes"]), doc["targets"])
        verdicts = {t["verdict"] for t in doc["targets"]}
        self.assertEqual(verdicts, {"hit", "miss", "n/a"})


if __name__ == "__main__":
    unittest.main()
