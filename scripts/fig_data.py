"""Regenerate the "data" figures: `python scripts/fig_data.py [--out DIR] [--quiet]`.

Thin wrapper around :func:`placedecode.figures.data.make`; default output is the
repository's ``figures/``.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("MPLBACKEND", "Agg")

from placedecode.figures import default_out_dir, family  # noqa: E402


def main(argv=None) -> int:
    module = family("data")
    parser = argparse.ArgumentParser(description=(module.__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--out", default=None, help=f"output folder (default: {default_out_dir()})")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    paths = module.make(args.out, progress=not args.quiet)
    for path in paths:
        print(path)
    print(f"{len(paths)} file(s) in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
