"""The fast-path count: paths through an objdump listing."""

import unittest

import bench_fixtures  # noqa: F401  (puts grove_bench on the path)
from grove_bench import probe

LISTING = """
0000000000001120 <other>:
    1120:\tret

0000000000001130 <probe_alloc>:
    1130:\tmov    0x10(%rdi),%rax
    1134:\tlea    0x20(%rax),%rdx
    1138:\tcmp    0x18(%rdi),%rdx
    113c:\tja     1148 <probe_alloc+0x18>
    113e:\tmov    %rdx,0x10(%rdi)
    1142:\tmovq   $0x1,(%rax)
    1146:\tje     1130 <probe_alloc>
    1147:\tret
    1148:\tjmp    1000 <grove__alloc_slow>

0000000000001150 <probe_calls>:
    1150:\tmov    %rdi,%rax
    1153:\tcall   2000 <grove_slow@plt>
    1158:\tret
"""


def paths_of(func):
    insns = probe.parse_disassembly(LISTING, func)
    return insns, probe.analyze_paths(func, insns)


class Paths(unittest.TestCase):
    def test_listing_is_cut_at_the_function(self):
        insns, _ = paths_of("probe_alloc")
        self.assertEqual([i[1] for i in insns], ["mov", "lea", "cmp", "ja", "mov", "movq", "je", "ret", "jmp"])
        self.assertEqual(insns[3][:3], (0x113c, "ja", "1148 <probe_alloc+0x18>"))

    def test_exits_ret_and_tail_call_without_looping(self):
        _, paths = paths_of("probe_alloc")
        exits = sorted((p["exit"], p["instructions"], tuple(p["calls"])) for p in paths)
        # The backward je is not followed again: each path is acyclic.
        self.assertEqual(exits, [("ret", 7, ()), ("tail", 5, ("grove__alloc_slow",))])

    def test_hot_path_is_the_longest_call_free_one(self):
        insns, paths = paths_of("probe_alloc")
        entry = probe.summarize_probe("allocation", insns, paths)
        self.assertEqual((entry["hot_path"], entry["shortest"], entry["calls"], entry["call_free"]),
                         (7, 7, [], True))
        self.assertEqual(entry["hot_trail"][-1], "1147:\tret")

    def test_when_every_path_calls_the_fewest_calls_win(self):
        insns, paths = paths_of("probe_calls")
        entry = probe.summarize_probe("calls", insns, paths)
        self.assertEqual((entry["hot_path"], entry["calls"], entry["call_free"]), (2, ["grove_slow"], False))

    def test_console_line(self):
        insns, paths = paths_of("probe_alloc")
        per = {"probe_alloc": probe.summarize_probe("a", insns, paths),
               "probe_calls": probe.summarize_probe("c", *paths_of("probe_calls"))}
        self.assertEqual(probe.probe_summary_line("indexed", per), "   indexed: alloc 7, calls 2+call")


if __name__ == "__main__":
    unittest.main()
