"""Video tracking as labs record it: clean the samples, then read positions at bin times.

Camera trackers write one position per frame (30-60 Hz) with the usual faults: a timestamp
written twice, frames where the LED was lost (NaN, or a fixed "no detection" value),
tracking frozen while the animal is out of view (the same pixel for seconds or minutes),
and single frames that jump to a reflection. :func:`clean_tracking` finds each kind, marks
those samples invalid (NaN) and counts them; :func:`position_at` and :func:`velocity_at`
then interpolate the valid samples at bin times, leaving bins inside long tracking gaps
without a position.
"""

from __future__ import annotations

import numpy as np

__all__ = ["clean_tracking", "position_at", "velocity_at"]


def _runs(flags):
    """(start, stop) index pairs of the runs of True in a 1-D bool array."""
    padded = np.r_[False, flags, False]
    change = np.flatnonzero(padded[1:] != padded[:-1])
    return change[0::2], change[1::2]


_MAX_GLITCH_PASSES = 5


def _glitches(t, P, valid, max_speed, max_glitch):
    """Samples of short excursions: entered and left by impossible steps, with a plausible bridge.

    A stretch of valid samples between two steps faster than ``max_speed`` is a glitch when
    it lasts at most ``max_glitch`` seconds AND the samples just before and just after it
    are within reach of each other at ``max_speed`` (the track goes out and comes back).
    """
    if len(valid) < 3:
        return np.zeros(0, dtype=int)
    tv, pv = t[valid], P[valid]
    jump = np.linalg.norm(np.diff(pv, axis=0), axis=1) > max_speed * np.diff(tv)  # valid[k] -> valid[k+1]
    edges = np.flatnonzero(jump)
    found = []
    for left, right in zip(edges[:-1], edges[1:]):
        first, last = left + 1, right  # the stretch between the two jumps, in valid's indices
        if tv[last] - tv[first] > max_glitch:
            continue
        bridge = np.linalg.norm(pv[right + 1] - pv[left])
        if bridge <= max_speed * (tv[right + 1] - tv[left]):
            found.append(valid[first:last + 1])
    return np.concatenate(found) if found else np.zeros(0, dtype=int)


def clean_tracking(times, positions, *, max_frozen=5.0, max_speed=5.0, max_glitch=0.5, arena=None):
    """Mark faulty tracking samples invalid and count each kind of fault.

    Parameters
    ----------
    times : ndarray of shape (n,)
        Sample times in seconds, non-decreasing (checked by the caller).
    positions : ndarray of shape (n, D)
        Positions in metres; NaN/inf where the tracker lost the animal.
    max_frozen : float or None, default=5.0
        Runs of exactly repeated positions lasting longer than this many seconds are taken
        as frozen tracking (the animal out of view, the tracker holding its last value) and
        marked invalid. None: keep them.
    max_speed : float or None, default=5.0
        Speed in m/s no rodent reaches. A stretch of samples shorter than ``max_glitch``
        seconds entered and left by steps faster than this is a tracking glitch (a
        reflection) and is marked invalid. None: no jump check.
    max_glitch : float, default=0.5
        Longest glitch in seconds.
    arena : sequence of float, optional
        ``(x_min, x_max[, y_min, y_max])`` in metres; samples outside are marked invalid.

    Returns
    -------
    times : ndarray of shape (m,)
        Strictly increasing (a repeated timestamp keeps its first sample).
    positions : ndarray of shape (m, D)
        NaN where invalid.
    counts : dict of str to int or float
        ``n_samples``, ``duplicated``, ``nan``, ``out_of_arena``, ``frozen``,
        ``frozen_seconds``, ``jumps`` (samples of each kind; a sample counts once, under
        the first test it fails, in that order) and ``valid``.
    """
    t = np.asarray(times, dtype=np.float64)
    P = np.array(positions, dtype=np.float64).reshape(len(t), -1)
    counts = {"n_samples": int(len(t))}
    keep = np.r_[True, np.diff(t) > 0] if len(t) else np.zeros(0, bool)
    counts["duplicated"] = int(np.count_nonzero(~keep))
    t, P = t[keep], P[keep]
    bad = ~np.all(np.isfinite(P), axis=1)
    counts["nan"] = int(np.count_nonzero(bad))

    outside = np.zeros(len(t), dtype=bool)
    if arena is not None:
        bounds = np.asarray(arena, dtype=np.float64).reshape(-1, 2)
        for d, (lo, hi) in enumerate(bounds[: P.shape[1]]):
            with np.errstate(invalid="ignore"):
                outside |= (P[:, d] < lo) | (P[:, d] > hi)
        outside &= ~bad
    counts["out_of_arena"] = int(np.count_nonzero(outside))
    bad |= outside

    frozen = np.zeros(len(t), dtype=bool)
    if max_frozen is not None and len(t) > 1:
        same = np.r_[False, np.all(P[1:] == P[:-1], axis=1)] & ~bad  # equal to the sample before
        for a, b in zip(*_runs(same)):
            start = a - 1  # the run's first sample is the one the repeats copy
            if t[b - 1] - t[start] > max_frozen:
                frozen[start:b] = True
    frozen &= ~bad
    counts["frozen"] = int(np.count_nonzero(frozen))
    starts, stops = _runs(frozen)
    counts["frozen_seconds"] = float(sum(t[b - 1] - t[a] for a, b in zip(starts, stops)))
    bad |= frozen

    jumps = np.zeros(len(t), dtype=bool)
    if max_speed is not None:
        for _ in range(_MAX_GLITCH_PASSES):
            found = _glitches(t, P, np.flatnonzero(~(bad | jumps)), max_speed, max_glitch)
            if not found.size:
                break
            jumps[found] = True
    counts["jumps"] = int(np.count_nonzero(jumps))
    bad |= jumps
    P = P.copy()
    P[bad] = np.nan
    counts["valid"] = int(np.count_nonzero(~bad))
    return t, P, counts


def _valid(times, positions):
    ok = np.all(np.isfinite(positions), axis=1)
    return times[ok], positions[ok]


def position_at(times, positions, t_query, max_gap):
    """Linear interpolation of the valid samples at ``t_query``; NaN inside long gaps.

    Parameters
    ----------
    times : ndarray of shape (n,)
        Strictly increasing sample times in seconds.
    positions : ndarray of shape (n, D)
        NaN rows are left out.
    t_query : ndarray of shape (m,)
    max_gap : float
        A query time whose nearest valid samples on either side are more than ``max_gap``
        seconds apart, or that lies outside the valid samples, gets NaN.

    Returns
    -------
    ndarray of shape (m, D)
    """
    tv, pv = _valid(np.asarray(times, dtype=np.float64), np.asarray(positions, dtype=np.float64))
    t_query = np.asarray(t_query, dtype=np.float64)
    out = np.full((len(t_query), pv.shape[1]), np.nan)
    if len(tv) == 0:
        return out
    for d in range(pv.shape[1]):
        out[:, d] = np.interp(t_query, tv, pv[:, d])
    j = np.searchsorted(tv, t_query, side="right")
    exact = (j > 0) & (tv[np.clip(j - 1, 0, len(tv) - 1)] == t_query)
    before = tv[np.clip(j - 1, 0, len(tv) - 1)]
    after = tv[np.clip(j, 0, len(tv) - 1)]
    outside = (j == 0) | ((j == len(tv)) & ~exact)
    too_long = ~exact & (after - before > max_gap)
    out[outside | too_long] = np.nan
    return out


def velocity_at(times, positions, t_query, window):
    """Velocity (m, D) in position units per second, over ``window`` seconds centred on each time.

    ``(p(t + window / 2) - p(t - window / 2)) / window`` with ``p`` the linear interpolation
    of the valid samples (held constant beyond the first and last of them).
    """
    tv, pv = _valid(np.asarray(times, dtype=np.float64), np.asarray(positions, dtype=np.float64))
    t_query = np.asarray(t_query, dtype=np.float64)
    out = np.zeros((len(t_query), pv.shape[1]))
    if len(tv) < 2:
        return out
    half = 0.5 * float(window)
    for d in range(pv.shape[1]):
        out[:, d] = (np.interp(t_query + half, tv, pv[:, d]) - np.interp(t_query - half, tv, pv[:, d])) / (2 * half)
    return out
