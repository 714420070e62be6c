"""The ``placedecode`` command line.

    placedecode demo                 simulate the tutorial's dataset, decode it, write figures
    placedecode demo --task digits   the same models classifying scikit-learn's digits
    placedecode demo --task real     the same decoders on a real rat (--data DIR)
    placedecode figures              regenerate every figure in figures/ (--data DIR)
    placedecode compare --cells place grid --decoders linear torch --n-cells 10 50 --seeds 0 1
                                     compare decoders across cell types (parallel, resumable)

Every mistake in the input ends in one line naming the option and what to do, exit code 2,
no traceback: numbers are checked as they are parsed (finite, in range), names (cells,
decoders, figure families) and folders (``--out`` a folder or creatable and writable,
``--data`` an existing folder) before any work; an error raised by the library on the way
becomes the same kind of line. Ctrl-C ends with exit code 130 and one line.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path


# ----------------------------------------------------------------------- option types
def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number; got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number; got {text!r}")
    return value


def _positive_float(text: str) -> float:
    value = _number(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0; got {text!r}")
    return value


def _integer(text: str, minimum: int, maximum: int | None = None, what: str = "") -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number{what}; got {text!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        allowed = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise argparse.ArgumentTypeError(f"must be {allowed}{what}; got {text!r}")
    return value


def _count(text: str) -> int:
    return _integer(text, 1)


def _seed(text: str) -> int:
    return _integer(text, 0, 2**32 - 1, " (a random seed)")


def _folds(text: str) -> int:
    return _integer(text, 2, what=" (the number of blocked time folds)")


def _n_jobs(text: str) -> int:
    value = _integer(text, -(2**31))
    if value == 0:
        raise argparse.ArgumentTypeError("must be a positive number of workers or -1 (all cores); got '0'")
    return value


def _noise(text: str):
    if text in ("poisson", "none"):
        return None if text == "none" else text
    try:
        value = _number(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"must be 'poisson', 'none' or a Gaussian std in Hz (a number >= 0); "
                                         f"got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a Gaussian std in Hz must be >= 0; got {text!r}")
    return value


# ----------------------------------------------------------------------- the parser
_FAMILY_PREFIX = re.compile(r'^Figure family "[^"]+":\s*')


def _families_help() -> str:
    """One line per figure family: its name and its module docstring's first line."""
    from .figures import FIGURES, family

    lines = []
    for name in FIGURES:
        first = ((family(name).__doc__ or "").strip().splitlines() or [""])[0]
        lines.append(f"  {name:<15} {_FAMILY_PREFIX.sub('', first)}")
    return "figure families (--only):\n" + "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    from ._demo import TASKS
    from .presets import DECODERS

    parser = argparse.ArgumentParser(
        prog="placedecode",
        description="Decode an animal's position from simulated spatial neurons (RatInABox) "
        "and real recordings with linear, hand-coded NumPy, PyTorch and Bayesian decoders.",
    )
    parser.add_argument("--version", action="version", version=f"placedecode {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    decoders_help = "decoders (named presets):\n" + "\n".join(f"  {k:<16} {v}" for k, v in DECODERS.items())

    demo = sub.add_parser(
        "demo",
        help="end-to-end decode of a simulated recording: prints a table, writes figures",
        description="Simulate the tutorial's recording (25 place cells, 10 min at 0.1 s, "
        "seed 0), split it 80/20 by time, fit every decoder with default settings, print "
        "test errors (with the chance level) and fit times, and write figures to --out.",
        epilog=decoders_help, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--task", choices=TASKS, default="positions",
                      help="decode positions from simulated cells (default), classify digits, or decode "
                      "a real rat (Tampuu et al. 2019, from --data)")
    demo.add_argument("--out", type=Path, default=Path("placedecode-output"),
                      help="output folder for figures (default: ./placedecode-output)")
    demo.add_argument("--data", type=Path, default=None,
                      help="--task real: folder holding the recordings (default: $PLACEDECODE_DATA, "
                      "~/.cache/placedecode/data, a source checkout's ../shared/data)")
    demo.add_argument("--cells", default="place", help="cell type (default: place)")
    demo.add_argument("--n-cells", type=_count, default=25, help="number of cells (default: 25)")
    demo.add_argument("--minutes", type=_positive_float, default=10.0, help="duration (default: 10)")
    demo.add_argument("--dt", type=_positive_float, default=0.1, help="time step in s (default: 0.1)")
    demo.add_argument("--seed", type=_seed, default=0, help="random seed (default: 0)")
    demo.add_argument("--decoders", nargs="+", default=None,
                      help="subset of decoders to fit (default: linear-tutorial linear numpy torch bayes; "
                      "for digits: linear numpy torch)")
    demo.add_argument("--quiet", action="store_true", help="no progress bars")

    figs = sub.add_parser("figures", help="regenerate the figures in figures/",
                          description="Regenerate the figures (fixed seeds) of every family, or of those "
                          "named with --only.", epilog=_families_help(),
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    figs.add_argument("--out", type=Path, default=Path("figures"), help="output folder (default: ./figures)")
    figs.add_argument("--only", nargs="+", default=None, metavar="FAMILY", help="names of figure families to make")
    figs.add_argument("--data", type=Path, default=None,
                      help="folder holding the data sets the figures read (MNIST, hippocampus/...)")
    figs.add_argument("--quiet", action="store_true", help="no progress bars")

    cmp_ = sub.add_parser(
        "compare",
        help="compare decoders across cell types, population sizes and seeds",
        description="Simulate one trajectory per seed, record every cell type and population "
        "size along it, fit every decoder (in parallel with --n-jobs), and print the mean "
        "test error in cm (mean ± sd over seeds) beside the chance level. Finished tasks are "
        "saved in --out as they finish; rerunning the same command resumes.",
        epilog=decoders_help, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmp_.add_argument("--cells", nargs="+", default=["place", "grid", "boundary_vector"],
                      help="cell types, or mixtures written place:50+grid:30 "
                      "(default: place grid boundary_vector)")
    cmp_.add_argument("--decoders", nargs="+", default=["linear", "numpy", "torch"],
                      help="decoders, names listed below (default: linear numpy torch)")
    cmp_.add_argument("--n-cells", nargs="+", type=_count, default=[10, 25, 50, 100],
                      help="population sizes (default: 10 25 50 100)")
    cmp_.add_argument("--seeds", nargs="+", type=_seed, default=[0, 1, 2], help="seeds (default: 0 1 2)")
    cmp_.add_argument("--minutes", type=_positive_float, default=10.0, help="duration (default: 10)")
    cmp_.add_argument("--dt", type=_positive_float, default=0.1, help="time step in s (default: 0.1)")
    cmp_.add_argument("--noise", type=_noise, default=None,
                      help="observation noise: 'poisson' or a Gaussian std in Hz (default: none)")
    cmp_.add_argument("--max-fr", type=_positive_float, default=None, help="peak firing rate in Hz")
    cmp_.add_argument("--cv", type=_folds, default=None,
                      help="blocked time-series folds (default: one 80/20 time split)")
    cmp_.add_argument("--n-jobs", type=_n_jobs, default=1, help="parallel workers, -1 = all cores (default: 1)")
    cmp_.add_argument("--backend", default=None, help="joblib backend, e.g. loky (default) or dask")
    cmp_.add_argument("--out", type=Path, default=Path("placedecode-compare"),
                      help="results folder, also used to resume (default: ./placedecode-compare)")
    cmp_.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


# ----------------------------------------------------------------------- checks before work
class _UsageError(Exception):
    """A mistake in the command line: reported as ``<prog>: error: <message>``, exit code 2."""


def _check_out(path: Path) -> Path:
    from ._io import check_output_folder

    try:
        return check_output_folder(path, "--out")
    except (ValueError, TypeError) as exc:
        raise _UsageError(str(exc)) from None


def _check_data(path: Path | None) -> Path | None:
    if path is not None and not path.expanduser().is_dir():
        raise _UsageError(f"--data {str(path)!r} is not an existing folder; pass the folder that holds the "
                          "data sets (or the data set's own folder).")
    return path


def _check_decoders(names, task: str = "regression") -> None:
    from .presets import preset_names

    known = preset_names(task)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise _UsageError(f"--decoders: unknown decoder name(s) {unknown}; choose from {', '.join(known)}.")
    if len(set(names)) != len(names):
        raise _UsageError(f"--decoders lists a decoder twice: {' '.join(names)}.")


def _check_cell_names(names) -> None:
    """Plain names must be registered cell types (``module:Class`` is left to the simulator)."""
    from .sim import CELL_TYPES

    unknown = [n for n in names if ":" not in n and n not in CELL_TYPES]
    if unknown:
        raise _UsageError(f"--cells: unknown cell type {unknown[0]!r}; known cell types: {', '.join(CELL_TYPES)}.")


def _check_bins(args, minimum: int) -> None:
    n = int(round(args.minutes * 60.0 / args.dt))
    if n < minimum:
        raise _UsageError(f"--minutes {args.minutes:g} at --dt {args.dt:g} s gives {n} time bin(s); at least "
                          f"{minimum} are needed to train and test: raise --minutes or lower --dt.")


def _parse_cells(entries: list[str]) -> list:
    """``place`` stays a name; ``place:50+grid:30`` becomes ``{"place": 50, "grid": 30}``.

    An entry is a mixture when it has a ``+``, ends in ``:<count>`` or starts with a
    registered name and a colon; anything else (``place``, ``mymodule:MyCells``) is passed
    on as a name, for the simulator to resolve.
    """
    from .sim import CELL_TYPES

    out = []
    for entry in entries:
        name, sep, count = entry.rpartition(":")
        if "+" not in entry and not (sep and (count.strip().isdigit() or name.strip() in CELL_TYPES)):
            out.append(entry)
            continue
        mix = {}
        for part in entry.split("+"):
            name, sep, count = part.rpartition(":")
            if not sep or not name.strip() or not count.strip().isdigit() or int(count) < 1:
                raise _UsageError(f"--cells {entry!r}: write mixtures as name:count+name:count with counts "
                                  ">= 1, e.g. place:50+grid:30.")
            mix[name.strip()] = int(count)
        out.append(mix)
    return out


# ----------------------------------------------------------------------- commands
def _run_demo(args) -> None:
    from ._demo import run_demo

    if args.data is not None and args.task != "real":
        raise _UsageError("--data is read by --task real only (positions are simulated, digits bundled).")
    _check_data(args.data)
    _check_decoders(args.decoders or [], "classification" if args.task == "digits" else "regression")
    if args.task == "positions":
        _check_cell_names([args.cells])
        _check_bins(args, 10)
    out = _check_out(args.out)
    run_demo(task=args.task, out=out, cells=args.cells, n_cells=args.n_cells, minutes=args.minutes, dt=args.dt,
             seed=args.seed, decoders=args.decoders, progress=not args.quiet, data=args.data)


def _run_figures(args) -> None:
    import inspect

    from ._paths import data_folder
    from .figures import FIGURES, make_figures

    unknown = [n for n in args.only or [] if n not in FIGURES]
    if unknown:
        raise _UsageError(f"--only: unknown figure family {unknown[0]!r}; choose from {', '.join(FIGURES)}.")
    _check_data(args.data)
    out = _check_out(args.out)
    kwargs = dict(out_dir=out, only=args.only, progress=not args.quiet)
    if args.data is None:
        paths = make_figures(**kwargs)
    elif "data_dir" in inspect.signature(make_figures).parameters:
        paths = make_figures(**kwargs, data_dir=args.data)
    else:  # a make_figures without data_dir: the data folder the loaders search, for this call
        with data_folder(args.data):
            paths = make_figures(**kwargs)
    print(f"Wrote {len(paths)} figure(s) to {out.resolve()}")


def _run_compare(args) -> None:
    from .experiments import compare, make_decoders

    cells = _parse_cells(args.cells)
    _check_cell_names([c for c in cells if isinstance(c, str)] + [k for c in cells if isinstance(c, dict) for k in c])
    _check_decoders(args.decoders)
    _check_bins(args, 2)
    out = _check_out(args.out)
    table = compare(cells=cells, decoders=make_decoders(args.decoders), n_cells=args.n_cells, seeds=args.seeds,
                    minutes=args.minutes, dt=args.dt, noise=args.noise, max_fr=args.max_fr, cv=args.cv,
                    n_jobs=args.n_jobs, backend=args.backend, out=out, progress=not args.quiet)
    print(table.to_markdown())
    print(f"\n{len(table)} rows ({table.n_failed} failed) in {(out / 'results.csv').resolve()}")


_COMMANDS = {"demo": _run_demo, "figures": _run_figures, "compare": _run_compare}


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (argparse exits with 2 on a malformed option)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    prog = f"placedecode {args.command}"
    try:
        _COMMANDS[args.command](args)
    except _UsageError as exc:
        print(f"usage: see '{prog} --help'\n{prog}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, OSError) as exc:  # the library's own checks (and the file system's)
        print(f"{prog}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except ArithmeticError as exc:  # a network that diverged: one line too, but not the user's mistake
        from .models import TrainingDivergedError

        if not isinstance(exc, TrainingDivergedError):
            raise
        print(f"{prog}: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        hint = "; finished tasks are saved in --out: rerun the same command to resume" if args.command == "compare" else ""
        print(f"\n{prog}: interrupted{hint}.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
