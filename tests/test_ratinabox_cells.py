"""Your own RatInABox Neurons classes in placedecode: record, simulate, register, compare, CLI."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from ratinabox.Neurons import FeedForwardLayer, GridCells, PlaceCells
from user_cells import AdaptingPlaceCells, SharpPlaceCells

import placedecode as pdc
from placedecode.sim import CELL_TYPES, register_cell_type

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def traj():
    return pdc.simulate_trajectory(minutes=1, random_state=3, progress=False)


@pytest.fixture
def registry():
    """Register types for one test only."""
    added = []

    def register(*args, **kwargs):
        entry = register_cell_type(*args, **kwargs)
        added.append(entry.name)
        return entry

    yield register
    for name in added:
        dict.pop(CELL_TYPES, name, None)


def ratinabox_loop(populations, traj):
    """RatInABox's own per-step loop on the same path: the populations' Agent is forced
    through the trajectory's positions with ``Agent.update(forced_next_position=...)`` and
    every population runs ``Neurons.update()`` after it, saving its history."""
    agent = populations[0].Agent
    for layer in populations:
        layer.save_history = True
        layer.reset_history()
        if isinstance(layer, AdaptingPlaceCells):
            layer.adaptation = np.zeros(layer.n)  # start unadapted, as when it was recorded
    agent.pos = traj.position[:, 0] - traj.velocity[:, 0] * traj.dt
    for i in range(traj.n_samples):
        agent.update(forced_next_position=traj.position[:, i].copy())
        for layer in populations:
            layer.update()
    return [np.asarray(layer.history["firingrate"]).T for layer in populations]


# ------------------------------------------------------------------------ classes as cells
def test_a_user_subclass_is_recorded_with_its_own_get_state(traj):
    centres = np.random.default_rng(0).uniform(0.1, 0.9, size=(12, 2))
    params = {"sharpness": 4.0, "widths": 0.2, "place_cell_centres": centres}
    rec = pdc.record(traj, cells=SharpPlaceCells, n_cells=12, cell_params=params, max_fr=10.0, random_state=0)
    (pop,) = rec.populations
    assert rec.rates.shape == (12, traj.n_samples) and set(rec.cell_types) == {"SharpPlaceCells"}
    assert pop.path == "get_state" and isinstance(pop.neurons, SharpPlaceCells) and pop.neurons.sharpness == 4.0
    expected = pop.neurons.get_state(evaluate_at=None, pos=traj.position.T)
    np.testing.assert_array_equal(rec.true_rates, expected)
    # sharper than plain place cells with the same centres and widths: lower mean rates
    plain = pdc.record(traj, cells=PlaceCells, n_cells=12, cell_params={"widths": 0.2, "place_cell_centres": centres},
                       max_fr=10.0, random_state=0)
    assert rec.rates.mean() < 0.6 * plain.rates.mean()
    # the cells' parameters are read as for place cells
    np.testing.assert_array_equal(rec.cell_params["centre"], centres)
    np.testing.assert_allclose(rec.cell_params["width"], 0.2)
    assert rec.cell_params["max_fr"].max() == 10.0


def test_feedforward_layer_over_place_cells_equals_ratinabox_per_step_loop(traj):
    cells = {"place": 16, FeedForwardLayer: 4}
    params = {FeedForwardLayer: {"input_layers": ["place"], "activation_function": {"activation": "relu"}}}
    rec = pdc.record(traj, cells=cells, cell_params=params, max_fr=5.0, random_state=1)
    place, ffl = rec.populations
    assert rec.cell_types.tolist() == ["place"] * 16 + ["FeedForwardLayer"] * 4
    assert ffl.neurons.inputs and list(ffl.neurons.inputs.values())[0]["layer"] is place.neurons
    expected_place, expected_ffl = ratinabox_loop([place.neurons, ffl.neurons], traj)
    np.testing.assert_allclose(rec.true_rates[:16], expected_place, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(rec.true_rates[16:], expected_ffl, rtol=1e-10, atol=1e-10)
    assert rec.true_rates[16:].max() > 0 and ffl.path in ("get_state", "per_step")


def test_stateful_cells_fall_back_to_ratinabox_per_step_loop(traj):
    rec = pdc.record(traj, cells={AdaptingPlaceCells: 9, "place": 4}, max_fr=8.0, random_state=2)
    adapting, place = rec.populations
    assert (adapting.path, place.path) == ("per_step", "get_state")
    (expected,) = ratinabox_loop([adapting.neurons], traj)
    np.testing.assert_allclose(rec.true_rates[:9], expected, rtol=1e-12, atol=1e-12)
    # adaptation lowers the rates below the plain fields (RatInABox's own get_state of position)
    field = PlaceCells.get_state(adapting.neurons, evaluate_at=None, pos=traj.position.T)
    assert np.all(rec.true_rates[:9] <= field + 1e-12) and rec.true_rates[:9].mean() < 0.9 * field.mean()


def test_a_feedforward_layer_reading_per_step_cells_is_per_step_too(traj):
    cells = {AdaptingPlaceCells: 6, FeedForwardLayer: 3}
    rec = pdc.record(traj, cells=cells, cell_params={FeedForwardLayer: {"input_layers": [AdaptingPlaceCells]}},
                     random_state=4)
    adapting, ffl = rec.populations
    assert adapting.path == ffl.path == "per_step"
    expected_adapting, expected_ffl = ratinabox_loop([adapting.neurons, ffl.neurons], traj)
    np.testing.assert_allclose(rec.true_rates[:6], expected_adapting, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(rec.true_rates[6:], expected_ffl, rtol=1e-10, atol=1e-10)


def test_a_class_with_its_own_update_is_stepped_not_vectorised(traj):
    class RampingPlaceCells(PlaceCells):
        """Place cells whose gain grows by 1 % per step: state in update(), not in get_state()."""

        default_params = {}

        def update(self, **kwargs):
            super().update(**kwargs)
            self.steps = getattr(self, "steps", 0) + 1
            self.firingrate = self.firingrate * (1 + 0.01 * self.steps)

    rec = pdc.record(traj, cells=RampingPlaceCells, n_cells=4, random_state=0)
    (pop,) = rec.populations
    assert pop.path == "per_step"
    field = PlaceCells.get_state(pop.neurons, evaluate_at=None, pos=traj.position.T)
    np.testing.assert_allclose(rec.true_rates, field * (1 + 0.01 * np.arange(1, traj.n_samples + 1)), rtol=1e-12)


def test_registered_classes_work_by_name_and_with_an_evaluator(traj, registry):
    registry(SharpPlaceCells, "sharp_place", defaults={"sharpness": 2.0, "widths": 0.25})
    assert "sharp_place" in CELL_TYPES and "sharp_place" in pdc.CELL_TYPES
    by_name = pdc.record(traj, cells="sharp_place", n_cells=9, random_state=0)
    by_class = pdc.record(traj, cells=SharpPlaceCells, n_cells=9, random_state=0)  # the registered type
    np.testing.assert_array_equal(by_name.rates, by_class.rates)
    assert set(by_class.cell_types) == {"sharp_place"} and by_name.populations[0].neurons.sharpness == 2.0

    calls = []

    def evaluator(neurons, trajectory):
        calls.append(trajectory.n_samples)
        return PlaceCells.get_state(neurons, evaluate_at=None, pos=trajectory.position.T)

    registry(PlaceCells, "plain_place_fast", evaluator=evaluator)
    rec = pdc.record(traj, cells={"plain_place_fast": 5, "grid": 3}, random_state=0)
    assert calls == [traj.n_samples] and rec.populations[0].path == "fast"
    np.testing.assert_array_equal(rec.rates[:5], evaluator(rec.populations[0].neurons, traj))

    registry(AdaptingPlaceCells, "adapting_forced", evaluator="per_step")
    assert pdc.record(traj, cells="adapting_forced", n_cells=3, random_state=0).populations[0].path == "per_step"


def test_import_paths_work_wherever_a_name_does(traj):
    rec = pdc.simulate(cells={"user_cells:SharpPlaceCells": 6, "place": 4}, minutes=1, random_state=3,
                       progress=False)
    assert rec.cell_types.tolist() == ["SharpPlaceCells"] * 6 + ["place"] * 4
    assert "user_cells:SharpPlaceCells" in CELL_TYPES and "user_cells:NoSuchClass" not in CELL_TYPES
    assert CELL_TYPES["user_cells:SharpPlaceCells"].cls is SharpPlaceCells
    np.testing.assert_array_equal(rec.position, traj.position)  # same seed, same path


def test_compare_and_plots_with_a_registered_user_type(tmp_path, registry):
    from placedecode.experiments import compare, make_decoders
    from placedecode.plotting import plot_error_by_cell_type

    registry(SharpPlaceCells, "sharp_place", defaults={"sharpness": 2.0, "widths": 0.2})
    cells = ["sharp_place", "place", "user_cells:AdaptingPlaceCells"]
    table = compare(cells=cells, decoders=make_decoders(["linear"]), n_cells=[16], seeds=[0],
                    minutes=1.5, max_fr=10, noise="poisson", out=tmp_path / "cmp", progress=False)
    rows = {r["cells"]: r for r in table}
    assert set(rows) == set(cells) and table.n_failed == 0
    for row in rows.values():  # 90 s are too short for good decoding; the rows must be real numbers
        assert 0.5 < row["error_cm"] < 100.0 and row["n_train"] == 720 and row["n_test"] == 180
    assert (tmp_path / "cmp" / "results.csv").is_file()
    fig, ax = plot_error_by_cell_type(table)
    labels = [t.get_text().replace("\n", "_") for t in ax.get_xticklabels()]
    assert labels[:2] == ["sharp_place", "place"] and "AdaptingPlaceCells" in labels[2]


@pytest.mark.slow
def test_cli_accepts_an_import_path(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "placedecode.cli", "compare", "--cells", "user_cells:SharpPlaceCells",
               "user_cells:SharpPlaceCells:8+place:8", "--decoders", "linear", "--n-cells", "9", "--minutes", "1",
               "--out", str(tmp_path / "cli"), "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "SharpPlaceCells" in done.stdout and "SharpPlaceCells:8+place:8" in done.stdout


def test_cli_parses_import_paths_as_names():
    from placedecode.cli import _parse_cells

    assert _parse_cells(["user_cells:SharpPlaceCells", "place:5+user_cells:SharpPlaceCells:7", "grid"]) == [
        "user_cells:SharpPlaceCells", {"place": 5, "user_cells:SharpPlaceCells": 7}, "grid"]


def test_model_rate_maps_of_user_types(traj):
    rec = pdc.record(traj, cells={SharpPlaceCells: 4, AdaptingPlaceCells: 2}, random_state=0)
    maps = rec.rate_maps(bin_size=0.05).maps
    assert np.all(np.isfinite(maps[:4])) and np.all(np.isnan(maps[4:]))  # per-step cells have no model map
    sharp = rec.populations[0].neurons
    peak = np.unravel_index(np.argmax(maps[0]), maps[0].shape)  # (row = y, column = x)
    centre = sharp.place_cell_centres[0]
    assert abs(0.025 + 0.05 * peak[1] - centre[0]) <= 0.05 and abs(0.025 + 0.05 * peak[0] - centre[1]) <= 0.05


# ---------------------------------------------------------------------- Neurons objects
def test_neurons_of_the_trajectory_agent_are_recorded_and_left_unchanged():
    from ratinabox.Agent import Agent
    from ratinabox.Environment import Environment

    agent = Agent(Environment(), {"dt": 0.1})
    mine = GridCells(agent, {"n": 5, "max_fr": 4.0})
    traj = pdc.simulate_trajectory(minutes=0.5, agent=agent, random_state=0, progress=False)
    rec = pdc.record(traj, cells={mine: None, "place": 3}, random_state=0)
    assert rec.cell_types.tolist() == ["grid"] * 5 + ["place"] * 3
    np.testing.assert_allclose(rec.rates[:5], mine.get_state(evaluate_at=None, pos=traj.position.T), rtol=1e-12)
    assert rec.populations[0].neurons is not mine and rec.populations[0].neurons.Agent is not agent
    assert mine.Agent is agent and mine.history["firingrate"] == [] and agent.history["t"] == []

    elsewhere = pdc.simulate_trajectory(minutes=0.5, random_state=0, progress=False)
    with pytest.raises(ValueError, match="whose Agent is not the trajectory's"):
        pdc.record(elsewhere, cells=mine)


# ------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "cells, kwargs, error, match",
    [
        (dict, {}, TypeError, "not a ratinabox.Neurons.Neurons subclass"),
        (["place", "grid"], {}, TypeError, "a mapping of types to counts"),
        ({"place": 5, PlaceCells: 0}, {}, ValueError, r"cells\[PlaceCells\] must be >= 1"),
        ({"place": 5, "user_cells:SharpPlaceCells": 3, SharpPlaceCells: 2}, {}, ValueError,
         "lists the cell type 'SharpPlaceCells' twice"),
        ({"place": 5, PlaceCells: 2}, {}, ValueError, "lists the cell type 'place' twice"),
        ("user_cells:Nope", {}, ValueError, "has no attribute 'Nope'"),
        ("no_such_module_x:Cells", {}, ValueError, "cannot import module 'no_such_module_x'"),
        ("numpy:ndarray", {}, ValueError, "not a ratinabox.Neurons.Neurons subclass"),
        ({FeedForwardLayer: 3, "place": 4}, {"cell_params": {FeedForwardLayer: {"input_layers": ["grid"]}}},
         ValueError, r"input_layers'\]\[0\] is 'grid'"),
    ],
)
def test_bad_cells_raise_clear_errors(traj, cells, kwargs, error, match):
    with pytest.raises(error, match=match):
        pdc.record(traj, cells=cells, **kwargs)


def test_two_d_only_cells_in_one_d_and_instances_as_cells_are_refused():
    from ratinabox.Neurons import BoundaryVectorCells

    traj1d = pdc.simulate_trajectory(minutes=0.2, environment={"dimensionality": "1D"}, random_state=0,
                                     progress=False)
    with pytest.raises(ValueError, match="cells: cell type 'boundary_vector' needs a 2D environment"):
        pdc.record(traj1d, cells=BoundaryVectorCells)
    with pytest.raises(TypeError, match="register_cell_type takes a CellType or a RatInABox Neurons subclass"):
        register_cell_type(object)
    with pytest.raises(ValueError, match="reserves"):
        register_cell_type(SharpPlaceCells, "sharp:place")
    with pytest.raises(ValueError, match="already registered"):
        register_cell_type(PlaceCells, "place")
