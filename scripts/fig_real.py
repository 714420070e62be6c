"""Regenerate the "real" figures: `python scripts/fig_real.py [--out DIR] [--quiet]`.

Thin wrapper around :func:`placedecode.figures.real.make`; default output is the
repository's ``figures/``. The recordings of Tampuu et al. 2019 are looked for in
``$PLACEDECODE_DATA``, ``~/.cache/placedecode/data``, then ``../shared/data`` beside the
repository (see :func:`placedecode.figures.real.find_data`).
"""

import sys

from placedecode.figures import run_script

if __name__ == "__main__":
    sys.exit(run_script("real"))
