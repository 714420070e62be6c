"""What a decoder learned: each cell's weight drawn at the cell's place-field centre."""

from __future__ import annotations

import numpy as np

from ._environment import environment_dims, plot_environment
from ._validation import get_axes, is_recording

WEIGHT_CMAP = "RdBu_r"


def _weights_of(model, layer: int):
    """``(W (n_rows, n_cells), kind, unit)`` from an estimator or an array."""
    if hasattr(model, "fit") and hasattr(model, "predict"):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(model)
        if hasattr(model, "coefs_"):
            coefs = list(model.coefs_)
            if not -len(coefs) <= layer < len(coefs):
                raise ValueError(f"layer must index one of the network's {len(coefs)} weight matrices; got {layer}.")
            W = np.asarray(coefs[layer], dtype=float)
            return W, "network", "a.u."
        if hasattr(model, "coef_"):
            W = np.asarray(model.coef_, dtype=float)
            return (W[None, :] if W.ndim == 1 else W), "linear", "m/Hz"
        raise TypeError(f"{type(model).__name__} has neither coef_ (linear) nor coefs_ (network) weights to draw.")
    try:
        W = np.asarray(model, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"model must be a fitted decoder or a weight array (n_rows, n_cells); got {type(model).__name__}."
        ) from exc
    if W.ndim == 1:
        W = W[None, :]
    if W.ndim != 2:
        raise ValueError(f"weights must be a 2-D array (n_rows, n_cells); got shape {W.shape}.")
    return W, "array", ""


def largest_units(W: np.ndarray, n_units: int) -> np.ndarray:
    """Indices of the ``n_units`` rows of ``W`` with the largest L2 norm, largest first."""
    norms = np.linalg.norm(W, axis=1)
    return np.argsort(-norms, kind="stable")[: max(1, int(n_units))]


def plot_weight_maps(
    model,
    centres,
    *,
    units=None,
    n_units: int = 4,
    layer: int = 0,
    targets=None,
    environment=None,
    unit: str | None = None,
    ncols=None,
    fig=None,
    ax=None,
):
    """Each cell's weight drawn at its centre: colour = weight (diverging, centred at 0).

    The tutorial's interpretation figure. For a linear decoder (``coef_``, the tutorial's
    ``W`` of shape (D, N_cells)) one panel per output ("weight to x", "weight to y"); for a
    network (``coefs_[layer]``, shape (n_hidden, N_cells) for ``layer=0``) one panel per
    chosen hidden unit. Each panel has its own colour bar, symmetric about 0.

    Parameters
    ----------
    model : fitted decoder or array of shape (n_rows, n_cells)
        A linear decoder, a network, or the weights themselves (one panel per row).
    centres : array of shape (n_cells, D) or Recording
        Cell centres in metres (``Recording.cell_params["centre"]``; a Recording also
        supplies the environment). Cells whose centre is NaN (head-direction, velocity,
        speed cells) cannot be placed and are left out, with a note in the panel.
    units : sequence of int, optional
        Rows (hidden units) to draw; default: the ``n_units`` rows with the largest norm
        (all rows for a linear decoder or an array with no more than ``n_units`` rows).
    n_units : int, default=4
    layer : int, default=0
        Which network weight matrix (``coefs_[layer]``); only layer 0 maps to cells.
    targets : sequence of str, optional
        Names of the rows, for a linear decoder (default ``("x", "y")`` or
        ``("position",)``).
    environment : ratinabox Environment, optional
    unit : str, optional
        Unit in the colour-bar label (default: "m/Hz" for a linear decoder fitted on rates
        in Hz and positions in metres, "a.u." for a network).
    ncols : int, optional
    fig : Figure, optional
    ax : Axes or array of Axes, optional
        One Axes per panel.

    Returns
    -------
    fig, ax
        ``ax`` is an array when there is more than one panel. The scatter of panel ``i``
        is ``ax[i].collections`` (a PathCollection with one point per placed cell).
    """
    W, kind, default_unit = _weights_of(model, layer)
    unit = default_unit if unit is None else unit
    if is_recording(centres):
        environment = centres.environment if environment is None else environment
        if "centre" not in centres.cell_params:
            raise ValueError("the Recording has no cell_params['centre'] to place the cells at.")
        centres = centres.cell_params["centre"]
    centres = np.asarray(centres, dtype=float)
    if centres.ndim == 1:
        centres = centres[:, None]
    if centres.ndim != 2 or centres.shape[1] not in (1, 2):
        raise ValueError(f"centres must have shape (n_cells, D) with D = 1 or 2 (metres); got {centres.shape}.")
    if W.shape[1] != centres.shape[0]:
        hint = " Only layer 0 of a network maps to the cells." if kind == "network" and layer != 0 else ""
        raise ValueError(
            f"the weights have {W.shape[1]} inputs (shape {W.shape}) but there are {centres.shape[0]} "
            f"cell centres.{hint}"
        )
    D = centres.shape[1]
    if environment_dims(environment) not in (None, D):
        raise ValueError(f"environment is {environment_dims(environment)}D but the centres are {D}D.")

    if units is None:
        rows = np.arange(len(W)) if (kind == "linear" or len(W) <= n_units) else largest_units(W, n_units)
    else:
        rows = np.atleast_1d(np.asarray(units, dtype=int))
        if rows.size == 0 or rows.min() < -len(W) or rows.max() >= len(W):
            raise ValueError(f"units must index rows 0..{len(W) - 1} of the weights; got {list(rows)}.")
    if kind == "linear":
        if targets is not None:
            names = list(targets)
        else:
            names = {1: ["position"], 2: ["x", "y"]}.get(len(W), [f"output {i}" for i in range(len(W))])
        if len(names) != len(W):
            raise ValueError(f"targets must name the {len(W)} outputs; got {list(names)}.")
        titles = [f"weight to {names[r]}" for r in rows]
    elif kind == "network":
        titles = [f"hidden unit {r} (layer {layer})" for r in rows]
    else:
        titles = [str(targets[i]) if targets is not None else f"row {r}" for i, r in enumerate(rows)]

    placed = np.all(np.isfinite(centres), axis=1)
    n_left_out = int((~placed).sum())
    if not placed.any():
        raise ValueError("no cell has a finite centre (non-spatial cells only); nothing to draw.")
    size = float(np.clip(3000.0 / placed.sum(), 12.0, 160.0))
    fig, axes = get_axes(fig, ax, n_panels=len(rows), ncols=ncols, panel_size=(3.9, 3.3))
    axes_list = np.atleast_1d(np.asarray(axes, dtype=object))
    for panel, row, title in zip(axes_list, rows, titles):
        w = W[row, placed]
        limit = float(np.max(np.abs(w))) or 1.0
        if D == 2:
            plot_environment(environment, fig=fig, ax=panel)
            sc = panel.scatter(
                centres[placed, 0], centres[placed, 1], c=w, cmap=WEIGHT_CMAP, vmin=-limit, vmax=limit,
                s=size, edgecolors="#333333", linewidths=0.5, zorder=5,
            )
            panel.set_aspect("equal")
            panel.set_xlabel("x (m)")
            panel.set_ylabel("y (m)")
        else:
            sc = panel.scatter(
                centres[placed, 0], w, c=w, cmap=WEIGHT_CMAP, vmin=-limit, vmax=limit,
                s=size, edgecolors="#333333", linewidths=0.5, zorder=5,
            )
            panel.axhline(0, color="#999999", lw=0.8, zorder=1)
            if environment is not None:
                plot_environment(environment, fig=fig, ax=panel)
            panel.set_xlabel("cell centre (m)")
            panel.set_ylabel(f"weight ({unit})" if unit else "weight")
        label = f"weight ({unit})" if unit else "weight"
        fig.colorbar(sc, ax=panel, label=label, shrink=0.85)
        note = f"\n({n_left_out} non-spatial cell{'s' if n_left_out > 1 else ''} not shown)" if n_left_out else ""
        panel.set_title(title + note)
    return fig, axes
