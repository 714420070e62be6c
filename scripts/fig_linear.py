"""
Closed-form linear decoding
===========================

The tutorial's first decoder, ``W = Y Xᵀ (X Xᵀ)⁻¹`` (:class:`placedecode.LinearRegressor`), with
and without a bias: the decoded path over the first minute of the test set, each place cell's
weight to x and to y drawn at its field centre, and the error by position.

Regenerate with ``python scripts/fig_linear.py [--out DIR] [--small] [--quiet]`` (a thin
wrapper around :func:`placedecode.figures.linear.make`; the default output is the
repository's ``figures/``, or ``figures-small/`` with ``--small``). The documentation's
gallery runs it with ``--small``.
"""

from placedecode.figures import run_script

if __name__ == "__main__":
    status = run_script("linear")
    if status:  # 0 returns quietly (the gallery runs this file in-process)
        raise SystemExit(status)
