"""Regenerate the "data" figures: `python scripts/fig_data.py [--out DIR] [--quiet]`.

Thin wrapper around :func:`placedecode.figures.data.make`; default output is the
repository's ``figures/``.
"""

import sys

from placedecode.figures import run_script

if __name__ == "__main__":
    sys.exit(run_script("data"))
