"""The fast motion engine's numerics: NumPy's legacy generator and SciPy's normal cdf/ppf, compiled."""

import numpy as np
import pytest

pytest.importorskip("numba")
from scipy import special, stats  # noqa: E402

from placedecode.sim import _motion_rng as rng  # noqa: E402
from placedecode.sim import _motion_special as sp  # noqa: E402


def _legacy_draws_one_call_at_a_time(seed, sizes):
    """The draws RatInABox makes in one step (OU scalars, jitter blocks, randn), call by call."""
    np.random.seed(seed)
    out = []
    for size, scale in sizes:
        if scale is None:
            out.append(np.ravel(np.random.randn(*size)))
        else:
            out.append(np.ravel(np.random.normal(size=size, scale=scale)) / scale)
    return np.concatenate(out)


def test_legacy_normal_drawn_in_bulk_equals_the_same_draws_one_call_at_a_time():
    # a 2D step in a box: rotation, speed, wall jitter (position + 4 walls), collision jitter,
    # then a zero-length step's randn(2); odd sizes leave a cached Box-Muller value between calls
    sizes = [((), 0.01), ((), 0.01), ((1, 2), 1e-6), ((4, 2, 2), 1e-6), ((4, 2, 2), 1e-9), ((1, 2, 2), 1e-9),
             ((2,), None), ((1,), 1e-8), ((3,), 0.5)] * 50
    n = sum(int(np.prod(size)) for size, _ in sizes)
    for seed in (0, 1, 12345):
        # `normal(scale=s)` is `0 + s * gauss`: dividing by s recovers gauss to within rounding
        np.testing.assert_allclose(_legacy_draws_one_call_at_a_time(seed, sizes),
                                   np.random.RandomState(seed).standard_normal(n), rtol=1e-15, atol=0)
    # and the scaled draws are bit for bit `scale * gauss`
    np.random.seed(3)
    scaled = np.concatenate([np.ravel(np.random.normal(size=s, scale=1e-6)) for s in [(), (1, 2), (4, 2, 2)] * 20])
    assert np.array_equal(scaled, 1e-6 * np.random.RandomState(3).standard_normal(scaled.size))


@pytest.mark.parametrize("skip", [0, 1, 7])  # skip=1: the stream starts on a cached Box-Muller value
def test_compiled_generator_reproduces_numpy_bit_for_bit(skip):
    rs = np.random.RandomState(2024)
    rs.standard_normal(skip)
    key, ints, cached = rng.state_from_numpy(rs)
    assert ints[1] == skip % 2  # has_gauss
    ours = np.empty(200_000)  # > 624 words: the generator regenerates its state many times
    rng.fill_gauss(key, ints, cached, ours, 0, ours.size)
    np.testing.assert_array_equal(ours, rs.standard_normal(ours.size))
    uniforms = np.empty(1001)
    rng.fill_uniform(key, ints, -0.3, 2.5, uniforms)
    np.testing.assert_array_equal(uniforms, rs.uniform(-0.3, 2.5, size=uniforms.size))
    # the state the compiled generator ends in is NumPy's
    mirror = rng.state_to_numpy(key, ints, cached)
    np.testing.assert_array_equal(mirror.standard_normal(5), rs.standard_normal(5))


def _ulps(a, b):
    return np.abs(a - b) / np.spacing(np.maximum(np.abs(b), np.finfo(float).tiny))


def test_ndtri_matches_scipy_over_the_whole_range():
    r = np.random.default_rng(0)
    y = np.concatenate([
        10.0 ** r.uniform(-300, 0, 200_000),  # lower tail down to 1e-300
        r.uniform(0, 1, 200_000),
        1 - 10.0 ** r.uniform(-16, 0, 200_000),  # upper tail
        [np.exp(-2), 1 - np.exp(-2), np.exp(-32), 0.5, 1e-6, 1 - 1e-6, 5e-324],
    ])
    ours = np.empty_like(y)
    sp.ndtri_array(y, ours)
    expected = special.ndtri(y)
    np.testing.assert_array_equal(stats.norm.ppf(y), expected)  # what RatInABox calls
    assert _ulps(ours, expected).max() <= 2
    assert np.mean(ours == expected) > 0.99
    edges = np.array([0.0, 1.0, -0.1, 1.1, np.nan])
    out = np.empty_like(edges)
    sp.ndtri_array(edges, out)
    np.testing.assert_array_equal(out, [-np.inf, np.inf, np.nan, np.nan, np.nan])


def test_ndtr_matches_scipy_over_the_whole_range():
    r = np.random.default_rng(1)
    x = np.concatenate([r.uniform(-40, 40, 200_000), r.normal(size=200_000), r.uniform(-1.5, 1.5, 100_000),
                        [0.0, np.sqrt(0.5), -np.sqrt(0.5), 1.0, -1.0, 8 * np.sqrt(2), -38.5, 40.0, np.inf, -np.inf]])
    ours = np.empty_like(x)
    sp.ndtr_array(x, ours)
    expected = special.ndtr(x)
    np.testing.assert_array_equal(stats.norm.cdf(x), expected)
    nonzero = expected > 0
    assert _ulps(ours[nonzero], expected[nonzero]).max() <= 2
    assert np.all(ours[~nonzero] == 0)


def test_rayleigh_speed_transform_matches_scipy_distributions():
    # RatInABox's rayleigh_to_normal / normal_to_rayleigh are the closed-form Rayleigh cdf and
    # inverse cdf composed with the normal ppf / cdf; the kernel computes them the same way
    sigma = 0.08
    speeds = np.linspace(1e-4, 0.6, 2001)
    u = np.clip(1 - np.exp(-speeds**2 / (2 * sigma**2)), 1e-6, 1 - 1e-6)
    z = np.empty_like(u)
    sp.ndtri_array(u, z)
    np.testing.assert_allclose(z, stats.norm.ppf(np.clip(stats.rayleigh.cdf(speeds, scale=sigma), 1e-6, 1 - 1e-6)),
                               rtol=1e-12, atol=1e-12)
    cdf = np.empty_like(z)
    sp.ndtr_array(z, cdf)
    back = sigma * np.sqrt(-2 * np.log(1 - cdf))
    inside = (u > 1e-6) & (u < 1 - 1e-6)
    np.testing.assert_allclose(back[inside], speeds[inside], rtol=1e-9)
    # (scipy uses log1p; 1 - cdf loses ~1e-11 relative at the 1e-6 clip)
    np.testing.assert_allclose(back, stats.rayleigh.ppf(cdf, scale=sigma), rtol=1e-10)
