"""The fast engine moves the rat as RatInABox does: distributions over independent seeds.

Why a statistical test as well as the path-by-path one (tests/test_motion.py): near walls
RatInABox's motion model is weakly chaotic. A difference in the last bit of one rounding (its
2x2 rotation goes through BLAS, which may fuse a multiply-add; NumPy's SIMD ``exp``/``log``
differ from the C library's in the last bit for ~5 % of arguments) grows about tenfold a
minute, so over 10 minutes at dt = 0.01 s some seeds end up 1e-6 to 1e-4 m apart; RatInABox
differs from itself by as much when only its rotation is rounded differently (the slow test
below). Beyond that horizon the claim is that the engines draw paths from the same
distribution: speed, rotational velocity, distance to the nearest wall, and occupancy.

Each engine runs its own 10 seeds (different ones, so the two groups are independent). The
statistics are KS distances between the pooled samples (speed, rotational velocity, wall
distance; one sample every 2 s) and the total-variation distance between the mean 5 x 5
occupancy maps; their p-values come from permuting whole seeds between the groups, which is
valid however strongly a path is correlated in time.
"""

import warnings

import numpy as np
import pytest

import placedecode as pdc

pytest.importorskip("numba")

WALLED = {
    "box": {},
    "inner_wall": {"walls": [[[0.5, 0.0], [0.5, 0.6]]]},
    "polygon": {"boundary": [[0, 0], [1.2, 0], [1.0, 0.8], [0.4, 1.1], [0.0, 0.6]]},
}


def _distance_to_walls(positions, walls):
    """(n,) distance in metres from each position (n, 2) to the nearest wall segment."""
    a, b = walls[:, 0], walls[:, 1]
    ab = b - a
    lam = np.clip(np.einsum("nkd,kd->nk", positions[:, None] - a, ab) / np.sum(ab**2, axis=1), 0, 1)
    closest = a + lam[..., None] * ab
    return np.linalg.norm(positions[:, None] - closest, axis=-1).min(axis=1)


def _per_seed(paths, stride, bins):
    """Per path: speed (m/s), rotational velocity (rad/s), distance to the nearest wall (m), occupancy (25,)."""
    out = []
    for path in paths:
        angle = np.arctan2(path.velocity[1], path.velocity[0])
        turn = (np.diff(angle) + np.pi) % (2 * np.pi) - np.pi
        where = path.position.T[::stride]
        occupancy = np.histogram2d(*where.T, bins=bins)[0].ravel() / len(where)
        out.append((np.linalg.norm(path.velocity, axis=0)[::stride], (turn / path.dt)[::stride],
                    _distance_to_walls(where, np.asarray(path.environment.walls, float)), occupancy))
    return out


def _ks(x, y):
    """Two-sample Kolmogorov-Smirnov distance max |F_x - F_y| (as scipy.stats.ks_2samp's statistic)."""
    x, y = np.sort(x), np.sort(y)
    z = np.concatenate([x, y])
    return np.abs(np.searchsorted(x, z, "right") / x.size - np.searchsorted(y, z, "right") / y.size).max()


def _statistics(seeds):
    """KS distances of the pooled samples (speed, rotation, wall distance), total variation of occupancy."""
    return lambda group: {
        "speed": _ks(*(np.concatenate([seeds[i][0] for i in g]) for g in group)),
        "rotation": _ks(*(np.concatenate([seeds[i][1] for i in g]) for g in group)),
        "wall_distance": _ks(*(np.concatenate([seeds[i][2] for i in g]) for g in group)),
        "occupancy": 0.5 * np.abs(np.mean([seeds[i][3] for i in group[0]], axis=0)
                                  - np.mean([seeds[i][3] for i in group[1]], axis=0)).sum(),
    }


def _p_values(paths_a, paths_b, stride, n_permutations=1000):
    """Permutation p-values, seeds exchanged between the engines (valid however correlated a path is)."""
    extent = paths_a[0].environment.extent
    bins = [np.linspace(extent[0], extent[1], 6), np.linspace(extent[2], extent[3], 6)]
    seeds = _per_seed(paths_a, stride, bins) + _per_seed(paths_b, stride, bins)
    statistic = _statistics(seeds)
    n = len(paths_a)
    observed = statistic((range(n), range(n, len(seeds))))
    rng = np.random.default_rng(0)
    exceed = dict.fromkeys(observed, 0)
    for _ in range(n_permutations):
        order = rng.permutation(len(seeds))
        for name, value in statistic((order[:n], order[n:])).items():
            exceed[name] += value >= observed[name]
    return {name: (1 + exceed[name]) / (1 + n_permutations) for name in observed}


def _paths(seeds, engine, minutes, dt, environment, agent_params=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return pdc.simulate_trajectories(seeds, minutes=minutes, dt=dt, environment=environment,
                                         agent_params=agent_params, engine=engine, cache=False, progress=False)


def test_speed_turning_wall_distance_and_occupancy_match_ratinabox_over_ten_seeds():
    """Fast version: the default box, 10 seeds x 30 s per engine, dt 0.1 s."""
    fast = _paths(range(10), "fast", 0.5, 0.1, {})
    reference = _paths(range(100, 110), "ratinabox", 0.5, 0.1, {})
    p = _p_values(fast, reference, stride=10, n_permutations=300)
    assert min(p.values()) > 0.01, p


@pytest.mark.slow
@pytest.mark.parametrize("arena", sorted(WALLED))
def test_distributions_match_ratinabox_over_ten_seeds_of_ten_minutes(arena):
    """Permutation tests on speed, rotation and wall-distance distributions and 5 x 5 occupancy.

    Fast seeds 0-9 against RatInABox seeds 100-109, 10 min at dt 0.1 s; ``pytest -s`` prints
    the p-values (1000 permutations). The same test tells a changed model apart (thigmotaxis
    0.5 -> 0.2: wall-distance p < 0.01).
    """
    env = WALLED[arena]
    fast = _paths(range(10), "fast", 10, 0.1, env)
    reference = _paths(range(100, 110), "ratinabox", 10, 0.1, env)
    p = _p_values(fast, reference, stride=20)
    print(f"\n{arena}: p-values fast vs RatInABox {p}")
    assert min(p.values()) > 0.01, p
    changed = _paths(range(10), "fast", 10, 0.1, env, agent_params={"thigmotaxis": 0.2})
    p_changed = _p_values(changed, reference, stride=20)
    print(f"{arena}: p-values with thigmotaxis 0.2 instead of 0.5 {p_changed}")
    assert p_changed["wall_distance"] < 0.01, p_changed


@pytest.mark.slow
def test_ratinabox_diverges_from_itself_when_one_rounding_changes():
    """Why paths part after minutes: RatInABox against RatInABox with its rotation rounded differently."""
    from ratinabox import utils

    kw = dict(minutes=10, dt=0.01, random_state=11, progress=False, cache=False)
    reference = pdc.simulate_trajectory(engine="ratinabox", **kw)
    fast = pdc.simulate_trajectory(engine="fast", **kw)
    original = utils.rotate

    def rotate_without_blas(vector, theta):  # the same product, each term rounded on its own
        c, s = np.cos(theta), np.sin(theta)
        return np.array([c * vector[0] - s * vector[1], s * vector[0] + c * vector[1]])

    utils.rotate = rotate_without_blas
    try:
        rerounded = pdc.simulate_trajectory(engine="ratinabox", **kw)
    finally:
        utils.rotate = original
    itself = np.abs(rerounded.position - reference.position).max()
    ours = np.abs(fast.position - reference.position).max()
    print(f"\nmax |delta position| over 10 min: RatInABox vs itself re-rounded {itself:.2e} m, "
          f"fast vs RatInABox {ours:.2e} m")
    assert np.abs(rerounded.position - reference.position)[:, :6000].max() < 1e-9  # first minute: the same
    assert ours < 10 * max(itself, 1e-6)
