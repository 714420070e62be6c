"""Linearize 2D positions on a track: the distance travelled along it, in metres.

A linear track filmed from above gives (x, y) positions scattered around a line (the rat's
head sways, the track may lie diagonally in the image). Decoding is done on the 1D
position along the track. :func:`linearize` projects every position onto the track,
either its principal axis (PCA, the default, for a straight track) or a user's polyline
(for a maze: an L, a U, a W...), and returns the arc length from the track's start.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np

__all__ = ["linearize", "project_on_polyline"]


def _principal_axis(P, max_distance):
    """The 2-vertex polyline along the principal axis of the points ``P`` (n, 2).

    With ``max_distance``, the axis is fitted again without the points farther than that
    from the first fit (off-track samples pull the first fit a little). The axis points
    towards +x (+y when vertical); it runs from the smallest to the largest projection of
    the points kept.
    """
    keep = np.ones(len(P), dtype=bool)
    for _ in range(2 if max_distance is not None else 1):
        centre = P[keep].mean(axis=0)
        _, _, vt = np.linalg.svd(P[keep] - centre, full_matrices=False)
        axis = vt[0] if (vt[0, 0] > 0 or (vt[0, 0] == 0 and vt[0, 1] > 0)) else -vt[0]
        if max_distance is not None:
            normal = np.array([-axis[1], axis[0]])
            close = np.abs((P - centre) @ normal) <= max_distance
            if close.sum() >= 2:
                keep = close
    s = (P[keep] - centre) @ axis
    return np.stack([centre + s.min() * axis, centre + s.max() * axis])


def project_on_polyline(P, polyline):
    """Arc length, distance and segment of the nearest point of ``polyline`` to each row of ``P``.

    Parameters
    ----------
    P : ndarray of shape (n, 2)
    polyline : ndarray of shape (k, 2), k >= 2

    Returns
    -------
    along : ndarray of shape (n,)
        Distance along the polyline from its first vertex to the nearest point.
    distance : ndarray of shape (n,)
        Distance from each point to the polyline.
    segment : ndarray of int, shape (n,)
        Index of the nearest segment.
    """
    A, B = polyline[:-1], polyline[1:]
    d = B - A
    length = np.sqrt(np.sum(d**2, axis=1))
    offset = np.r_[0.0, np.cumsum(length)[:-1]]
    n = len(P)
    along, distance, segment = np.full(n, np.nan), np.full(n, np.inf), np.zeros(n, dtype=int)
    for k in range(len(A)):  # k is small: loop over segments, vectorised over points
        u = np.clip(((P - A[k]) @ d[k]) / max(length[k] ** 2, 1e-300), 0.0, 1.0)
        dist = np.sqrt(np.sum((A[k] + u[:, None] * d[k] - P) ** 2, axis=1))
        better = dist < distance
        distance[better], along[better], segment[better] = dist[better], offset[k] + u[better] * length[k], k
    bad = ~np.all(np.isfinite(P), axis=1)
    along[bad], distance[bad] = np.nan, np.nan
    return along, distance, segment


def linearize(positions, polyline=None, *, max_distance=None, return_distance=False):
    """Project 2D positions onto a track and return the 1D position along it.

    Parameters
    ----------
    positions : array-like of shape (n, 2), or a Recording with 2D positions
        Positions (x, y); metres for a Recording, any one unit for an array (the result is
        in the same unit).
    polyline : array-like of shape (k, 2), optional
        The track's centre line, as vertices from its start to its end, in the unit of
        ``positions`` (metres for a Recording). Default: the principal axis of the
        positions (a straight track), running from the smallest to the largest projection,
        oriented towards +x. A Recording linearized this way stores its 2-vertex polyline
        in ``metadata["track"]``: pass it to linearize another session the same way.
    max_distance : float, optional
        Positions farther than this from the track (same unit) are off the track (the
        animal carried in or out, a glitch): NaN in an array; dropped from a Recording
        (counted in ``metadata["report"].off_track``, with a
        :class:`~placedecode.datasets.DataWarning`).
    return_distance : bool, default=False
        Also return each position's distance from the track (arrays only).

    Returns
    -------
    ndarray of shape (n,), or Recording
        The distance along the track from its start (>= 0), in the unit of ``positions``;
        NaN where a position is NaN or off the track. A Recording comes back 1D: position
        and velocity (projected on the track, m/s) of shape (1, T), ``metadata["track"]``
        the polyline in metres.
    distance : ndarray of shape (n,)
        With ``return_distance=True``.

    Raises
    ------
    ValueError
        Positions that are not 2D, fewer than 2 finite positions, a polyline with fewer
        than 2 vertices or zero length, a ``max_distance`` that is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> from placedecode.datasets import linearize
    >>> s = np.linspace(0, 2, 5)                           # 2 m along a diagonal track
    >>> xy = np.c_[1 + 0.6 * s, 3 + 0.8 * s]               # (x, y) in m
    >>> np.round(linearize(xy), 6)
    array([0. , 0.5, 1. , 1.5, 2. ])
    >>> L = np.array([[0, 0], [1, 0], [1, 1]])            # an L-shaped maze
    >>> linearize(np.array([[0.5, 0.1], [0.9, 0.6]]), polyline=L)
    array([0.5, 1.6])
    """
    from ..sim import Recording

    rec = positions if isinstance(positions, Recording) else None
    P = rec.position.T if rec is not None else np.asarray(positions, dtype=np.float64)
    if P.ndim != 2 or P.shape[1] != 2:
        raise ValueError(f"linearize needs 2D positions of shape (n, 2) (x, y); got shape {P.shape}.")
    if max_distance is not None and not (np.isfinite(max_distance) and max_distance > 0):
        raise ValueError(f"max_distance must be a positive distance; got {max_distance!r}.")
    finite = np.all(np.isfinite(P), axis=1)
    if finite.sum() < 2:
        raise ValueError(f"linearize needs at least 2 finite positions; got {int(finite.sum())}.")
    if polyline is None:
        line = _principal_axis(P[finite], max_distance)
    else:
        line = np.asarray(polyline, dtype=np.float64)
        if line.ndim != 2 or line.shape[1] != 2 or len(line) < 2:
            raise ValueError(f"polyline must be (k >= 2, 2) vertices (x, y); got shape {line.shape}.")
        if not np.all(np.isfinite(line)) or np.sum(np.sqrt(np.sum(np.diff(line, axis=0) ** 2, axis=1))) == 0:
            raise ValueError("polyline must have finite vertices and a non-zero length.")
    along, distance, segment = project_on_polyline(P, line)
    off = np.zeros(len(P), dtype=bool) if max_distance is None else finite & (distance > max_distance)
    if rec is None:
        along = np.where(off, np.nan, along)
        return (along, distance) if return_distance else along
    return _linearized_recording(rec, line, along, segment, off, max_distance)


def _linearized_recording(rec, line, along, segment, off, max_distance):
    from ._errors import DataWarning
    from ._report import RecordingReport

    if off.all():
        raise ValueError("every bin lies farther than max_distance from the track; raise max_distance.")
    velocity = None
    if rec.velocity is not None:
        d = np.diff(line, axis=0)
        unit = d / np.sqrt(np.sum(d**2, axis=1))[:, None]
        velocity = np.sum(rec.velocity.T * unit[segment], axis=1)[None, :]
    report = rec.metadata.get("report", RecordingReport(n_bins=rec.n_samples, kept=rec.n_samples))
    report = replace(report, off_track=report.off_track + int(off.sum()), kept=int((~off).sum()))
    if off.any():
        warnings.warn(f"linearize: {int(off.sum())} of {rec.n_samples} bins lie off the track (farther than "
                      f"max_distance={max_distance:g} m from it) and were dropped.", DataWarning, stacklevel=3)
    keep = ~off
    out = rec[keep]
    return replace(out, position=along[keep][None, :], head_direction=None, environment=None,
                   velocity=None if velocity is None else velocity[:, keep],
                   metadata={**rec.metadata, "track": line, "report": report})
