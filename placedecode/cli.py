"""The ``placedecode`` command line.

    placedecode demo                 simulate the tutorial's dataset, decode it, write figures
    placedecode demo --task digits   the same models classifying scikit-learn's digits
    placedecode figures              regenerate every figure in figures/
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
    return parser


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
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"placedecode {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
