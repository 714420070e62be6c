"""Shared by the figure modules: output folder, progress, the tutorial dataset, saving.

Every family's ``make`` takes ``small=False``. ``small=True`` draws the same figures from
less data and fewer fits, for the documentation's gallery and quick checks: about a minute
per family on two cores instead of several. Small figures are never written over the
full ones: without an ``out_dir`` they go to ``figures-small/`` (see
:func:`default_out_dir`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from .._paths import source_checkout

#: Seed of every figure (simulations and decoders).
SEED = 0
#: Minutes of the tutorial's recording: the full figures, and ``small=True``.
MINUTES = 10.0
SMALL_MINUTES = 3.0


def default_out_dir(small: bool = False) -> Path:
    """The repository's ``figures/`` for a source checkout, else ``./figures``.

    With ``small=True``, ``figures-small/`` in the same place, so quick versions never
    replace the committed figures.
    """
    root = source_checkout()
    return (root if root is not None else Path.cwd()) / ("figures-small" if small else "figures")


def resolve_out_dir(out_dir, small: bool = False) -> Path:
    """``out_dir`` as a Path (created), or :func:`default_out_dir`."""
    path = default_out_dir(small) if out_dir is None else Path(out_dir)
    if path.exists() and not path.is_dir():
        raise ValueError(f"out_dir must be a folder; {str(path)!r} is a file.")
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def steps(total: int, desc: str, progress: bool):
    """A tqdm bar of ``total`` steps (a no-op object when ``progress`` is False).

    Use ``bar.set_postfix_str(what)`` then ``bar.update()`` after each step.
    """
    from tqdm.auto import tqdm

    bar = tqdm(total=total, desc=desc, unit="step", disable=not progress, leave=True)
    try:
        yield bar
    finally:
        bar.close()


def tutorial_recording(progress: bool = False, small: bool = False):
    """The tutorial's dataset: 25 place cells, 10 min at dt = 0.1 s, seed 0 (cached on disk).

    ``small=True``: the first :data:`SMALL_MINUTES` minutes' worth (a shorter simulation).
    """
    from ..sim import simulate

    minutes = SMALL_MINUTES if small else MINUTES
    return simulate(cells="place", n_cells=25, minutes=minutes, dt=0.1, random_state=SEED, progress=progress)


def save(fig, out_dir: Path, filename: str) -> Path:
    """Write ``fig`` atomically to ``out_dir / filename`` at 150 dpi and close it."""
    from ..plotting import save_figure

    return save_figure(fig, Path(out_dir) / filename, dpi=150, close=True)


def first_seconds(test, seconds: float = 60.0) -> tuple[float, float]:
    """The first ``seconds`` of a test Recording, as a (t_start, t_stop) window."""
    start = float(test.t[0])
    return start, start + seconds
