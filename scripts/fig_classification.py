"""
The same models on images
=========================

The closed-form linear classifier and a small hand-coded network on MNIST: weight images,
confusion matrices and mistakes. Without the MNIST files (and offline) scikit-learn's 8 x 8
digits stand in, written under other file names (``*_digits.png``).

Regenerate with ``python scripts/fig_classification.py [--out DIR] [--data DIR] [--small] [--quiet]`` (a thin
wrapper around :func:`placedecode.figures.classification.make`; the default output is the
repository's ``figures/``, or ``figures-small/`` with ``--small``). The documentation's
gallery runs it with ``--small``.
"""

from placedecode.figures import run_script

if __name__ == "__main__":
    status = run_script("classification")
    if status:  # 0 returns quietly (the gallery runs this file in-process)
        raise SystemExit(status)
