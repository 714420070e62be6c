"""Where and when a decoder is wrong: error over time, error by position."""

from __future__ import annotations

import numpy as np

from ._environment import environment_dims, plot_environment
from ._style import decoder_color, plain_log_ticks
from ._validation import error_cm, fit_title, format_cm, get_axes, is_recording, resolve_inputs, window_mask


def plot_error_over_time(
    y_true,
    y_pred,
    *,
    X=None,
    t=None,
    window=None,
    smooth: float | None = None,
    name: str = "decoded",
    logy: bool = False,
    fig=None,
    ax=None,
):
    """Decoding error (cm) against time, one line per decoder.

    Parameters
    ----------
    y_true : array of shape (n_samples, D) or Recording
        True positions in metres (a Recording also supplies ``X`` and ``t``).
    y_pred : array (n_samples, D), fitted estimator, or dict of name -> either
        Decoded positions in metres; a dict draws one line per decoder, coloured by name.
    X : array of shape (n_samples, n_cells), optional
        Rates, when predictions are estimators.
    t : array of shape (n_samples,), optional
        Times in seconds (sample index when absent).
    window : (t_start, t_stop), optional
        Time range drawn (seconds); legend means use all samples.
    smooth : float, optional
        Width of a centred moving average, in seconds (in samples when ``t`` is absent).
    name : str, default="decoded"
        Decoder name when ``y_pred`` is not a dict.
    logy : bool, default=False
        Log-scaled error axis (to see decoders whose errors differ tenfold).
    fig, ax : optional

    Returns
    -------
    fig, ax
    """
    predictions = y_pred if isinstance(y_pred, dict) else {name: y_pred}
    if not predictions:
        raise ValueError("y_pred is an empty dict; give at least one decoder's predictions.")
    fig, ax = get_axes(fig, ax, panel_size=(9.0, 2.8))
    for label, pred in predictions.items():
        yt, yp, times, _ = resolve_inputs(y_true, pred, X, t, None, name=f"y_pred[{label!r}]")
        err = error_cm(yt, yp, reduce=None)
        mask = window_mask(times, len(yt), window)
        x = np.arange(len(yt), dtype=float) if times is None else times
        shown = err
        if smooth:
            step = 1.0 if times is None or len(times) < 2 else float(np.median(np.diff(times)))
            width = max(1, int(round(smooth / step)))
            shown = np.convolve(err, np.ones(width) / width, mode="same")
        ax.plot(
            x[mask],
            shown[mask],
            color=decoder_color(label),
            lw=1.0,
            label=f"{label} (mean {format_cm(np.mean(err))} cm)",
        )
    ax.set_xlabel("time (s)" if (t is not None or is_recording(y_true)) else "time (samples)")
    ax.set_ylabel("decoding error (cm)")
    if logy:
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)
    else:
        ax.set_ylim(bottom=0)
    # beside the axes, never over the curves (constrained layout makes room for it)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    ax.set_title("decoding error over time" + (f" ({smooth:g} s moving average)" if smooth else ""))
    return fig, ax


def plot_error_by_position(
    y_true,
    y_pred,
    *,
    X=None,
    bin_size: float = 0.05,
    environment=None,
    statistic: str = "mean",
    name: str = "decoded",
    vmax=None,
    vmin=None,
    log: bool = False,
    cmap: str = "magma_r",
    fig=None,
    ax=None,
):
    """Decoding error (cm) binned by the true position: a heat map over the arena.

    In 2D a heat map with a colour bar in cm (unvisited bins blank); on a 1D track the
    error against position (m).

    Parameters
    ----------
    y_true : array of shape (n_samples, D) or Recording
        True positions in metres (a Recording also supplies ``X`` and the environment).
    y_pred : array of shape (n_samples, D) or fitted estimator
        Decoded positions in metres.
    X : array of shape (n_samples, n_cells), optional
        Rates, when ``y_pred`` is an estimator.
    bin_size : float, default=0.05
        Bin edge in metres.
    environment : ratinabox Environment, optional
        Sets the bin range and draws the walls; else the range of ``y_true``.
    statistic : {"mean", "median"}, default="mean"
    name : str, default="decoded"
        Decoder name, for the title.
    vmax, vmin : float, optional
        Ends of the colour scale in cm (to compare decoders on one scale); ``vmin``
        defaults to 0 (to the smallest binned error with ``log``).
    log : bool, default=False
        Logarithmic colour scale (for decoders whose errors differ tenfold).
    cmap : str, default="magma_r"
    fig, ax : optional

    Returns
    -------
    fig, ax
        The colour bar is ``ax.images[0].colorbar`` (2D).
    """
    from scipy.stats import binned_statistic_dd

    if statistic not in ("mean", "median"):
        raise ValueError(f"statistic must be 'mean' or 'median'; got {statistic!r}.")
    if not (np.isfinite(bin_size) and bin_size > 0):
        raise ValueError(f"bin_size must be a positive number of metres; got {bin_size!r}.")
    y_true, y_pred, _, environment = resolve_inputs(y_true, y_pred, X, None, environment)
    D = y_true.shape[1]
    if environment_dims(environment) not in (None, D):
        raise ValueError(f"environment is {environment_dims(environment)}D but the positions are {D}D.")
    err = error_cm(y_true, y_pred, reduce=None)
    if environment is not None:
        extent = np.asarray(environment.extent, float).ravel()[: 2 * D]
    else:
        lo, hi = y_true.min(axis=0), y_true.max(axis=0)
        extent = np.ravel(np.column_stack([lo, hi + 1e-9]))
    edges = [
        np.linspace(extent[2 * d], extent[2 * d + 1], max(1, int(round((extent[2 * d + 1] - extent[2 * d]) / bin_size))) + 1)
        for d in range(D)
    ]
    stat = binned_statistic_dd(y_true, err, statistic=statistic, bins=edges).statistic
    fig, ax = get_axes(fig, ax, panel_size=(4.6, 3.8))
    title = f"{name}: {statistic} error {format_cm(error_cm(y_true, y_pred, reduce=statistic))} cm, by position"
    if D == 2:
        from matplotlib.patches import Rectangle

        plot_environment(environment, fig=fig, ax=ax)
        # hatching shows through the unvisited (NaN, transparent) bins
        ax.add_patch(
            Rectangle(
                (edges[0][0], edges[1][0]), edges[0][-1] - edges[0][0], edges[1][-1] - edges[1][0],
                facecolor="none", edgecolor="#BBBBBB", hatch="////", lw=0, zorder=-1,
            )
        )
        if log:
            from matplotlib.colors import LogNorm

            positive = stat[np.isfinite(stat) & (stat > 0)]
            low = vmin if vmin is not None else (positive.min() if positive.size else 1e-3)
            norm = LogNorm(vmin=low, vmax=vmax if vmax is not None else max(low * 10, np.nanmax(stat)))
        else:
            from matplotlib.colors import Normalize

            norm = Normalize(vmin=0 if vmin is None else vmin, vmax=vmax)
        image = ax.imshow(
            stat.T,
            origin="lower",
            extent=(edges[0][0], edges[0][-1], edges[1][0], edges[1][-1]),
            cmap=cmap,
            norm=norm,
            interpolation="nearest",
            zorder=0,
        )
        bar = fig.colorbar(image, ax=ax, label=f"{statistic} error (cm); hatched: not visited", shrink=0.85)
        if log:
            plain_log_ticks(bar.ax.yaxis)
        ax.set_xlabel("x (m)")
        ax.set_ylabel("y (m)")
        ax.set_aspect("equal")
    else:
        centres = 0.5 * (edges[0][1:] + edges[0][:-1])
        ax.plot(centres, stat, color=decoder_color(name), marker="o", ms=3, label=name)
        ax.set_xlabel("position (m)")
        ax.set_ylabel(f"{statistic} error (cm)")
        if log:
            ax.set_yscale("log")
            plain_log_ticks(ax.yaxis)
            ax.set_ylim(vmin, vmax)
        else:
            ax.set_ylim(bottom=0 if vmin is None else vmin, top=vmax)
    fit_title(ax, title)
    return fig, ax
