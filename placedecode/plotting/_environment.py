"""Drawing a RatInABox Environment under other plots: arena, holes, walls, objects."""

from __future__ import annotations

import numpy as np

from ._validation import get_axes

ARENA_COLOR = "#EEEEEE"
WALL_COLOR = "#555555"


def environment_dims(environment) -> int | None:
    """Dimensionality (1 or 2) of a RatInABox Environment, or None."""
    if environment is None:
        return None
    return int(getattr(environment, "D", 2))


def plot_environment(environment, *, margin: float = 0.02, fig=None, ax=None):
    """Draw an environment: light-grey arena, holes, walls (dark grey) and objects.

    Unlike RatInABox's ``Environment.plot_environment`` this leaves the figure layout and
    ticks alone and draws walls as one ``LineCollection`` (so ``ax.lines`` holds only the
    data drawn afterwards).

    Parameters
    ----------
    environment : ratinabox Environment
        2D: the arena is drawn; 1D: only the x limits (track ends, metres) are set.
    margin : float, default=0.02
        Space around the extent, in metres.
    fig, ax : matplotlib Figure and Axes, optional

    Returns
    -------
    fig, ax
    """
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Circle, Polygon

    fig, ax = get_axes(fig, ax, panel_size=(4.0, 4.0))
    if environment is None:
        return fig, ax
    if not hasattr(environment, "extent"):
        raise TypeError(f"environment must be a RatInABox Environment; got {type(environment).__name__}.")
    extent = np.asarray(environment.extent, dtype=float).ravel()
    if environment_dims(environment) == 1:
        ax.set_xlim(extent[0] - margin, extent[1] + margin)
        ax.set_xlabel("position (m)")
        return fig, ax
    boundary = getattr(environment, "boundary", None)
    if boundary is None:
        boundary = [[extent[0], extent[2]], [extent[1], extent[2]], [extent[1], extent[3]], [extent[0], extent[3]]]
    ax.add_patch(Polygon(np.asarray(boundary, float), facecolor=ARENA_COLOR, edgecolor="none", zorder=-2))
    for hole in getattr(environment, "holes", []) or []:
        ax.add_patch(Polygon(np.asarray(hole, float), facecolor="white", edgecolor="none", zorder=-1))
    walls = getattr(environment, "walls", None)
    if walls is not None and len(walls):
        ax.add_collection(
            LineCollection(np.asarray(walls, float), colors=WALL_COLOR, linewidths=2.5, capstyle="round", zorder=3)
        )
    objects = getattr(environment, "objects", {}) or {}
    for xy in np.asarray(objects.get("objects", np.empty((0, 2))), float).reshape(-1, 2):
        ax.add_patch(Circle(tuple(xy), radius=0.022, facecolor="white", edgecolor="black", lw=1.2, zorder=4))
    ax.set_xlim(extent[0] - margin, extent[1] + margin)
    ax.set_ylim(extent[2] - margin, extent[3] + margin)
    ax.set_aspect("equal")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    return fig, ax


def include_points(ax, points: np.ndarray, environment=None, margin: float = 0.03, max_beyond: float = 0.5) -> None:
    """Widen a 2D axes' limits so that ``points`` (n, 2) are visible (decoded paths may leave
    the arena), by at most ``max_beyond`` times the arena size on each side."""
    points = np.asarray(points, float).reshape(-1, 2)
    points = points[np.all(np.isfinite(points), axis=1)]
    if not len(points):
        return
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    if environment is not None:
        e = np.asarray(environment.extent, float).ravel()
        cap = (e[0] - max_beyond * (e[1] - e[0]), e[1] + max_beyond * (e[1] - e[0]),
               e[2] - max_beyond * (e[3] - e[2]), e[3] + max_beyond * (e[3] - e[2]))
    else:
        cap = (-np.inf, np.inf, -np.inf, np.inf)
    lo, hi = points.min(axis=0) - margin, points.max(axis=0) + margin
    ax.set_xlim(max(min(x0, lo[0]), cap[0]), min(max(x1, hi[0]), cap[1]))
    ax.set_ylim(max(min(y0, lo[1]), cap[2]), min(max(y1, hi[1]), cap[3]))
