"""Is the path a real exploration? Coverage and wall-hugging checks for recordings.

A decoder evaluated on a rat parked at one wall reports ~0 cm on a meaningless recording.
:func:`check_coverage` warns (:class:`PoorCoverageWarning`) when a path of at least
:data:`MIN_DURATION` seconds

- visits fewer than :data:`MIN_COVERAGE` (20 %) of the environment's bins: a grid of
  :data:`BINS_PER_AXIS` (10) bins along each axis (10 cm in a 1 m box), counting in 2D
  only bins whose centre is inside the environment (holes and polygon boundaries excluded);
- or stays within :data:`WALL_DISTANCE` (2 cm) of one wall (in 1D: one end of the track)
  for more than :data:`MAX_WALL_FRACTION` (half) of the time.

Shorter paths are not judged (30 s of RatInABox's default motion covers 19-35 % of a
1 m box; one minute 36-50 %; two minutes 61-73 %, measured over six seeds).
"""

from __future__ import annotations

import warnings

import numpy as np

from . import _ratinabox as rb

MIN_COVERAGE = 0.20
BINS_PER_AXIS = 10
WALL_DISTANCE = 0.02
MAX_WALL_FRACTION = 0.5
MIN_DURATION = 60.0
_CHUNK = 65536


class PoorCoverageWarning(UserWarning):
    """The animal's path covers too little of the environment, or clings to one wall."""


def coverage(position: np.ndarray, env) -> float:
    """Fraction of the environment's bins the path ``position`` (D, T) visits (see the module doc)."""
    D = position.shape[0]
    extent = np.asarray(env.extent, float).reshape(-1)[: 2 * D]
    edges = [np.linspace(extent[2 * d], extent[2 * d + 1], BINS_PER_AXIS + 1) for d in range(D)]
    counts, _ = np.histogramdd(position.T, bins=edges)
    visited = counts > 0
    if D == 2:
        centres = [0.5 * (e[1:] + e[:-1]) for e in edges]
        gx, gy = np.meshgrid(*centres, indexing="ij")
        reachable = rb.inside_environment(env, np.stack([gx.ravel(), gy.ravel()], axis=1)).reshape(gx.shape)
        reachable |= visited
    else:
        reachable = np.ones_like(visited)
    return float(visited[reachable].mean()) if reachable.any() else 1.0


def _segment_distances(points: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """Distance (P, W) from each point (P, 2) to each segment (W, 2, 2)."""
    a, b = segments[:, 0][None], segments[:, 1][None]  # (1, W, 2)
    ab = b - a
    length2 = np.maximum(np.sum(ab**2, axis=-1), 1e-300)
    p = points[:, None, :]
    s = np.clip(np.sum((p - a) * ab, axis=-1) / length2, 0.0, 1.0)
    return np.linalg.norm(p - (a + s[..., None] * ab), axis=-1)


def wall_fractions(position: np.ndarray, env) -> tuple[np.ndarray, list[str]]:
    """Fraction of time within :data:`WALL_DISTANCE` of each wall, and the walls' names."""
    D = position.shape[0]
    if getattr(env, "boundary_conditions", "solid") == "periodic":
        return np.zeros(0), []
    if D == 1:
        lo, hi = np.asarray(env.extent, float)[:2]
        x = position[0]
        fractions = np.array([np.mean(x - lo < WALL_DISTANCE), np.mean(hi - x < WALL_DISTANCE)])
        return fractions, [f"the x = {lo:g} m end", f"the x = {hi:g} m end"]
    segments = rb.walls(env)
    if segments.shape[0] == 0:
        return np.zeros(0), []
    near = np.zeros(segments.shape[0])
    for s in range(0, position.shape[1], _CHUNK):
        near += np.sum(_segment_distances(position[:, s : s + _CHUNK].T, segments) < WALL_DISTANCE, axis=0)
    names = [f"the wall from ({w[0, 0]:g}, {w[0, 1]:g}) to ({w[1, 0]:g}, {w[1, 1]:g}) m" for w in segments]
    return near / position.shape[1], names


def check_coverage(position: np.ndarray, t_duration: float, env, stacklevel: int = 3) -> None:
    """Warn with :class:`PoorCoverageWarning` if the path is no real exploration (see the module doc)."""
    if env is None or t_duration < MIN_DURATION or position.shape[1] < 2:
        return
    position = np.asarray(position, float)
    if not np.all(np.isfinite(position)):
        position = position[:, np.all(np.isfinite(position), axis=0)]
    problems = []
    covered = coverage(position, env)
    if covered < MIN_COVERAGE:
        problems.append(f"visits only {100 * covered:.0f} % of the environment ({BINS_PER_AXIS} bins per axis)")
    fractions, names = wall_fractions(position, env)
    if fractions.size and fractions.max() > MAX_WALL_FRACTION:
        worst = int(np.argmax(fractions))
        problems.append(f"spends {100 * fractions[worst]:.0f} % of the time within {100 * WALL_DISTANCE:g} cm of "
                        f"{names[worst]}")
    if problems:
        warnings.warn(
            f"The animal's path ({t_duration / 60:.3g} min) " + " and ".join(problems) + ": decoding errors on it "
            "say little about the decoder. Simulate longer, or change the motion (agent_params such as "
            "speed_mean, speed_std, thigmotaxis; in 1D with solid ends, speed_mean=0 makes the rat run back and "
            "forth).",
            PoorCoverageWarning,
            stacklevel=stacklevel,
        )
