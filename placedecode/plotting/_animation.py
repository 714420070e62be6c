"""An animated GIF of decoded positions improving over training epochs (the tutorial's last figure)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._environment import environment_dims, include_points, plot_environment
from .._io import atomic_path
from ._style import TRUE_COLOR, decoder_color
from ._validation import as_positions, check_pair, check_times, error_cm, format_cm, get_axes, is_recording, window_mask


def animate_training(
    y_true,
    frames,
    *,
    epochs=None,
    t=None,
    window=None,
    environment=None,
    name: str = "decoded",
    path=None,
    fps: float = 4,
    hold_last: int = 6,
    dpi: int = 100,
    fig=None,
    ax=None,
):
    """Animate decoded paths, one frame per training epoch, and optionally write a GIF.

    Each frame draws the true path and the decoded path of one epoch (2D: in the arena;
    1D: position against time) with the epoch and its mean error (cm, over all samples
    given) in the title. Nothing is trained here: ``frames`` holds predictions recorded
    while training (e.g. with ``warm_start=True, max_epochs=1`` in a loop).

    Parameters
    ----------
    y_true : array of shape (n_samples, D) or Recording
        True positions in metres (a Recording also supplies ``t`` and the environment).
    frames : sequence of arrays of shape (n_samples, D), or dict of epoch -> array
        Decoded positions in metres after each recorded epoch.
    epochs : sequence of int, optional
        Epoch number of each frame (default: the dict keys, or 1, 2, ...).
    t : array of shape (n_samples,), optional
        Times in seconds (for ``window`` and 1D plots).
    window : (t_start, t_stop), optional
        Time range drawn, in seconds.
    environment : ratinabox Environment, optional
    name : str, default="decoded"
        Decoder name (legend, colour).
    path : str or Path, optional
        Write a GIF here (with pillow; written atomically). Must end in ``.gif``.
    fps : float, default=4
        Frames per second of the GIF.
    hold_last : int, default=6
        Extra repeats of the last frame, so the final result stays on screen.
    dpi : int, default=100
        Resolution of the GIF.
    fig, ax : optional

    Returns
    -------
    fig, ax
        The figure shows the last frame; the :class:`matplotlib.animation.FuncAnimation`
        is kept as ``fig.animation`` (e.g. ``fig.animation.to_jshtml()`` in a notebook).
    """
    from matplotlib.animation import FuncAnimation, PillowWriter

    rec = y_true if is_recording(y_true) else None
    if rec is not None:
        t = rec.t if t is None else t
        environment = rec.environment if environment is None else environment
    y_true = as_positions(y_true, "y_true")
    t = check_times(t, len(y_true))
    if isinstance(frames, dict):
        epochs = list(frames) if epochs is None else epochs
        frames = list(frames.values())
    frames = [as_positions(f, f"frames[{i}]") for i, f in enumerate(frames)]
    if not frames:
        raise ValueError("frames is empty: give the decoded positions of at least one epoch.")
    for i, f in enumerate(frames):
        check_pair(y_true, f, f"frames[{i}]")
    epochs = list(range(1, len(frames) + 1)) if epochs is None else list(epochs)
    if len(epochs) != len(frames):
        raise ValueError(f"epochs must give one number per frame ({len(frames)}); got {len(epochs)}.")
    if path is not None and Path(path).suffix.lower() != ".gif":
        raise ValueError(f"path must end in '.gif' (written with pillow); got {str(path)!r}.")
    if not fps > 0:
        raise ValueError(f"fps must be > 0; got {fps!r}.")
    D = y_true.shape[1]
    if environment_dims(environment) not in (None, D):
        raise ValueError(f"environment is {environment_dims(environment)}D but the positions are {D}D.")
    mask = window_mask(t, len(y_true), window)
    errors = [error_cm(y_true, f) for f in frames]

    fig, ax = get_axes(fig, ax, panel_size=(4.2, 4.2))
    color = decoder_color(name)
    if D == 2:
        plot_environment(environment, fig=fig, ax=ax)
        ax.plot(*y_true[mask].T, color=TRUE_COLOR, lw=1.2, alpha=0.6, label="true")
        (decoded,) = ax.plot(*frames[0][mask].T, color=color, lw=1.0, label=name)
        ax.set_aspect("equal")
        ax.set_xlabel("x (m)")
        ax.set_ylabel("y (m)")
        # fixed limits that show every frame (early epochs may decode outside the arena)
        everything = np.vstack([y_true[mask], *[f[mask] for f in frames]])
        if environment is None:
            lo, hi = everything.min(axis=0), everything.max(axis=0)
            ax.set_xlim(lo[0] - 0.05, hi[0] + 0.05)
            ax.set_ylim(lo[1] - 0.05, hi[1] + 0.05)
        else:
            include_points(ax, everything, environment)
    else:
        times = np.arange(len(y_true)) if t is None else t
        ax.plot(times[mask], y_true[mask, 0], color=TRUE_COLOR, lw=1.2, alpha=0.6, label="true")
        (decoded,) = ax.plot(times[mask], frames[0][mask, 0], color=color, lw=1.0, label=name)
        ax.set_xlabel("time (s)" if t is not None else "time (samples)")
        ax.set_ylabel("position (m)")
    ax.legend(loc="upper right", fontsize="small", framealpha=0.8, frameon=True, edgecolor="none")
    title = ax.set_title("")

    def draw(k):
        f = frames[k][mask]
        decoded.set_data(*f.T) if D == 2 else decoded.set_ydata(f[:, 0])
        title.set_text(f"{name}, epoch {epochs[k]}: mean error {format_cm(errors[k])} cm")
        return decoded, title

    order = list(range(len(frames))) + [len(frames) - 1] * max(0, int(hold_last))
    animation = FuncAnimation(fig, draw, frames=order, blit=False, repeat=True, interval=1000 / fps)
    if path is not None:
        with atomic_path(path) as tmp:
            animation.save(tmp, writer=PillowWriter(fps=fps), dpi=dpi)
    draw(len(frames) - 1)
    fig.animation = animation
    return fig, ax
