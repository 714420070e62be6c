"""
What the decoders see
=====================

The tutorial's recording: a RatInABox rat foraging for 10 minutes in a 1 m box (dt 0.1 s) and
its 25 place cells (0.15 m wide, on a 5 x 5 grid), then one cell of every registered type
recorded along a second path: place, grid, boundary-vector, object-vector, random-spatial,
head-direction, velocity and speed cells.

Regenerate with ``python scripts/fig_data.py [--out DIR] [--small] [--quiet]`` (a thin
wrapper around :func:`placedecode.figures.data.make`; the default output is the
repository's ``figures/``, or ``figures-small/`` with ``--small``). The documentation's
gallery runs it with ``--small``.
"""

from placedecode.figures import run_script

if __name__ == "__main__":
    status = run_script("data")
    if status:  # 0 returns quietly (the gallery runs this file in-process)
        raise SystemExit(status)
