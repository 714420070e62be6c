"""
Learning, epoch by epoch
========================

The tutorial's last figure: its hand-coded network
(:meth:`placedecode.NumpyMLPRegressor.tutorial`: SGD, ReLU output, mini-batches of 1 %)
decoding the first minute of the test set after each training epoch.

Regenerate with ``python scripts/fig_animation.py [--out DIR] [--small] [--quiet]`` (a thin
wrapper around :func:`placedecode.figures.animation.make`; the default output is the
repository's ``figures/``, or ``figures-small/`` with ``--small``). The documentation's
gallery runs it with ``--small``.
"""

from placedecode.figures import run_script

if __name__ == "__main__":
    status = run_script("animation")
    if status:  # 0 returns quietly (the gallery runs this file in-process)
        raise SystemExit(status)
