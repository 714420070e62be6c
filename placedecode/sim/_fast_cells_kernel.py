"""Compiled ray casting and tuning for boundary vector cells (numba; :mod:`._bvc` has the NumPy twins).

Imported only through :func:`placedecode.sim._bvc.kernels`, which falls back to NumPy
when numba is missing or broken, so ``import placedecode`` never needs numba. The kernels are
compiled on first use and cached on disk (``cache=True``), like the motion kernels.

The rule is RatInABox 1.15.3's (``BoundaryVectorCells.get_state`` with
``utils.vector_intercepts`` and ``boundary_vector_preference_function``), without its
1e-9 m jitter; :func:`placedecode.sim._bvc.first_wall_distances` writes it out.
"""

from __future__ import annotations

import numpy as np

from ._motion_kernel import njit


@njit(nogil=True)
def first_wall_distances(positions, directions, walls, inv_den_a, inv_den_b, out):  # pragma: no cover - compiled
    """Fill ``out`` (P, K) with the distance along each direction to the wall RatInABox picks.

    ``inv_den_a[k, w] = 1 / (u_k . s_w^perp)`` and ``inv_den_b[k, w] = 1 / (s_w . u_k^perp)``
    (``v^perp = (-v_y, v_x)``) depend on the direction and the wall only.
    """
    P, K, W = positions.shape[0], directions.shape[0], walls.shape[0]
    num_a = np.empty(W)
    for p in range(P):
        px, py = positions[p, 0], positions[p, 1]
        for w in range(W):  # (a - p) . s_perp does not depend on the direction
            num_a[w] = (walls[w, 0, 0] - px) * (-(walls[w, 1, 1] - walls[w, 0, 1])) + (walls[w, 0, 1] - py) * (
                walls[w, 1, 0] - walls[w, 0, 0])
        for k in range(K):
            ux, uy = directions[k, 0], directions[k, 1]
            best, dist = -1.0, np.nan
            for w in range(W):
                la = num_a[w] * inv_den_a[k, w]
                lb = ((px - walls[w, 0, 0]) * (-uy) + (py - walls[w, 0, 1]) * ux) * inv_den_b[k, w]
                if la < 0 or lb < 0 or lb > 1:
                    pref = -1.0
                elif la > 0:
                    pref = 1.0 / la
                else:
                    pref = 0.0
                if w == 0 or pref > best:  # np.argmax: the first of equal maxima
                    best, dist = pref, la
            out[p, k] = dist


@njit(nogil=True)
def gaussian_exponents(distances, mu, two_var, out):  # pragma: no cover - compiled
    """``out[c, p, k] = -(distances[p, k] - mu[c])² / two_var[c]``: RatInABox's ``utils.gaussian`` exponent."""
    n, P, K = out.shape
    for c in range(n):
        m, q = mu[c], two_var[c]
        for p in range(P):
            for k in range(K):
                t = distances[p, k] - m
                out[c, p, k] = -(t * t) / q
