"""Writing figures atomically (see :func:`placedecode._io.atomic_path`)."""

from __future__ import annotations

from pathlib import Path

from .._io import atomic_path


def save_figure(fig, path, *, dpi: int = 150, close: bool = False, **kwargs) -> Path:
    """Save ``fig`` to ``path`` atomically; the format comes from the suffix (``.png``, ``.pdf`` ...).

    Parameters
    ----------
    fig : matplotlib Figure
    path : str or Path
    dpi : int, default=150
    close : bool, default=False
        Close the figure afterwards (frees memory in scripts that draw many figures).
    **kwargs
        Passed to :meth:`matplotlib.figure.Figure.savefig`.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    if not path.suffix:
        raise ValueError(f"path needs a file suffix naming the format (e.g. '.png'); got {str(path)!r}.")
    kwargs.setdefault("facecolor", "white")
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=path.suffix.lstrip(".").lower(), **kwargs)
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return path
