"""placedecode's own evaluators of boundary vector cells and random spatial neurons equal RatInABox's.

RatInABox's ``BoundaryVectorCells.get_state`` jitters every wall and ray by ~1e-9 m with
fresh random draws (``utils.vector_intercepts``), so it differs from itself by ~1e-7
relative; with that jitter switched off (the ``no_jitter`` fixture) it must equal
placedecode's rates to 1e-10 relative. ``RandomSpatialNeurons.get_state`` draws nothing:
it is compared as it is.
"""

import time

import numpy as np
import pytest
from ratinabox.Neurons import RandomSpatialNeurons

import placedecode as pdc
from placedecode.sim import _bvc

RTOL = 1e-10
# without its jitter, RatInABox divides by zero for rays parallel to a wall (and handles the infinities)
pytestmark = pytest.mark.filterwarnings("ignore:divide by zero encountered:RuntimeWarning")
BOX = None
INNER_WALL = {"walls": [[[0.5, 0.0], [0.5, 0.6]]]}
TWO_WALLS = {"walls": [[[0.5, 0.0], [0.5, 0.6]], [[0.2, 0.8], [0.8, 0.8]]]}
L_SHAPE = {"boundary": [[0, 0], [1, 0], [1, 0.5], [0.5, 0.5], [0.5, 1], [0, 1]]}  # concave, six walls
QUADRILATERAL = {"boundary": [[0, 0], [1.2, 0.1], [1.0, 0.9], [0.1, 1.1]]}  # four walls, not a rectangle
PENTAGON = {"boundary": [[0, 0], [1.2, 0], [1.0, 0.8], [0.4, 1.1], [0.0, 0.6]]}
HOLE = {"holes": [[[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6]]]}
WIDE = {"aspect": 2.0}
PERIODIC = {"boundary_conditions": "periodic"}
LINE = {"dimensionality": "1D"}
RING = {"dimensionality": "1D", "boundary_conditions": "periodic"}


@pytest.fixture
def no_jitter(monkeypatch):
    """RatInABox's geometry without its 1e-9 m random jitter (every other draw unchanged)."""
    normal = np.random.normal

    def jitter_free(*args, **kwargs):
        if kwargs.get("scale") == 1e-9:
            return np.zeros(kwargs["size"])
        return normal(*args, **kwargs)

    monkeypatch.setattr(np.random, "normal", jitter_free)


def _recording(environment, cells, n=8, minutes=0.5, seed=0, **kwargs):
    traj = pdc.simulate_trajectory(minutes=minutes, environment=environment, random_state=seed, progress=False)
    return pdc.record(traj, cells=cells, n_cells=n, max_fr=5.0, random_state=seed, **kwargs)


def _get_state(neurons, positions):
    return np.asarray(neurons.get_state(evaluate_at=None, pos=np.ascontiguousarray(positions)), dtype=float)


def _grid(env, dx=0.02):
    return env.discretise_environment(dx=dx).reshape(-1, env.D)


def _model_maps_equal_ratinabox(rec, bin_size=0.02):
    """``Recording.rate_maps`` (the model's tuning on a grid over the whole extent) vs ``get_state``."""
    maps = rec.rate_maps(bin_size=bin_size)
    centres = [0.5 * (e[1:] + e[:-1]) for e in maps.edges]
    grid = np.stack([g.ravel() for g in np.meshgrid(*centres)], axis=1)  # rows y, columns x, as maps
    expected = _get_state(rec.populations[0].neurons, grid)
    np.testing.assert_allclose(maps.maps.reshape(rec.n_cells, -1), expected, rtol=RTOL, atol=0)
    return expected


# ----------------------------------------------------------------------- boundary vector cells
@pytest.mark.parametrize("environment", [BOX, INNER_WALL, TWO_WALLS, L_SHAPE, PENTAGON, HOLE, WIDE],
                         ids=["box", "inner_wall", "two_walls", "L_shape", "pentagon", "hole", "wide"])
def test_boundary_vector_rates_equal_ratinabox_without_its_jitter(environment, no_jitter):
    rec = _recording(environment, "boundary_vector", seed=4)
    (pop,) = rec.populations
    assert pop.path == "fast"
    expected = _get_state(pop.neurons, rec.position.T)
    np.testing.assert_allclose(rec.true_rates, expected, rtol=RTOL, atol=0)
    assert rec.true_rates.max() > 0.5  # cells that fire: a wrong distance would show
    _model_maps_equal_ratinabox(rec)  # 2 cm grid over the extent: outside a polygon and in the hole too


@pytest.mark.parametrize("environment", [BOX, INNER_WALL, L_SHAPE, HOLE], ids=["box", "inner_wall", "L_shape", "hole"])
def test_boundary_vector_numpy_fallback_equals_the_compiled_kernels(environment, monkeypatch):
    traj = pdc.simulate_trajectory(minutes=0.5, environment=environment, random_state=1, progress=False)
    compiled = pdc.record(traj, cells="boundary_vector", n_cells=6, random_state=2)
    compiled_maps = compiled.rate_maps(bin_size=0.02).maps  # over the extent: outside a polygon too
    monkeypatch.setattr(_bvc, "kernels", lambda: None)  # as without numba
    fallback = pdc.record(traj, cells="boundary_vector", n_cells=6, random_state=2)
    np.testing.assert_allclose(fallback.true_rates, compiled.true_rates, rtol=1e-13, atol=0)
    np.testing.assert_allclose(fallback.cell_params["centre"], compiled.cell_params["centre"])
    np.testing.assert_allclose(fallback.rate_maps(bin_size=0.02).maps, compiled_maps, rtol=1e-13, atol=0)


def test_first_wall_distances_are_the_nearest_wall_ahead():
    # from (0.25, 0.5) in the unit box with a wall at x = 0.5 from y = 0 to 0.6
    walls = np.array([[[0, 0], [1, 0]], [[1, 0], [1, 1]], [[1, 1], [0, 1]], [[0, 1], [0, 0]], [[0.5, 0], [0.5, 0.6]]],
                     dtype=float)
    directions = np.array([[1, 0], [-1, 0], [0, 1], [0, -1], [np.sqrt(0.5), np.sqrt(0.5)]])
    for compiled in (None, False):
        d = _bvc.first_wall_distances(np.array([[0.25, 0.5], [0.75, 0.8]]), directions, walls, compiled=compiled)
        # to the right the inner wall; the diagonal passes above its end to the top wall
        np.testing.assert_allclose(d[0], [0.25, 0.25, 0.5, 0.5, 0.5 * np.sqrt(2)], rtol=1e-12)
        # above the inner wall's end: leftwards the room's wall
        np.testing.assert_allclose(d[1], [0.25, 0.75, 0.2, 0.8, 0.2 * np.sqrt(2)], rtol=1e-12)


def test_per_step_boundary_vector_rates_match_with_an_inner_wall():
    """Against RatInABox's own per-step loop, jitter and all (to its ~1e-7 self-disagreement)."""
    rec = _recording(INNER_WALL, "boundary_vector", n=5, minutes=0.25, seed=7)
    neurons = rec.populations[0].neurons
    expected = np.array([_get_state(neurons, p[None])[:, 0] for p in rec.position.T]).T  # one position a step
    np.testing.assert_allclose(rec.true_rates, expected, rtol=1e-5, atol=1e-12)


# ----------------------------------------------------------------------- random spatial neurons
@pytest.mark.parametrize(
    "environment, params",
    [(BOX, {}), (WIDE, {}), (QUADRILATERAL, {}), (LINE, {}), (RING, {}), (PERIODIC, {"wall_geometry": "euclidean"}),
     (INNER_WALL, {"wall_geometry": "euclidean"}), (BOX, {"wall_geometry": "line_of_sight"}),
     (BOX, {"lengthscale": 0.03}), (LINE, {"lengthscale": 0.3})],
    ids=["box", "wide", "quadrilateral", "line", "ring", "periodic", "inner_wall_euclidean", "box_line_of_sight",
         "short_lengthscale", "line_long_lengthscale"],
)
def test_random_spatial_rates_equal_ratinabox_where_distances_are_straight(environment, params):
    rec = _recording(environment, "random_spatial", seed=5, cell_params=params)
    (pop,) = rec.populations
    assert pop.path == "fast"
    np.testing.assert_allclose(rec.true_rates, _get_state(pop.neurons, rec.position.T), rtol=RTOL, atol=0)
    assert np.ptp(_model_maps_equal_ratinabox(rec), axis=1).max() > 1.0  # tuned cells (max_fr 5 Hz), not constants


@pytest.mark.parametrize("environment", [INNER_WALL, PENTAGON, L_SHAPE], ids=["inner_wall", "pentagon", "L_shape"])
def test_random_spatial_neurons_with_bent_distances_use_ratinabox_get_state(environment):
    # an inner wall (geodesic distances), six walls (RatInABox switches to line of sight)
    params = {"wall_geometry": "line_of_sight"} if environment is PENTAGON else {}
    rec = _recording(environment, "random_spatial", n=5, seed=6, cell_params=params)
    (pop,) = rec.populations
    assert pop.path == "get_state"
    np.testing.assert_allclose(rec.true_rates, _get_state(pop.neurons, rec.position.T), rtol=RTOL, atol=0)


class _CloserNeurons(RandomSpatialNeurons):
    """A user's subclass with its own kernel (distances halved): placedecode must use it."""

    default_params = dict()

    def kernel(self, x1, x2):
        return super().kernel(x1 / 2, x2 / 2)


def test_a_random_spatial_subclass_with_its_own_kernel_keeps_it():
    traj = pdc.simulate_trajectory(minutes=0.3, random_state=2, progress=False)
    rec = pdc.record(traj, cells=_CloserNeurons, n_cells=4, random_state=3)
    (pop,) = rec.populations
    assert pop.path == "get_state"
    np.testing.assert_allclose(rec.true_rates, _get_state(pop.neurons, traj.position.T), rtol=RTOL, atol=0)


# ----------------------------------------------------------------------- cell parameters
@pytest.mark.parametrize("cells, environment", [("boundary_vector", BOX), ("boundary_vector", L_SHAPE),
                                                ("random_spatial", BOX), ("random_spatial", LINE),
                                                ("grid", BOX)])
def test_centres_are_the_peaks_of_ratinabox_rate_maps_on_a_2_cm_grid(cells, environment, no_jitter):
    rec = _recording(environment, cells, n=6, seed=8)
    neurons = rec.populations[0].neurons
    grid = _grid(neurons.Agent.Environment, 0.02)
    maps = _get_state(neurons, grid)  # (n, grid points)
    centre = rec.cell_params["centre"]
    # the reported centre is a grid point where the map is at its maximum (ties may pick either)
    at_centre = np.array([maps[i, np.flatnonzero(np.all(np.isclose(grid, centre[i]), axis=1))[0]]
                          for i in range(rec.n_cells)])
    np.testing.assert_allclose(at_centre, maps.max(axis=1), rtol=1e-10)


# ----------------------------------------------------------------------- speed
def _best_of(repeats, function):
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("cells", ["boundary_vector", "random_spatial"])
def test_the_fast_evaluators_beat_ratinabox_get_state(cells):
    """Measured on one 2,000-position path in this process (busy machines: the best of three)."""
    from placedecode.sim._evaluate import spatial_rates

    rec = _recording(BOX, cells, n=25, minutes=0.1, seed=9)
    neurons = rec.populations[0].neurons
    traj = pdc.simulate_trajectory(minutes=2000 * 0.1 / 60, random_state=9, progress=False)
    positions = np.ascontiguousarray(traj.position.T)
    ours = _best_of(3, lambda: spatial_rates(neurons, cells, positions))
    theirs = _best_of(3, lambda: _get_state(neurons, positions))
    assert theirs / ours > 3, f"{cells}: placedecode {ours * 1e3:.1f} ms, RatInABox {theirs * 1e3:.1f} ms"


def test_long_spatial_evaluations_show_a_progress_bar(monkeypatch, capsys):
    from placedecode.sim import _evaluate

    monkeypatch.setattr(_evaluate, "BAR_RATES", 1000)  # as for an hour of many cells
    traj = pdc.simulate_trajectory(minutes=0.5, random_state=0, progress=False)
    pdc.record(traj, cells={"boundary_vector": 4, "random_spatial": 4}, random_state=0, progress=True)
    err = capsys.readouterr().err
    assert "Evaluating boundary_vector cells" in err and "Evaluating random_spatial cells" in err
    assert "300/300" in err  # every bin counted


# ----------------------------------------------------------------------- where RatInABox cannot
@pytest.mark.parametrize(
    "environment, cells, params, match",
    [
        (PERIODIC, "boundary_vector", None, r"only with solid boundaries; got environment\['boundary_conditions'\]"),
        (PERIODIC, "random_spatial", None,
         r"cell_params\['wall_geometry'\]='geodesic' .* pass wall_geometry='euclidean'"),
        (PERIODIC, "random_spatial", {"wall_geometry": "line_of_sight"}, "needs solid boundaries"),
        (PENTAGON, "random_spatial", None, "four-sided rooms with at most one inner wall; this room has 5 sides"),
        ({"boundary": [[0, 0], [1, 0], [0.5, 0.9]]}, "random_spatial", None, "this room has 3 sides and 0 inner"),
    ],
    ids=["bvc_periodic", "random_spatial_periodic", "line_of_sight_periodic", "geodesic_pentagon", "geodesic_triangle"],
)
def test_environments_ratinabox_cannot_build_the_cells_in_are_refused_clearly(environment, cells, params, match):
    traj = pdc.simulate_trajectory(minutes=0.2, environment=environment, random_state=0, progress=False)
    with pytest.raises(ValueError, match=match):
        pdc.record(traj, cells=cells, n_cells=3, cell_params=params)
