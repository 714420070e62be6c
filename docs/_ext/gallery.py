"""The gallery's glue to the figure scripts (used by ``conf.py``).

sphinx-gallery runs each ``scripts/fig_<family>.py`` in-process with the arguments from
:func:`gallery_argv` (small sizes, a scratch output folder, skip when the data are missing),
so the committed ``figures/`` are never touched. The scripts save their figures and close
them; :class:`FigureScraper` picks up the files each script wrote and shows them with their
captions (``placedecode.figures.captions``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def _family(src_file) -> str:
    return Path(src_file).stem.removeprefix("fig_")


class gallery_argv:
    """``reset_argv`` for sphinx-gallery: the command line each figure script is given."""

    def __init__(self, out_dir, small: bool = True):
        self.out_dir = Path(out_dir)
        self.small = small

    def __call__(self, gallery_conf, script_vars) -> list[str]:
        family = _family(script_vars["src_file"])
        argv = ["--out", str(self.out_dir / family), "--quiet", "--skip-missing"]
        return argv + (["--small"] if self.small else [])

    def __repr__(self) -> str:  # sphinx-gallery keys its cache on the repr
        return f"gallery_argv(small={self.small})"


class FigureScraper:
    """sphinx-gallery image scraper: the PNG and GIF files a figure script wrote."""

    def __init__(self, out_dir):
        self.out_dir = Path(out_dir)
        self.seen: set[Path] = set()

    def __repr__(self) -> str:
        return "FigureScraper()"

    def __call__(self, block, block_vars, gallery_conf) -> str:
        from placedecode.figures import captions

        folder = self.out_dir / _family(block_vars["src_file"])
        new = sorted(p for p in folder.glob("*") if p.suffix in (".png", ".gif") and p not in self.seen) \
            if folder.is_dir() else []
        if not new:
            return ""
        text = captions(fallback=True)
        src_dir = Path(gallery_conf["src_dir"])
        lines = []
        for path, target in zip(new, block_vars["image_path_iterator"]):
            self.seen.add(path)
            target = Path(target).with_suffix(path.suffix)
            shutil.copyfile(path, target)
            rel = "/" + os.path.relpath(target, src_dir).replace(os.sep, "/")
            lines += [
                f".. figure:: {rel}",
                f"   :alt: {path.name}",
                "   :class: sphx-glr-single-img",
                "",
                f"   ``{path.name}``: {text.get(path.name, '')}",
                "",
            ]
        return "\n".join(["", *lines])
