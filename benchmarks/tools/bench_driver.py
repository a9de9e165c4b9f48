#!/usr/bin/env python3
"""Entry point of scripts/bench: the driver is the grove_bench package next to this file."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from grove_bench.cli import main  # noqa: E402  (needs the path above)

if __name__ == "__main__":
    main()
