"""True and decoded paths drawn on the environment (the tutorial's test-set figure)."""

from __future__ import annotations

import numpy as np

from ._environment import environment_dims, include_points, plot_environment
from ._style import TRUE_COLOR, decoder_color
from ._validation import (
    as_positions,
    check_times,
    error_cm,
    fit_title,
    format_cm,
    get_axes,
    is_recording,
    resolve_inputs,
    window_mask,
)


def plot_trajectory(
    y_true,
    y_pred=None,
    *,
    X=None,
    t=None,
    window=None,
    environment=None,
    name: str = "decoded",
    color=None,
    fig=None,
    ax=None,
):
    """Draw the true path and, optionally, a decoded path over a time window.

    In 2D the paths are drawn in the arena (walls included) with x and y in metres; on a
    1D track position (m) is drawn against time (s). With ``y_pred`` the title gives the
    mean decoding error in cm over **all** samples passed
    (:func:`placedecode.metrics.decoding_error`); ``window`` only limits what is drawn.

    Parameters
    ----------
    y_true : array of shape (n_samples, D) or Recording
        True positions in metres (scikit-learn's layout, ``Recording.y``). A Recording also
        supplies ``X``, ``t`` and ``environment`` when those are not given.
    y_pred : array of shape (n_samples, D), fitted estimator or None
        Decoded positions in metres, or a fitted decoder to ``predict(X)`` with (never
        refitted; an unfitted one raises ``NotFittedError``).
    X : array of shape (n_samples, n_cells) or Recording, optional
        Rates to decode from when ``y_pred`` is an estimator.
    t : array of shape (n_samples,), optional
        Times in seconds (for ``window`` and 1D plots); sample index when absent.
    window : (t_start, t_stop), optional
        Draw only samples with ``t_start <= t < t_stop`` (seconds).
    environment : ratinabox Environment, optional
        Arena to draw under the paths.
    name : str, default="decoded"
        Decoder name, for the legend, the title and the colour (:func:`decoder_color`).
    color : colour, optional
        Overrides the decoder's colour.
    fig, ax : matplotlib Figure and Axes, optional

    Returns
    -------
    fig, ax

    Examples
    --------
    >>> fig, ax = plot_trajectory(test, model, name="linear", window=(0, 60))  # doctest: +SKIP
    """
    if y_pred is None:
        rec = y_true if is_recording(y_true) else None
        y_true = as_positions(y_true, "y_true")
        t = check_times(rec.t if (rec is not None and t is None) else t, len(y_true))
        environment = rec.environment if (rec is not None and environment is None) else environment
    else:
        y_true, y_pred, t, environment = resolve_inputs(y_true, y_pred, X, t, environment)
    mask = window_mask(t, len(y_true), window)
    fig, ax = get_axes(fig, ax, panel_size=(4.2, 4.0))
    color = decoder_color(name) if color is None else color
    D = y_true.shape[1]
    env_dims = environment_dims(environment)
    if env_dims is not None and env_dims != D:
        raise ValueError(f"environment is {env_dims}D but the positions are {D}D (shape {y_true.shape}).")

    if D == 2:
        plot_environment(environment, fig=fig, ax=ax)
        ax.plot(*y_true[mask].T, color=TRUE_COLOR, lw=1.2, alpha=0.75, label="true")
        if y_pred is not None:
            ax.plot(*y_pred[mask].T, color=color, lw=1.0, alpha=0.9, label=name)
            if environment is not None:
                include_points(ax, y_pred[mask], environment)  # decoded paths may leave the arena
        ax.set_aspect("equal")
        ax.set_xlabel("x (m)")
        ax.set_ylabel("y (m)")
    else:
        times = np.arange(len(y_true)) if t is None else t
        ax.plot(times[mask], y_true[mask, 0], color=TRUE_COLOR, lw=1.2, alpha=0.75, label="true")
        if y_pred is not None:
            ax.plot(times[mask], y_pred[mask, 0], color=color, lw=1.0, alpha=0.9, label=name)
        if environment is not None:
            extent = np.asarray(environment.extent, float).ravel()
            ax.set_ylim(extent[0] - 0.02, extent[1] + 0.02)
        ax.set_xlabel("time (s)" if t is not None else "time (samples)")
        ax.set_ylabel("position (m)")
    if y_pred is not None:
        fit_title(ax, f"{name}: mean error {format_cm(error_cm(y_true, y_pred))} cm")
        ax.legend(loc="upper right", fontsize="small", framealpha=0.8, frameon=True, edgecolor="none")
    else:
        span = _span_text(t, mask)
        ax.set_title(f"trajectory{span}")
    return fig, ax


def plot_decoders(
    y_true,
    predictions: dict,
    *,
    X=None,
    t=None,
    window=None,
    environment=None,
    ncols=None,
    fig=None,
    ax=None,
):
    """Several decoders side by side: one :func:`plot_trajectory` panel per decoder.

    Parameters
    ----------
    y_true : array of shape (n_samples, D) or Recording
        True positions in metres (a Recording also supplies X, t and the environment).
    predictions : dict of str to array (n_samples, D) or fitted estimator
        Decoder name -> decoded positions in metres (or a fitted decoder and ``X``).
    X, t, window, environment
        As in :func:`plot_trajectory`.
    ncols : int, optional
        Panels per row (default: all in one row, up to 4).
    fig : Figure, optional
    ax : array of Axes, optional
        One Axes per decoder.

    Returns
    -------
    fig : Figure
    axes : ndarray of Axes, shape (len(predictions),)
    """
    if not isinstance(predictions, dict) or not predictions:
        raise TypeError(
            "predictions must be a non-empty dict of decoder name -> decoded positions "
            f"(n_samples, D) or fitted estimator; got {type(predictions).__name__}."
        )
    fig, axes = get_axes(fig, ax, n_panels=len(predictions), ncols=ncols, panel_size=(3.6, 3.6))
    axes = np.atleast_1d(np.asarray(axes, dtype=object))  # an array even for one decoder
    for panel, (name, y_pred) in zip(axes, predictions.items()):
        plot_trajectory(
            y_true, y_pred, X=X, t=t, window=window, environment=environment, name=str(name), fig=fig, ax=panel
        )
    for panel in axes[1:]:
        if panel.get_subplotspec() is not None and panel.get_subplotspec().colspan.start != 0:
            panel.set_ylabel("")
    return fig, axes


def _span_text(t, mask) -> str:
    if t is None:
        return ""
    return f" ({t[mask][0]:.0f}-{t[mask][-1]:.0f} s)"
