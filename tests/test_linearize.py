"""linearize: 2D track positions -> distance along the track, by PCA or a user's polyline."""

import numpy as np
import pytest

from placedecode.datasets import DataWarning, from_spike_times, linearize


def test_principal_axis_of_a_diagonal_track_gives_the_distance_travelled():
    rng = np.random.default_rng(0)
    s = rng.uniform(0, 1.5, 2000)  # metres along a 1.5 m track
    direction = np.array([np.cos(0.6), np.sin(0.6)])
    normal = np.array([-direction[1], direction[0]])
    xy = np.array([0.2, 0.3]) + s[:, None] * direction + rng.normal(0, 0.02, 2000)[:, None] * normal
    lin = linearize(xy)
    assert lin.min() == pytest.approx(0.0) and lin.max() == pytest.approx(np.ptp(s), abs=0.005)
    np.testing.assert_allclose(lin - lin.min(), s - s.min(), atol=0.005)  # head sway is projected out
    # the same track drawn backwards is oriented the same way (towards +x)
    np.testing.assert_allclose(linearize(xy[::-1])[::-1], lin, atol=1e-9)


def test_off_track_positions_are_nan_and_do_not_tilt_the_axis():
    rng = np.random.default_rng(1)
    s = rng.uniform(0, 1.0, 1000)
    xy = np.c_[s, 0.01 * rng.normal(size=1000)]  # along x
    xy[:50] = np.c_[np.full(50, 0.9), np.linspace(0.3, 0.8, 50)]  # carried in from the side
    lin, dist = linearize(xy, max_distance=0.1, return_distance=True)
    assert np.isnan(lin[:50]).all() and np.isfinite(lin[50:]).all()
    np.testing.assert_allclose(lin[50:], s[50:] - s[50:].min(), atol=0.01)
    assert dist[:50].min() > 0.25


def test_user_polyline_for_a_maze():
    L = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 0.5]])  # an L: 1 m, then 0.5 m up
    xy = np.array([[0.25, 0.02], [1.03, 0.25], [1.0, 0.5], [np.nan, 0.1], [-0.5, 0.0]])
    lin, dist = linearize(xy, polyline=L, return_distance=True)
    np.testing.assert_allclose(lin[:3], [0.25, 1.25, 1.5])
    np.testing.assert_allclose(dist[:3], [0.02, 0.03, 0.0], atol=1e-12)
    assert np.isnan(lin[3])
    assert lin[4] == 0.0 and dist[4] == pytest.approx(0.5)  # beyond the start: clipped to it


def test_a_recording_comes_back_1d_with_its_velocity_along_the_track():
    t = np.arange(0, 120, 1 / 30)
    phase = (t * 0.2) % 2.0
    s = np.where(phase < 1, phase, 2 - phase)  # back and forth at 0.2 m/s
    xy = np.c_[0.5 + 0.8 * s, 1.0 + 0.6 * s]  # a diagonal track, 1 m long
    xy[1800:1830] = [2.0, 0.2]  # half a second off the track (carried)
    rng = np.random.default_rng(2)
    trains = [np.sort(rng.uniform(0, 120, 300)) for _ in range(3)]
    rec2d = from_spike_times(trains, t, xy, 0.25, max_speed=None)
    with pytest.warns(DataWarning, match="farther than max_distance"):
        rec = linearize(rec2d, max_distance=0.1)
    assert rec.n_dims == 1 and rec.velocity.shape == (1, rec.n_samples)
    assert rec2d.n_samples - rec.n_samples == rec.metadata["report"].off_track >= 2
    running = (np.abs(rec.velocity[0]) > 0.1) & (np.abs(rec.t - 60.5) > 1.0)  # not next to the jump away
    np.testing.assert_allclose(np.abs(rec.velocity[0][running]), 0.2, atol=0.02)  # 20 cm/s along the track
    assert rec.position.min() >= 0 and 0.9 < rec.position.max() <= 1.0  # metres along the 1 m track
    # the stored axis linearizes another session the same way
    again = linearize(rec2d.position.T, polyline=rec.metadata["track"])
    np.testing.assert_allclose(again[np.isin(rec2d.t, rec.t)], rec.position[0], atol=1e-12)


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((np.zeros((5, 3)),), {}, r"shape \(n, 2\)"),
        ((np.full((5, 2), np.nan),), {}, "at least 2 finite"),
        ((np.zeros((5, 2)),), {"polyline": [[0, 0]]}, "polyline must be"),
        ((np.zeros((5, 2)),), {"polyline": [[0, 0], [0, 0]]}, "non-zero length"),
        ((np.zeros((5, 2)),), {"max_distance": -1.0}, "max_distance"),
    ],
)
def test_bad_input_is_named(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        linearize(*args, **kwargs)
