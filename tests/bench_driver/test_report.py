"""The outputs keep the old driver's format: from the saved run, the
console table, summary.csv, report.md and the published page come out as
the old driver wrote them."""

import os
import tempfile
import unittest

from bench_fixtures import fixture_doc, fixture_text, stdout_of
from grove_bench import publish, report


class SavedRun(unittest.TestCase):
    def test_console_table(self):
        self.assertEqual(stdout_of(report.print_table, fixture_doc()["summary"]), fixture_text("table.txt"))

    def test_report_markdown(self):
        self.assertEqual(report.report_markdown(fixture_doc()), fixture_text("report.md"))

    def test_summary_csv(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "summary.csv")
            report.write_csv(path, fixture_doc()["summary"])
            with open(path, newline="") as f:
                written = f.read()
        with open(os.path.join(os.path.dirname(__file__), "fixtures", "summary.csv"), newline="") as f:
            self.assertEqual(written, f.read())


class TableCells(unittest.TestCase):
    def row(self, **changes):
        row = next(r for r in fixture_doc()["summary"] if r["bench"] == "gcbench" and r["variant"] == "intrusive")
        row.update(changes)
        return row

    def test_busy_runs_are_marked(self):
        self.assertEqual(report.table_row(self.row(disturbed_runs=2))[4], "3 (2 busy)")
        self.assertEqual(report.table_row(self.row(disturbed_runs=0))[4], "3")

    def test_micro_benchmarks_show_no_gc_columns(self):
        cells = report.table_row(self.row(kind="micro", bench="scope+1"))
        self.assertEqual(cells[6:10], ["-", "-", "-", "-"])
        cells = report.table_row(self.row(kind="micro", bench="recursion"))
        self.assertEqual(cells[6:8], ["121", "5"])


class Toolchain(unittest.TestCase):
    def toolchain_line(self, **machine):
        doc = fixture_doc()
        doc["machine"].update(machine)
        return next(line for line in report.report_markdown(doc).splitlines() if line.startswith("- Toolchain:"))

    def test_the_ocaml_compiler_and_whether_it_has_flambda(self):
        self.assertTrue(self.toolchain_line(ocaml="4.13.1", ocaml_flambda=False)
                        .endswith("BDW GC 8.2.2, OCaml 4.13.1 (ocamlopt, no flambda)"))
        self.assertTrue(self.toolchain_line(ocaml="5.1.0", ocaml_flambda=True)
                        .endswith(", OCaml 5.1.0 (ocamlopt -O3, flambda)"))
        self.assertTrue(self.toolchain_line(ocaml="", ocaml_flambda=None).endswith(", OCaml not installed"))
        # A run saved before OCaml was recorded says nothing of it.
        self.assertTrue(self.toolchain_line().endswith("BDW GC 8.2.2"))


class Publish(unittest.TestCase):
    def test_splice_replaces_only_the_generated_part(self):
        text = f"# B\n\nintro\n\n{publish.BEGIN}\nold table\n{publish.END}\n\nafter\n"
        self.assertEqual(publish.splice_generated(text, "new table"),
                         f"# B\n\nintro\n\n{publish.BEGIN}\nnew table\n{publish.END}\n\nafter\n")

    def test_splice_adds_the_markers_when_missing(self):
        self.assertEqual(publish.splice_generated("# B\n\nintro\n\n", "T"),
                         f"# B\n\nintro\n\n{publish.BEGIN}\nT\n{publish.END}\n")

    def test_publish_writes_the_docs_variant_of_the_report(self):
        doc = fixture_doc()
        with tempfile.TemporaryDirectory() as tmp:
            run_dir, docs = os.path.join(tmp, "run"), os.path.join(tmp, "docs")
            os.makedirs(os.path.join(run_dir, "plots"))
            for name, _ in doc["plots"]:
                with open(os.path.join(run_dir, "plots", name), "w") as f:
                    f.write("<svg/>")
            stdout_of(publish.publish, doc, run_dir, docs)
            with open(os.path.join(docs, "benchmarks.md")) as f:
                page = f.read()
            self.assertEqual(sorted(os.listdir(os.path.join(docs, "benchmarks"))),
                             sorted(name for name, _ in doc["plots"]))
        self.assertTrue(page.startswith("# Benchmarks\n\nRun `scripts/bench` to reproduce.\n\n" + publish.BEGIN))
        self.assertIn("\n## Grove benchmark report (quick run)\n", page)
        self.assertIn("\n### Targets\n", page)
        self.assertIn("](benchmarks/wall.svg)", page)
        self.assertTrue(page.endswith("\n" + publish.END + "\n"))


if __name__ == "__main__":
    unittest.main()
