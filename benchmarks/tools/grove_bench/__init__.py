"""Grove's benchmark driver, behind scripts/bench: build, run, summarise,
compare, plot, publish.

One job per module: catalogue (what runs), build, probe (fast-path
instruction counts), run (running, disturbed runs, retries), machine,
summary, stats (the pure statistics), targets, formatting, report, plot,
compare, publish, and cli (the command line). Python 3 standard library
only; plots are drawn by gnuplot.
"""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SCHEMA = "grove-bench/1"
