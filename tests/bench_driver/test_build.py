"""The native OCaml peer's build: its compiler command line, and flambda
detected from `ocamlopt -config`."""

import os
import unittest

import bench_fixtures  # noqa: F401  (puts grove_bench on the path)
from grove_bench import build
from grove_bench.machine import flambda_in_config

CONFIG = "version: 4.13.1\nstandard_library: /usr/lib/ocaml\nflambda: {}\nsafe_string: true\n"


class OcamlBuild(unittest.TestCase):
    def test_flambda_from_the_config(self):
        self.assertFalse(flambda_in_config(CONFIG.format("false")))
        self.assertTrue(flambda_in_config(CONFIG.format("true")))
        self.assertFalse(flambda_in_config("version: 4.13.1\n"))

    def test_O3_only_with_flambda(self):
        plain = build.ocaml_command("/usr/bin/ocamlopt", False, "/b/bench_binary_trees_ocaml")
        self.assertNotIn("-O3", plain)
        self.assertEqual(plain[0], "/usr/bin/ocamlopt")
        self.assertEqual(plain[-3:], ["binary_trees.ml", "-o", "/b/bench_binary_trees_ocaml"])
        flambda = build.ocaml_command("/usr/bin/ocamlopt", True, "/b/bench_binary_trees_ocaml")
        self.assertEqual(flambda[:2], ["/usr/bin/ocamlopt", "-O3"])
        self.assertEqual(flambda[2:], plain[1:])

    def test_links_the_c_peers_clock_and_rss(self):
        cmd = build.ocaml_command("ocamlopt", False, "exe")
        for source in ("peers/binary_trees_stubs.c", "common/bench.c"):
            path = os.path.join(build.BENCH_SRC, source)
            self.assertIn(path, cmd)
            self.assertTrue(os.path.exists(path), path)
        self.assertIn("-I" + os.path.join(build.BENCH_SRC, "common"), cmd)
        self.assertTrue(os.path.exists(os.path.join(build.BENCH_SRC, build.OCAML_SOURCE)))


if __name__ == "__main__":
    unittest.main()
