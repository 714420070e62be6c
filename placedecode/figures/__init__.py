"""The figures in ``figures/``, one module per family, each with ``make(out_dir, progress, small=False)``.

==================  =================================================================
``data``            the tutorial's path and place cells; one cell of every type
``linear``          the closed-form decoder: decoded path, weight maps, error by position
``training``        NumPy and torch networks (defaults): curves, paths, errors, weights
``comparison``      decoders x cell types (noiseless / Poisson), error vs number of cells
``animation``       GIF of decoded positions over training epochs (the tutorial's last)
``classification``  MNIST (offline: 8 x 8 digits, other file names): weights, confusion
``real``            real rats (Tampuu et al. 2019): posteriors, decoded paths, windows
==================  =================================================================

A family that reads recorded data (``real``) has ``missing_data(data_dir)``, which says why
its data cannot be found; :func:`make_figures` skips such a family with a warning when it
was not asked for by name. A family whose data has a stand-in (``classification``) writes
the stand-in's figures under other file names, so a figure made from the real data is
never overwritten by one made from other data. Families that read data take
``data_dir=``. Every family uses fixed seeds, shows tqdm progress, writes each file
atomically and returns the paths written; ``small=True`` makes quick versions (into
``figures-small/`` unless told otherwise). Run one with ``python scripts/fig_<name>.py
[--out DIR] [--small]``, all with ``placedecode figures`` or :func:`make_figures`. Each
module's ``FILES`` maps its file names to one-line captions.
"""

from __future__ import annotations

import importlib
import inspect
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


def captions(only=None, fallback: bool = False) -> dict[str, str]:
    """File name -> caption of every figure (of the families in ``only``).

    With ``fallback=True`` also the figures a family draws from stand-in data when its own
    are missing (its ``FALLBACK_FILES``: classification on the 8 x 8 digits).
    """
    names = list(FIGURES) if only is None else list(only)
    out = {}
    for name in names:
        module = family(name)
        out.update(module.FILES)
        if fallback:
            out.update(getattr(module, "FALLBACK_FILES", {}))
    return out


def _takes(module, name: str) -> bool:
    return name in inspect.signature(module.make).parameters


def make_figures(out_dir=None, only=None, progress: bool = True, data_dir=None, small: bool = False) -> list[Path]:
    """Make the figures of every family (or of those named in ``only``).

    Parameters
    ----------
    out_dir : str or Path, optional
        Output folder (default: the repository's ``figures/`` in a source checkout,
        else ``./figures``; ``figures-small/`` beside it with ``small=True``).
    only : sequence of str, optional
        Family names (keys of :data:`FIGURES`).
    progress : bool, default=True
        tqdm progress bars.
    data_dir : str or Path, optional
        Folder of recorded data (MNIST, the real rats; a folder holding the datasets'
        folders, such as ``shared/data``), given to the families that read data. Default:
        where each loader looks (``$PLACEDECODE_DATA``, ``~/.cache/placedecode/data``).
    small : bool, default=False
        Quick versions from less data and fewer fits (the documentation's gallery).

    Returns
    -------
    list of Path
        Every file written. With ``only=None``, a family whose data cannot be found (see
        :func:`missing_data`) is skipped with a warning; one named in ``only`` raises.
        A family that falls back to other data (classification: 8 x 8 digits when MNIST
        is missing) writes the fallback under other file names and warns.
    """
    names = list(FIGURES) if only is None else list(only)
    modules = [family(name) for name in names]  # fail on a bad name before any work
    written = []
    for module in modules:
        reason = missing_data(module, data_dir)
        if reason and only is None:
            warnings.warn(f"skipped the {module.NAME!r} figures: {reason}", stacklevel=2)
            continue
        kwargs = {"data_dir": data_dir} if _takes(module, "data_dir") else {}
        written.extend(module.make(out_dir, progress=progress, small=small, **kwargs))
    return written


def missing_data(module, data_dir=None) -> str | None:
    """Why figure family ``module`` (a module or a name) cannot find its data, or None."""
    if isinstance(module, str):
        module = family(module)
    check = getattr(module, "missing_data", None)
    return check(data_dir) if check is not None else None


def run_script(name: str, argv=None) -> int:
    """Command line of ``scripts/fig_<name>.py``; returns the exit status.

    ``[--out DIR] [--data DIR] [--small] [--skip-missing] [--quiet]``: makes family
    ``name`` (default output: :func:`default_out_dir`), prints each file written and the
    time taken. ``--data`` is offered by the families that read recorded data. When those
    data are missing the script stops with the reason (exit status 2), or, with
    ``--skip-missing``, prints the reason and writes nothing (status 0): the
    documentation's gallery runs every script that way.
    """
    import argparse
    import os
    import sys
    import time

    os.environ.setdefault("MPLBACKEND", "Agg")
    module = family(name)
    reads_data = _takes(module, "data_dir")
    parser = argparse.ArgumentParser(prog=f"fig_{name}.py",
                                     description=(module.__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--out", default=None, help=f"output folder (default: {default_out_dir()}; "
                        f"with --small: {default_out_dir(small=True)})")
    if reads_data:
        parser.add_argument("--data", default=None, metavar="DIR",
                            help="folder of the recorded data or a parent of it (default: $PLACEDECODE_DATA, "
                            "~/.cache/placedecode/data)")
    parser.add_argument("--small", action="store_true", help="quick version: less data, fewer fits")
    parser.add_argument("--skip-missing", action="store_true",
                        help="if the data are missing, say so and exit 0 instead of failing")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    kwargs = {"data_dir": args.data} if reads_data else {}
    reason = missing_data(module, args.data if reads_data else None)
    if reason:
        print(f"fig_{name}.py: {'skipped' if args.skip_missing else 'error'}: {reason}", file=sys.stderr)
        if args.skip_missing:
            print(f"The {name!r} figures were not made: their data are not on this machine.")
        return 0 if args.skip_missing else 2
    start = time.perf_counter()
    paths = module.make(args.out, progress=not args.quiet, small=args.small, **kwargs)
    for path in paths:
        print(path)
    print(f"{len(paths)} file(s) in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return 0
