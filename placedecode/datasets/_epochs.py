"""Epochs of a session (running, rest, trials): parse, check, and cut into bin grids."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["parse_epochs", "epoch_grid"]


def parse_epochs(epochs, t_lo, t_hi, bin_size):
    """Epochs as sorted ``(n, 2)`` start/stop times in seconds, with their names.

    Parameters
    ----------
    epochs : None, array-like of shape (n, 2) or (2,), a pynapple ``IntervalSet``, or dict
        None: one epoch over ``[t_lo, t_hi]``. A dict maps a name to one ``(start, stop)``
        pair or to an ``(k, 2)`` array of them.
    t_lo, t_hi : float
        The span of the data (tracking) in seconds; every epoch must lie inside it.
    bin_size : float
        Every epoch must hold at least one bin.

    Returns
    -------
    intervals : ndarray of shape (n, 2)
        Sorted by start.
    names : list of str
        One per interval (``"epoch 0"``, ... unless named by a dict).

    Raises
    ------
    ValueError
        Malformed, empty, overlapping or out-of-range epochs, or an epoch shorter than a bin.
    """
    if epochs is None:
        intervals, names = np.array([[t_lo, t_hi]], dtype=np.float64), None
    elif isinstance(epochs, dict):
        rows, names = [], []
        for name, value in epochs.items():
            arr = _as_intervals(value, f"epochs[{name!r}]")
            rows.append(arr)
            names += [str(name)] * len(arr)
        if not rows:
            raise ValueError("epochs is an empty dict; give at least one (start, stop) interval in seconds.")
        intervals = np.vstack(rows)
    elif hasattr(epochs, "start") and hasattr(epochs, "end"):  # pynapple IntervalSet
        intervals, names = np.c_[np.asarray(epochs.start, dtype=np.float64), np.asarray(epochs.end, dtype=np.float64)], None
    else:
        intervals, names = _as_intervals(epochs, "epochs"), None
    if len(intervals) == 0:
        raise ValueError("epochs holds no interval; give at least one (start, stop) pair in seconds.")
    if names is None:
        names = [f"epoch {i}" for i in range(len(intervals))]
    order = np.argsort(intervals[:, 0], kind="stable")
    intervals, names = intervals[order], [names[i] for i in order]
    tol = 1e-9 * max(1.0, abs(t_lo), abs(t_hi))
    for (start, stop), name in zip(intervals, names):
        if not stop > start:
            raise ValueError(f"epoch {name!r} = ({start:g}, {stop:g}) s: stop must be after start.")
        if start < t_lo - tol or stop > t_hi + tol:
            raise ValueError(
                f"epoch {name!r} = ({start:g}, {stop:g}) s lies outside the data, which span "
                f"{t_lo:g} to {t_hi:g} s (the tracking). Epochs must be in the data's clock, in seconds."
            )
        if stop - start < bin_size * (1 - 1e-9):
            raise ValueError(
                f"bin_size={bin_size:g} s is longer than epoch {name!r} ({stop - start:g} s); "
                f"use a smaller bin_size or drop that epoch."
            )
    overlap = np.flatnonzero(intervals[1:, 0] < intervals[:-1, 1] - tol)
    if overlap.size:
        i = int(overlap[0])
        raise ValueError(
            f"epochs {names[i]!r} ({intervals[i, 0]:g}-{intervals[i, 1]:g} s) and {names[i + 1]!r} "
            f"({intervals[i + 1, 0]:g}-{intervals[i + 1, 1]:g} s) overlap; epochs must be disjoint."
        )
    return intervals, names


def _as_intervals(value, name):
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be (start, stop) pairs of seconds; got {value!r}.") from None
    if arr.ndim == 1 and arr.shape == (2,):
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n_epochs, 2): (start, stop) in seconds; got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite times in seconds; got {arr.tolist()}.")
    return arr


def epoch_grid(intervals, bin_size):
    """Bin edges of every epoch: list of ``start + bin_size * arange(n + 1)``.

    ``n = floor((stop - start) / bin_size)``: a last, incomplete bin is dropped.
    """
    if isinstance(bin_size, bool) or not isinstance(bin_size, numbers.Real):
        raise TypeError(f"bin_size must be a number of seconds; got {bin_size!r}.")
    grids = []
    for start, stop in intervals:
        n = int(np.floor((stop - start) / bin_size + 1e-9))
        grids.append(start + bin_size * np.arange(n + 1))
    return grids
