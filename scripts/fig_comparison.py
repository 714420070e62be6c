"""
Which decoder reads which code
==============================

Sweeps of :func:`placedecode.experiments.compare`: four decoders on 25 cells of each type,
noiseless and as Poisson spike counts, and the error against the number of cells. The
dashed lines are the chance level (predicting the training mean).

Regenerate with ``python scripts/fig_comparison.py [--out DIR] [--small] [--quiet]`` (a thin
wrapper around :func:`placedecode.figures.comparison.make`; the default output is the
repository's ``figures/``, or ``figures-small/`` with ``--small``). The documentation's
gallery runs it with ``--small``.
"""

from placedecode.figures import run_script

if __name__ == "__main__":
    status = run_script("comparison")
    if status:  # 0 returns quietly (the gallery runs this file in-process)
        raise SystemExit(status)
