"""The Bayesian decoder's posterior as a heat map over the arena, with the true position."""

from __future__ import annotations

import numpy as np

from ._style import TRUE_COLOR
from ._validation import get_axes

__all__ = ["plot_posterior"]


def plot_posterior(model, X, t_index=0, y_true=None, *, history=5, cmap="magma", colorbar=True,
                   fig=None, ax=None):
    """Heat map of a fitted :class:`~placedecode.models.BayesianDecoder`'s posterior.

    Parameters
    ----------
    model : fitted BayesianDecoder
    X : array-like of shape (n_samples, n_cells)
        Consecutive time bins in the units used for ``fit`` (one contiguous block: the
        posterior is computed for the whole block, so the continuity prior and the summing
        window see the bins before ``t_index``).
    t_index : int, default=0
        Row of ``X`` whose posterior is drawn.
    y_true : array-like of shape (n_samples, D) or (n_samples,), optional
        True positions in metres: the position at ``t_index`` is marked with a cross and
        the ``history`` earlier ones drawn as a line.
    history : int, default=5
        Earlier true positions drawn as a trail.
    cmap : str, default="magma"
    colorbar : bool, default=True
    fig, ax : matplotlib Figure and Axes, optional

    Returns
    -------
    fig, ax
        In 2D an ``imshow`` of the posterior (``origin="lower"``, extent in metres, masked
        bins blank); on a 1D track the posterior as a curve over position.
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model, "tuning_")
    post = model.posterior(X)
    if not 0 <= t_index < len(post):
        raise IndexError(f"t_index={t_index} is outside the {len(post)} rows of X.")
    p = post[t_index]
    fig, ax = get_axes(fig, ax, panel_size=(4.2, 3.8))
    truth = None if y_true is None else np.asarray(y_true, dtype=float).reshape(len(post), -1)
    if len(model.grid_shape_) == 2:
        shown = np.where(model.mask_, p, np.nan)
        image = ax.imshow(shown, origin="lower", extent=model.extent_, cmap=cmap, interpolation="nearest")
        if colorbar:
            fig.colorbar(image, ax=ax, label="posterior probability")
        if truth is not None:
            lo = max(0, t_index - history)
            ax.plot(truth[lo:t_index + 1, 0], truth[lo:t_index + 1, 1], color="white", lw=1.2, alpha=0.8)
            ax.plot(*truth[t_index, :2], marker="x", color="cyan", ms=9, mew=2, label="true position")
            ax.legend(loc="upper right", fontsize="small")
        ax.set(xlabel="x (m)", ylabel="y (m)", aspect="equal")
    else:
        ax.plot(model.bin_centers_[:, 0], p, color="k")
        if truth is not None:
            ax.axvline(truth[t_index, 0], color=TRUE_COLOR, ls="--", label="true position")
            ax.legend(loc="upper right", fontsize="small")
        ax.set(xlabel="position (m)", ylabel="posterior probability")
    ax.set_title(f"posterior, bin {t_index}")
    return fig, ax
