"""The data: rate maps (or direction/speed tuning) and rate time series of chosen cells."""

from __future__ import annotations

import numpy as np

from ._environment import plot_environment
from ._style import cell_type_color
from ._validation import get_axes, is_recording, window_mask

#: Cell types whose rates depend on heading or speed, not on place: drawn as tuning curves.
NON_SPATIAL = {"head_direction": "head direction (deg)", "velocity": "movement direction (deg)", "speed": "speed (m/s)"}


def _check_recording(recording, func: str):
    if not is_recording(recording):
        raise TypeError(
            f"{func} needs a placedecode Recording (rates, position, cell types); got "
            f"{type(recording).__name__}. For bare arrays build one with placedecode.Recording(...)."
        )


def choose_cells(recording, cells=None, max_default: int = 8) -> np.ndarray:
    """Cell indices from ``cells``: None, an int, a sequence of ints, or a cell-type name.

    None picks the first cell of each type when the recording mixes types (up to
    ``max_default``), otherwise the first ``min(N, 4)`` cells. A type name picks every cell
    of that type (up to ``max_default``).
    """
    types = np.asarray(recording.cell_types).astype(str)
    N = len(types)
    if cells is None:
        kinds = list(dict.fromkeys(types.tolist()))
        if len(kinds) > 1:
            return np.array([int(np.flatnonzero(types == k)[0]) for k in kinds][:max_default])
        return np.arange(min(N, 4))
    if isinstance(cells, str):
        idx = np.flatnonzero(types == cells)
        if idx.size == 0:
            raise ValueError(f"no cells of type {cells!r}; this recording has {sorted(set(types.tolist()))}.")
        return idx[:max_default]
    idx = np.atleast_1d(np.asarray(cells))
    if idx.dtype.kind not in "iu" or idx.ndim != 1 or idx.size == 0:
        raise TypeError(f"cells must be None, a cell-type name, an int or a sequence of ints; got {cells!r}.")
    if idx.min() < -N or idx.max() >= N:
        raise ValueError(f"cells must index 0..{N - 1}; got {idx.tolist()}.")
    return np.mod(idx, N)


def _directions_deg(vectors: np.ndarray) -> np.ndarray:
    return np.degrees(np.mod(np.arctan2(vectors[1], vectors[0]), 2 * np.pi))


def _tuning(recording, i: int, kind: str, n_bins: int = 36):
    """``(x, mean rate, x label)`` of a non-spatial cell from the recorded data."""
    rate = np.asarray(recording.rates[i], float)
    if recording.n_dims == 1 and kind != "speed":
        source = recording.head_direction if kind == "head_direction" else recording.velocity
        sign = np.sign(np.asarray(source)[0])
        return np.array([-1.0, 1.0]), np.array([rate[sign < 0].mean() if (sign < 0).any() else np.nan,
                                                 rate[sign > 0].mean() if (sign > 0).any() else np.nan]), "direction"
    if kind == "speed":
        value = np.linalg.norm(np.asarray(recording.velocity), axis=0)
        edges = np.linspace(0, np.quantile(value, 0.99) + 1e-9, 21)
    else:
        source = recording.head_direction if kind == "head_direction" else recording.velocity
        if source is None:
            raise ValueError(f"the recording has no {kind} data to draw cell {i}'s tuning.")
        value = _directions_deg(np.asarray(source))
        edges = np.linspace(0, 360, n_bins + 1)
    which = np.clip(np.digitize(value, edges) - 1, 0, len(edges) - 2)
    counts = np.bincount(which, minlength=len(edges) - 1)
    sums = np.bincount(which, weights=rate, minlength=len(edges) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return 0.5 * (edges[1:] + edges[:-1]), mean, NON_SPATIAL[kind]


def plot_rate_maps(
    recording,
    cells=None,
    *,
    from_data: bool = False,
    bin_size: float = 0.02,
    ncols=None,
    cmap: str = "inferno",
    colorbar: str | None = "each",
    fig=None,
    ax=None,
):
    """Rate map of each chosen cell; tuning curves for head-direction, velocity, speed cells.

    Spatial cells (place, grid, boundary vector, ...) get a heat map over the arena (Hz,
    with a colour bar) or, on a 1D track, rate against position. Non-spatial cells get the
    mean recorded rate against head direction / movement direction (degrees) or speed (m/s).

    Parameters
    ----------
    recording : Recording
    cells : None, int, sequence of int, or str, optional
        Cells to draw (see :func:`choose_cells`): default one per cell type.
    from_data : bool, default=False
        False: the model's noiseless tuning on a grid (:meth:`Recording.rate_maps`);
        True: occupancy-normalised observed rates. Cells without a model map (real data)
        fall back to the observed map.
    bin_size : float, default=0.02
        Map bin in metres.
    ncols : int, optional
    cmap : str, default="inferno"
    colorbar : {"each", "shared", None}, default="each"
        A colour bar (Hz) per map; one for all maps on a common scale (and inner tick
        labels hidden when every panel is a map of a new figure); or none.
    fig : Figure, optional
    ax : Axes or array of Axes, optional
        One per cell.

    Returns
    -------
    fig, ax
        ``ax`` is an array of one Axes per cell when more than one cell is drawn.
    """
    _check_recording(recording, "plot_rate_maps")
    if colorbar not in ("each", "shared", None):
        raise ValueError(f"colorbar must be 'each', 'shared' or None; got {colorbar!r}.")
    new_figure = ax is None
    idx = choose_cells(recording, cells)
    sub = recording.select_cells(idx)
    types = np.asarray(sub.cell_types).astype(str)
    spatial = np.array([t not in NON_SPATIAL for t in types])
    maps = observed = None
    if spatial.any():
        maps = sub.rate_maps(bin_size=bin_size, from_data=from_data)
        missing = spatial & np.all(np.isnan(maps.maps.reshape(len(idx), -1)), axis=1)
        if missing.any() and not from_data:
            observed = sub.rate_maps(bin_size=bin_size, from_data=True)
    fig, axes = get_axes(fig, ax, n_panels=len(idx), ncols=ncols, panel_size=(3.0, 2.6))
    axes_list = np.atleast_1d(np.asarray(axes, dtype=object))
    vmax = None
    if colorbar == "shared" and maps is not None:
        sources = [maps.maps] + ([] if observed is None else [observed.maps])
        finite = [np.nanmax(m) for m in sources if np.isfinite(m).any()]
        vmax = max(finite) if finite else None
    images = []
    for k, (panel, i, kind) in enumerate(zip(axes_list, idx, types)):
        title = f"cell {i} ({kind.replace('_', ' ')})"
        if kind in NON_SPATIAL:
            x, mean, xlabel = _tuning(sub, k, kind)
            if xlabel == "direction":
                panel.bar(["left", "right"], mean, color=cell_type_color(kind))
            else:
                panel.plot(x, mean, color=cell_type_color(kind), lw=1.6)
                if kind != "speed":
                    panel.set_xticks([0, 90, 180, 270, 360])
            panel.set_xlabel(xlabel)
            panel.set_ylabel("mean rate (Hz)")
            panel.set_ylim(bottom=0)
            panel.set_title(title)
            continue
        source = maps
        if observed is not None and np.all(np.isnan(maps.maps[k])):
            source, title = observed, title + ", observed"
        m, extent = source.maps[k], source.extent
        if recording.n_dims == 2:
            plot_environment(sub.environment, fig=fig, ax=panel, margin=0.0)
            image = panel.imshow(
                m, origin="lower", extent=extent, cmap=cmap, vmin=0, vmax=vmax, interpolation="nearest", zorder=0
            )
            images.append(image)
            if colorbar == "each":
                fig.colorbar(image, ax=panel, label="rate (Hz)", shrink=0.85)
            panel.set_xlabel("x (m)")
            panel.set_ylabel("y (m)")
            panel.set_aspect("equal")
        else:
            centres = 0.5 * (source.edges[0][1:] + source.edges[0][:-1])
            panel.plot(centres, m, color=cell_type_color(kind), lw=1.6)
            panel.set_xlabel("position (m)")
            panel.set_ylabel("rate (Hz)")
            panel.set_ylim(bottom=0)
        panel.set_title(title)
    if colorbar == "shared" and images:
        fig.colorbar(images[0], ax=list(axes_list), label="rate (Hz)", shrink=0.6)
        if new_figure and len(images) == len(axes_list) and recording.n_dims == 2:
            for panel in axes_list:
                panel.label_outer()
    return fig, axes


def plot_rate_timeseries(recording, cells=None, *, window=None, fig=None, ax=None):
    """Firing rate (Hz) of chosen cells against time (s), as offset traces.

    All traces share one rate scale (a scale bar in Hz is drawn at the right); each is
    coloured by cell type and labelled with its index and type.

    Parameters
    ----------
    recording : Recording
    cells : None, int, sequence of int, or str, optional
        See :func:`choose_cells`; default one cell per type.
    window : (t_start, t_stop), optional
        Time range in seconds (default: all).
    fig, ax : optional

    Returns
    -------
    fig, ax
        One line per cell in ``ax.lines`` (plus the scale bar, the last line).
    """
    _check_recording(recording, "plot_rate_timeseries")
    idx = choose_cells(recording, cells)
    t = np.asarray(recording.t, float)
    mask = window_mask(t, len(t), window)
    rates = np.asarray(recording.rates)[idx][:, mask]
    types = np.asarray(recording.cell_types).astype(str)[idx]
    top = float(np.nanmax(rates)) if rates.size else 1.0
    top = top if top > 0 else 1.0
    spacing = 1.15 * top
    fig, ax = get_axes(fig, ax, panel_size=(7.0, 0.55 * len(idx) + 1.2))
    baselines = spacing * np.arange(len(idx))[::-1]
    for base, row, i, kind in zip(baselines, rates, idx, types):
        color = cell_type_color(kind)
        ax.fill_between(t[mask], base, base + row, color=color, alpha=0.25, lw=0)
        ax.plot(t[mask], base + row, color=color, lw=1.0)
    ax.set_yticks(baselines, [f"{i} {k.replace('_', ' ')}" for i, k in zip(idx, types)])
    bar = _nice(top)
    x_bar = t[mask][-1] + 0.01 * (t[mask][-1] - t[mask][0] + 1e-9)
    ax.plot([x_bar, x_bar], [baselines[0], baselines[0] + bar], color="black", lw=2, clip_on=False)
    ax.text(x_bar, baselines[0] + bar / 2, f" {bar:g} Hz", va="center", ha="left", fontsize="small")
    ax.set_xlim(t[mask][0], x_bar)
    ax.set_ylim(-0.1 * spacing, baselines[0] + spacing)
    ax.set_xlabel("time (s)")
    ax.set_ylabel(f"cell (rate in Hz, traces offset by {spacing:.2g} Hz)")
    ax.set_title("firing rates")
    return fig, ax


def _nice(value: float) -> float:
    """A round number not above ``value`` for a scale bar (1, 2, 5 x 10^k)."""
    exponent = np.floor(np.log10(value))
    for m in (5, 2, 1):
        if m * 10**exponent <= value:
            return float(m * 10**exponent)
    return float(10**exponent)
