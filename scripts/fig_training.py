"""
Training the networks
=====================

The hand-coded NumPy network (:class:`placedecode.NumpyMLPRegressor`) and the deep torch
network (:class:`placedecode.TorchMLPRegressor`) with their default settings: training curves
against the linear decoders, decoded paths, error over time and by position, and what the
first hidden layer learned.

Regenerate with ``python scripts/fig_training.py [--out DIR] [--small] [--quiet]`` (a thin
wrapper around :func:`placedecode.figures.training.make`; the default output is the
repository's ``figures/``, or ``figures-small/`` with ``--small``). The documentation's
gallery runs it with ``--small``.
"""

from placedecode.figures import run_script

if __name__ == "__main__":
    status = run_script("training")
    if status:  # 0 returns quietly (the gallery runs this file in-process)
        raise SystemExit(status)
