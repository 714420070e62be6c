"""
Decoding a real rat
===================

Hippocampal recordings of Tampuu et al. (2019): the Bayesian decoder's posterior over the
arena, decoded against true paths, and the error against the window of 200-ms bins. The
data are not shipped: point to them with ``--data DIR`` or ``$PLACEDECODE_DATA``; without
them this example is skipped with a note.

Regenerate with ``python scripts/fig_real.py [--out DIR] [--data DIR] [--small] [--quiet]`` (a thin
wrapper around :func:`placedecode.figures.real.make`; the default output is the
repository's ``figures/``, or ``figures-small/`` with ``--small``). The documentation's
gallery runs it with ``--small``.
"""

from placedecode.figures import run_script

if __name__ == "__main__":
    status = run_script("real")
    if status:  # 0 returns quietly (the gallery runs this file in-process)
        raise SystemExit(status)
