"""The figures in ``figures/``, one module per family, each with ``make(out_dir, progress)``.

==================  =================================================================
``data``            the tutorial's path and place cells; one cell of every type
``linear``          the closed-form decoder: decoded path, weight maps, error by position
``training``        NumPy and torch networks (defaults): curves, paths, errors, weights
``comparison``      decoders x cell types (noiseless / Poisson), error vs number of cells
``animation``       GIF of decoded positions over training epochs (the tutorial's last)
``classification``  MNIST (or 8 x 8 digits): weight images, confusion, mistakes
``real``            real rats (Tampuu et al. 2019): posteriors, decoded paths, windows
==================  =================================================================

A family that reads recorded data (``real``) has ``missing_data()``, which says why its
data cannot be found; :func:`make_figures` skips such a family with a warning when it was
not asked for by name. Every family uses fixed seeds, shows tqdm progress, writes each file atomically and
returns the paths written. Run one with ``python scripts/fig_<name>.py [--out DIR]``, all
with ``placedecode figures`` or :func:`make_figures`. Each module's ``FILES`` maps its file
names to one-line captions.
"""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path

from ._common import default_out_dir

#: Family name -> module (imported on use).
FIGURES = {
    "data": ".data",
    "linear": ".linear",
    "training": ".training",
    "comparison": ".comparison",
    "animation": ".animation",
    "classification": ".classification",
    "real": ".real",
}

__all__ = ["FIGURES", "captions", "default_out_dir", "family", "make_figures", "missing_data", "run_script"]


def family(name: str):
    """The module of figure family ``name`` (it has ``make``, ``FILES`` and ``NAME``)."""
    if name not in FIGURES:
        raise ValueError(f"unknown figure family {name!r}; known: {', '.join(FIGURES)}.")
    return importlib.import_module(FIGURES[name], __name__)


def captions(only=None) -> dict[str, str]:
    """File name -> caption of every figure (of the families in ``only``)."""
    names = list(FIGURES) if only is None else list(only)
    return {file: caption for name in names for file, caption in family(name).FILES.items()}


def make_figures(out_dir=None, only=None, progress: bool = True) -> list[Path]:
    """Make the figures of every family (or of those named in ``only``).

    Parameters
    ----------
    out_dir : str or Path, optional
        Output folder (default: the repository's ``figures/`` in a source checkout,
        else ``./figures``).
    only : sequence of str, optional
        Family names (keys of :data:`FIGURES`).
    progress : bool, default=True
        tqdm progress bars.

    Returns
    -------
    list of Path
        Every file written. With ``only=None``, a family whose data cannot be found (see
        :func:`missing_data`) is skipped with a warning; one named in ``only`` raises.
    """
    names = list(FIGURES) if only is None else list(only)
    modules = [family(name) for name in names]  # fail on a bad name before any work
    written = []
    for module in modules:
        reason = missing_data(module)
        if reason and only is None:
            warnings.warn(f"skipped the {module.NAME!r} figures: {reason}", stacklevel=2)
            continue
        written.extend(module.make(out_dir, progress=progress))
    return written


def missing_data(module) -> str | None:
    """Why figure family ``module`` (a module or a name) cannot find its data, or None."""
    if isinstance(module, str):
        module = family(module)
    check = getattr(module, "missing_data", None)
    return check() if check is not None else None


def run_script(name: str, argv=None) -> int:
    """Command line of ``scripts/fig_<name>.py``: ``[--out DIR] [--quiet]``; returns 0.

    Makes family ``name`` (default output: :func:`default_out_dir`), prints each file
    written and the time taken.
    """
    import argparse
    import os
    import sys
    import time

    os.environ.setdefault("MPLBACKEND", "Agg")
    module = family(name)
    parser = argparse.ArgumentParser(prog=f"fig_{name}.py",
                                     description=(module.__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--out", default=None, help=f"output folder (default: {default_out_dir()})")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    paths = module.make(args.out, progress=not args.quiet)
    for path in paths:
        print(path)
    print(f"{len(paths)} file(s) in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return 0
