"""--publish: the run's report and plots into docs/benchmarks.md, between its markers."""

import os
import shutil

from . import ROOT
from .console import say
from .report import report_markdown

BEGIN = "<!-- BEGIN GENERATED: scripts/bench --publish -->"
END = "<!-- END GENERATED -->"
NEW_PAGE = "# Benchmarks\n\nRun `scripts/bench` to reproduce.\n\n" + BEGIN + "\n" + END + "\n"


def splice_generated(text, generated):
    """text with what is between the markers replaced by generated; the
    markers are appended first if text lacks them."""
    if BEGIN not in text or END not in text:
        text = text.rstrip() + "\n\n" + BEGIN + "\n" + END + "\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + BEGIN + "\n" + generated + "\n" + END + tail


def publish(doc, run_dir, docs_dir=os.path.join(ROOT, "docs")):
    plot_dst = os.path.join(docs_dir, "benchmarks")
    os.makedirs(plot_dst, exist_ok=True)
    for name, _ in doc.get("plots", []):
        shutil.copyfile(os.path.join(run_dir, "plots", name), os.path.join(plot_dst, name))
    path = os.path.join(docs_dir, "benchmarks.md")
    text = NEW_PAGE
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
    with open(path, "w") as f:
        f.write(splice_generated(text, report_markdown(doc, plot_prefix="benchmarks/", heading="##")))
    say(f"   published: {os.path.relpath(path, ROOT)} and {os.path.relpath(plot_dst, ROOT)}/")
