"""The ``placedecode`` command line.

    placedecode demo                 simulate the tutorial's dataset, decode it, write figures
    placedecode demo --task digits   the same models classifying scikit-learn's digits
    placedecode figures              regenerate every figure in figures/
    placedecode compare --cells place grid --decoders linear torch --n-cells 10 50 --seeds 0 1
                                     compare decoders across cell types (parallel, resumable)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="placedecode",
        description="Decode an animal's position from simulated spatial neurons (RatInABox) "
        "with linear, hand-coded NumPy and PyTorch decoders.",
    )
    parser.add_argument("--version", action="version", version=f"placedecode {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="end-to-end decode of a simulated recording: prints a table, writes figures",
        description="Simulate the tutorial's recording (25 place cells, 10 min at 0.1 s, "
        "seed 0), split it 80/20 by time, fit every decoder with default settings, print "
        "test errors and fit times, and write figures to --out.",
    )
    demo.add_argument("--task", choices=("positions", "digits"), default="positions",
                      help="decode positions from simulated cells (default) or classify digits")
    demo.add_argument("--out", type=Path, default=Path("placedecode-output"),
                      help="output folder for figures (default: ./placedecode-output)")
    demo.add_argument("--cells", default="place", help="cell type (default: place)")
    demo.add_argument("--n-cells", type=int, default=25, help="number of cells (default: 25)")
    demo.add_argument("--minutes", type=_positive_float, default=10.0, help="duration (default: 10)")
    demo.add_argument("--dt", type=_positive_float, default=0.1, help="time step in s (default: 0.1)")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    demo.add_argument("--decoders", nargs="+", default=None,
                      help="subset of decoders to fit (default: all)")
    demo.add_argument("--quiet", action="store_true", help="no progress bars")

    figs = sub.add_parser("figures", help="regenerate the figures in figures/")
    figs.add_argument("--out", type=Path, default=Path("figures"), help="output folder (default: ./figures)")
    figs.add_argument("--only", nargs="+", default=None, help="names of figure families to make")
    figs.add_argument("--quiet", action="store_true", help="no progress bars")

    from .experiments._compare import DECODERS

    cmp_ = sub.add_parser(
        "compare",
        help="compare decoders across cell types, population sizes and seeds",
        description="Simulate one trajectory per seed, record every cell type and population "
        "size along it, fit every decoder (in parallel with --n-jobs), and print the mean "
        "test error in cm (mean ± sd over seeds). Finished tasks are saved in --out as they "
        "finish; rerunning the same command resumes. Decoders: "
        + "; ".join(f"{k} = {v}" for k, v in DECODERS.items()) + ".",
    )
    cmp_.add_argument("--cells", nargs="+", default=["place", "grid", "boundary_vector"],
                      help="cell types, or mixtures written place:50+grid:30 "
                      "(default: place grid boundary_vector)")
    cmp_.add_argument("--decoders", nargs="+", default=["linear", "numpy", "torch"],
                      help=f"decoders among {', '.join(DECODERS)} (default: linear numpy torch)")
    cmp_.add_argument("--n-cells", nargs="+", type=int, default=[10, 25, 50, 100],
                      help="population sizes (default: 10 25 50 100)")
    cmp_.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2], help="seeds (default: 0 1 2)")
    cmp_.add_argument("--minutes", type=_positive_float, default=10.0, help="duration (default: 10)")
    cmp_.add_argument("--dt", type=_positive_float, default=0.1, help="time step in s (default: 0.1)")
    cmp_.add_argument("--noise", default=None,
                      help="observation noise: 'poisson' or a Gaussian std in Hz (default: none)")
    cmp_.add_argument("--max-fr", type=_positive_float, default=None, help="peak firing rate in Hz")
    cmp_.add_argument("--cv", type=int, default=None,
                      help="blocked time-series folds (default: one 80/20 time split)")
    cmp_.add_argument("--n-jobs", type=int, default=1, help="parallel workers, -1 = all cores (default: 1)")
    cmp_.add_argument("--backend", default=None, help="joblib backend, e.g. loky (default) or dask")
    cmp_.add_argument("--out", type=Path, default=Path("placedecode-compare"),
                      help="results folder, also used to resume (default: ./placedecode-compare)")
    cmp_.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def _parse_cells(entries: list[str]) -> list:
    """``place`` stays a name; ``place:50+grid:30`` becomes ``{"place": 50, "grid": 30}``.

    An import path ``module:Class`` (no count after the last ``:``) is a name too, also in
    mixtures: ``mylab.cells:MyCells:20+place:30``.
    """
    out = []
    for entry in entries:
        if ":" not in entry or ("+" not in entry and not entry.rpartition(":")[2].strip().isdigit()):
            out.append(entry)
            continue
        mix = {}
        for part in entry.split("+"):
            name, _, count = part.rpartition(":")
            if not count.strip().isdigit():
                raise ValueError(f"--cells {entry!r}: write mixtures as name:count+name:count, "
                                 "e.g. place:50+grid:30.")
            mix[name.strip()] = int(count)
        out.append(mix)
    return out


def _parse_noise(text):
    if text is None or text in ("poisson", "none"):
        return None if text == "none" else text
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"--noise must be 'poisson', 'none' or a Gaussian std in Hz; got {text!r}.") from None


def _run_compare(args) -> None:
    from .experiments import compare, make_decoders

    table = compare(
        cells=_parse_cells(args.cells),
        decoders=make_decoders(args.decoders),
        n_cells=args.n_cells,
        seeds=args.seeds,
        minutes=args.minutes,
        dt=args.dt,
        noise=_parse_noise(args.noise),
        max_fr=args.max_fr,
        cv=args.cv,
        n_jobs=args.n_jobs,
        backend=args.backend,
        out=args.out,
        progress=not args.quiet,
    )
    print(table.to_markdown())
    print(f"\n{len(table)} rows ({table.n_failed} failed) in {(args.out / 'results.csv').resolve()}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        if args.command == "demo":
            from ._demo import run_demo

            run_demo(
                task=args.task,
                out=args.out,
                cells=args.cells,
                n_cells=args.n_cells,
                minutes=args.minutes,
                dt=args.dt,
                seed=args.seed,
                decoders=args.decoders,
                progress=not args.quiet,
            )
        elif args.command == "figures":
            from .figures import make_figures

            paths = make_figures(out_dir=args.out, only=args.only, progress=not args.quiet)
            print(f"Wrote {len(paths)} figure(s) to {args.out.resolve()}")
        elif args.command == "compare":
            _run_compare(args)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"placedecode {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
