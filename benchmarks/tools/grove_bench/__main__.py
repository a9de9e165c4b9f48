"""python3 -m grove_bench: the same as scripts/bench without its package checks."""

from .cli import main

main()
