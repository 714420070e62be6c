"""Blocks of time: where a recording's contiguous runs of bins (epochs, bouts, trials) start.

Written once and used by everything that must not reach across a block edge: windows
(:class:`placedecode.features.TimeWindow`), the Bayesian decoder's window and continuity
prior, the sequence model, :class:`placedecode.sim.BlockedTimeSeriesSplit`, a
:class:`placedecode.sim.Recording`'s ``blocks`` and pynapple time supports. Plain NumPy,
importing nothing of placedecode, so every layer can use it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["block_labels", "block_starts", "support_labels", "window_sum"]


def block_starts(n_samples, groups=None, times=None, max_step=None):
    """Index of the first row of every contiguous block, shape (n_blocks,), starting with 0.

    Parameters
    ----------
    n_samples : int
    groups : array-like of shape (n_samples,), optional
        Block labels; a block starts wherever the label changes.
    times : array-like of shape (n_samples,), optional
        Row times; a block starts wherever ``times[i] - times[i - 1]`` exceeds ``max_step``
        (default 1.5 x the median positive step) or is not positive.

    Examples
    --------
    >>> block_starts(6, groups=[0, 0, 1, 1, 1, 0])
    array([0, 2, 5])
    >>> block_starts(5, times=[0.0, 0.2, 0.4, 1.4, 1.6])   # a gap after 0.4 s
    array([0, 3])
    """
    new_block = np.zeros(n_samples, dtype=bool)
    if n_samples:
        new_block[0] = True
    if groups is not None:
        g = np.asarray(groups)
        if g.shape != (n_samples,):
            raise ValueError(f"groups must have shape (n_samples,) = ({n_samples},); got {g.shape}.")
        new_block[1:] |= g[1:] != g[:-1]
    if times is not None and n_samples > 1:
        t = np.asarray(times, dtype=np.float64)
        if t.shape != (n_samples,):
            raise ValueError(f"times must have shape (n_samples,) = ({n_samples},); got {t.shape}.")
        step = np.diff(t)
        if max_step is None:
            positive = step[step > 0]
            max_step = 1.5 * float(np.median(positive)) if positive.size else 0.0
        new_block[1:] |= (step > max_step) | (step <= 0)
    return np.flatnonzero(new_block)


def block_labels(n_samples, groups=None, times=None, max_step=None):
    """Block of every row, shape (n_samples,), ints 0, 1, ... (see :func:`block_starts`).

    Examples
    --------
    >>> block_labels(6, groups=["run", "run", "rest", "rest", "rest", "run"])
    array([0, 0, 1, 1, 1, 2])
    """
    labels = np.zeros(n_samples, dtype=np.int64)
    starts = block_starts(n_samples, groups=groups, times=times, max_step=max_step)
    labels[starts[1:]] = 1
    return np.cumsum(labels)


def support_labels(index, support):
    """Interval of ``support`` each time of ``index`` lies in (0, 1, ...; -1 outside).

    ``support`` is anything with ``start`` and ``end`` arrays in seconds (a pynapple
    ``IntervalSet``); ``index`` holds times in seconds.
    """
    starts, ends = np.asarray(support.start, dtype=np.float64), np.asarray(support.end, dtype=np.float64)
    k = np.searchsorted(starts, index, side="right") - 1
    inside = (k >= 0) & (index <= ends[np.clip(k, 0, len(ends) - 1)])
    return np.where(inside, k, -1)


def window_sum(C, window, starts=None):
    """Centred moving sum over ``window`` rows of ``C`` (T, N), within each block.

    ``starts`` holds the first row of every block (default: one block). Returns the sums
    (T, N) and the number of rows summed for each row (T,), which is smaller than
    ``window`` near a block's ends.
    """
    T = len(C)
    if window == 1 or T == 0:
        return C, np.ones(T)
    past, future = (window - 1) // 2, window // 2
    idx = np.arange(T)
    starts = np.asarray([0] if starts is None else starts, dtype=np.intp)
    sizes = np.diff(starts, append=T)
    lo = np.maximum(idx - past, np.repeat(starts, sizes))
    hi = np.minimum(idx + future + 1, np.repeat(starts + sizes, sizes))  # one past the block's last row
    cs = np.empty((T + 1, C.shape[1]))  # cs[k] = sum of rows < k
    cs[0] = 0.0
    np.cumsum(C, axis=0, out=cs[1:])
    sums = np.take(cs, hi, axis=0)
    sums -= np.take(cs, lo, axis=0)  # in place: a third (T, N) temporary costs ~10x the arithmetic
    return sums, (hi - lo).astype(np.float64)
