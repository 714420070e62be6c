"""Shared by the figure modules: output folder, progress, the tutorial dataset, saving."""

from __future__ import annotations

import contextlib
from pathlib import Path

from .._paths import source_checkout

#: Seed of every figure (simulations and decoders).
SEED = 0


def default_out_dir() -> Path:
    """The repository's ``figures/`` for a source checkout, else ``./figures``."""
    root = source_checkout()
    return (root if root is not None else Path.cwd()) / "figures"


def resolve_out_dir(out_dir) -> Path:
    """``out_dir`` as a Path (created), or :func:`default_out_dir`."""
    path = default_out_dir() if out_dir is None else Path(out_dir)
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


def tutorial_recording(progress: bool = False):
    """The tutorial's dataset: 25 place cells, 10 min at dt = 0.1 s, seed 0 (cached on disk)."""
    import placedecode as pd

    return pd.simulate(cells="place", n_cells=25, minutes=10, dt=0.1, random_state=SEED, progress=progress)


def save(fig, out_dir: Path, filename: str) -> Path:
    """Write ``fig`` atomically to ``out_dir / filename`` at 150 dpi and close it."""
    from ..plotting import save_figure

    return save_figure(fig, Path(out_dir) / filename, dpi=150, close=True)


def first_seconds(test, seconds: float = 60.0) -> tuple[float, float]:
    """The first ``seconds`` of a test Recording, as a (t_start, t_stop) window."""
    start = float(test.t[0])
    return start, start + seconds
