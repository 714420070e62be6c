"""Regenerate the "classification" figures: `python scripts/fig_classification.py [--out DIR] [--quiet]`.

Thin wrapper around :func:`placedecode.figures.classification.make`; default output is the
repository's ``figures/``.
"""

import sys

from placedecode.figures import run_script

if __name__ == "__main__":
    sys.exit(run_script("classification"))
