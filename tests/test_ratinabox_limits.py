"""Simulation limits: memory estimates before allocating, progress bars that move, parameter checks."""

import time

import numpy as np
import pytest

import placedecode as pdc
from placedecode.sim import InsufficientMemoryError, estimate_memory
from placedecode.sim import _memory, _progress


# ---------------------------------------------------------------------------------- memory
def test_memory_estimate_matches_what_a_simulation_allocates():
    rec = pdc.simulate(cells={"place": 20, "grid": 10}, minutes=1, noise="poisson", random_state=0, progress=False)
    est = estimate_memory(minutes=1, dt=0.1, n_cells=30, noise="poisson")
    assert est.parts["rates"] == rec.true_rates.nbytes and est.parts["noisy rates"] == rec.rates.nbytes
    trajectory_arrays = sum(a.nbytes for a in (rec.position, rec.velocity, rec.head_direction, rec.t)) + rec.position.nbytes
    assert est.parts["trajectory"] >= trajectory_arrays
    assert estimate_memory(minutes=1, n_cells=30).parts["noisy rates"] == 0
    assert 0 < est.gib < 1 and "GiB" in str(est)
    available = pdc.sim.available_memory()
    assert available is None or available > 2**20


@pytest.mark.parametrize(
    "kwargs, lever",
    [
        (dict(minutes=1e7, dt=0.001), "minutes"),  # ten million minutes at 1 ms: petabytes of path
        (dict(cells={"place": 10**9}, minutes=1), "n_cells"),  # a billion cells
        (dict(n_cells=2_000_000, minutes=600, dt=0.01), "n_cells"),
    ],
)
def test_requests_larger_than_memory_are_refused_before_any_work(kwargs, lever):
    start = time.perf_counter()
    with pytest.raises(InsufficientMemoryError, match=r"needs about [0-9.e+]+ GiB .* GiB of memory is available") as info:
        pdc.simulate(**{"random_state": 0, "progress": False, **kwargs})
    assert isinstance(info.value, MemoryError) and lever in str(info.value)
    assert time.perf_counter() - start < 5.0  # refused up front, not after minutes of work


def test_record_and_simulate_trajectory_check_memory_too(monkeypatch):
    traj = pdc.simulate_trajectory(minutes=1, random_state=0, progress=False)
    monkeypatch.setattr(_memory, "available_memory", lambda: 50 * 2**20)  # a machine with 50 MiB free
    with pytest.raises(InsufficientMemoryError, match=r"record\(N_cells=4000, T=600 bins\) needs about"):
        pdc.record(traj, cells="place", n_cells=4000)
    with pytest.raises(InsufficientMemoryError, match=r"simulate_trajectory\(minutes=600, dt=0.001\)"):
        pdc.simulate_trajectory(minutes=600, dt=0.001, progress=False)
    pdc.record(traj, cells="place", n_cells=25)  # small requests still run


# -------------------------------------------------------------------------------- progress
@pytest.fixture
def redraws(monkeypatch):
    """Times (s) at which any progress bar was redrawn."""
    times = []
    original = _progress.Progress._redraw

    def spy(self):
        times.append(time.monotonic())
        original(self)

    monkeypatch.setattr(_progress.Progress, "_redraw", spy)
    return times


def test_progress_bars_redraw_at_least_every_second(redraws):
    start = time.monotonic()
    pdc.simulate_trajectory(minutes=4, random_state=123, cache=False, progress=True)
    elapsed = time.monotonic() - start
    marks = [start, *redraws, time.monotonic()]
    assert elapsed < 1.5 or len(redraws) >= int(elapsed) - 1
    assert max(np.diff(marks)) < 1.0 + 0.5  # never a second without a redraw (plus scheduling slack)


def test_a_slow_step_does_not_freeze_the_bar(redraws):
    from ratinabox.Neurons import PlaceCells

    class SlowCells(PlaceCells):
        default_params = {}

        def update(self, **kwargs):
            time.sleep(0.4)  # a very slow per-step population
            super().update(**kwargs)

    traj = pdc.simulate_trajectory(minutes=0.01, dt=0.1, random_state=0, progress=False)  # 6 bins
    slow = pdc.sim.CellType("slow_test", SlowCells, evaluation="per_step")
    pdc.sim.register_cell_type(slow)
    try:
        start = time.monotonic()
        pdc.record(traj, cells="slow_test", n_cells=2, progress=True)
        elapsed = time.monotonic() - start
    finally:
        dict.pop(pdc.sim.CELL_TYPES, "slow_test")
    assert elapsed >= 2.4 and len(redraws) >= 3  # redrawn during the 0.4 s steps


# ---------------------------------------------------------------------- parameter checks
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(environment={"scale": -1}), ValueError, r"environment\['scale'\] must be a number in \(0, 1000\] m; got -1"),
        (dict(environment={"scale": 0}), ValueError, r"environment\['scale'\]"),
        (dict(environment={"scale": "big"}), TypeError, r"environment\['scale'\] must be a number"),
        (dict(environment={"aspect": float("nan")}), ValueError, r"environment\['aspect'\] must be a number in \(0, 1000\]"),
        (dict(environment={"boundary_conditions": "bouncy"}), ValueError, r"'solid' or 'periodic'; got 'bouncy'"),
        (dict(environment={"dx": 5}), ValueError, r"environment\['dx'\] must be a number in \(0, 1\] m"),
        (dict(environment={"walls": [[0, 0], [1]]}), TypeError, r"environment\['walls'\]"),
        (dict(environment={"walls": [[[0, 0], [1, 1, 1]]]}), TypeError, r"environment\['walls'\]"),
        (dict(environment={"walls": [[[0, 0], [np.inf, 1]]]}), ValueError, r"environment\['walls'\] contains NaN"),
        (dict(environment={"holes": [[[0.2, 0.2], [0.3, 0.3]]]}), ValueError, r"environment\['holes'\]\[0\].*k >= 3"),
        (dict(environment={"dimensionality": "1D", "walls": [[[0, 0], [1, 1]]]}), ValueError, "only to 2D"),
        (dict(environment={"objects": [[0.5]]}), ValueError, r"environment\['objects'\] must be object positions"),
        (dict(agent_params={"speed_mean": -0.1}), ValueError, r"agent_params\['speed_mean'\] must be > 0 m/s in a 2D"),
        (dict(agent_params={"speed_mean": 11}), ValueError, r"agent_params\['speed_mean'\] must be a number in \[-10, 10\] m/s"),
        (dict(agent_params={"speed_mean": 0}), ValueError, r"agent_params\['speed_mean'\] must be > 0 m/s in a 2D"),
        (dict(agent_params={"speed_coherence_time": 0}), ValueError, r"speed_coherence_time'\] must be a number in \(0"),
        (dict(agent_params={"rotational_velocity_std": "fast"}), TypeError, r"rotational_velocity_std'\] must be"),
        (dict(agent_params={"thigmotaxis": 1.5}), ValueError, r"agent_params\['thigmotaxis'\] must be a number in \[0, 1\]; got 1.5"),
        (dict(agent_params={"wall_repel_distance": -1}), ValueError, r"wall_repel_distance'\] must be a number in \(0, inf\] m"),
        (dict(cell_params={"widths": 0}), ValueError, r"cell_params\['widths'\] must be a positive field width in metres"),
        (dict(cell_params={"widths": -0.1}), ValueError, r"cell_params\['widths'\]"),
        (dict(cell_params={"max_fr": "ten"}), TypeError, r"cell_params\['max_fr'\] must be a positive number of Hz"),
        (dict(cell_params={"max_fr": 1e9}), ValueError, r"cell_params\['max_fr'\] must be a positive number of Hz, in \(0, 1000\]"),
        (dict(cell_params={"min_fr": 2, "max_fr": 1}), ValueError, r"cell_params\['min_fr'\] \(2 Hz\) must be below max_fr"),
        (dict(cell_params={"description": "square"}), ValueError, r"cell_params\['description'\] must be one of"),
        (dict(cell_params={"place_cell_centres": np.zeros((25, 3))}), ValueError, r"place_cell_centres'\] must be"),
        (dict(cell_params={"width": 0.1}), ValueError, r"cell_params\['width'\]: PlaceCells has no parameter 'width'"),
        (dict(cell_params={"n": 10}), ValueError, r"cell_params\['n'\]: pass the number of cells as n_cells"),
        (dict(cells={"grid": 5}, cell_params={"grid": {"gridscale": (0.3, -0.5)}}), ValueError,
         r"cell_params\['grid'\]\['gridscale'\] must be positive grid scale"),
        (dict(cells="random_spatial", cell_params={"lengthscale": 0.001}), ValueError, r"lengthscale'\] must be .* >= 0.02"),
        (dict(cells="random_spatial", environment={"scale": 20}, cell_params={"lengthscale": 0.1}), ValueError,
         r"lengthscale'\]=0.1 m in a 20 x 20 m environment needs a Gaussian process over 160000 points"),
        (dict(cells="head_direction", cell_params={"angular_spread_degrees": 0}), ValueError, r"angular_spread_degrees"),
        (dict(max_fr=float("inf")), ValueError, r"max_fr must be a positive number of Hz"),
        (dict(max_fr=5000), ValueError, r"max_fr must be a positive number of Hz, in \(0, 1000\]"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(kwargs, error, match):
    with pytest.raises(error, match=match):
        pdc.simulate(**{"minutes": 0.1, "random_state": 0, "progress": False, "cache": False, **kwargs})


def test_valid_edge_values_are_accepted():
    rec = pdc.simulate(n_cells=4, minutes=0.1, random_state=0, progress=False, cache=False,
                       environment={"scale": 2.0, "aspect": 1.5, "walls": [[[1.0, 0.0], [1.0, 1.0]]]},
                       agent_params={"thigmotaxis": 0.0, "speed_std": 0.0, "rotational_velocity_std": 0.0},
                       cell_params={"widths": np.full(4, 0.3), "max_fr": 1000, "min_fr": 0.5})
    assert rec.rates.max() <= 1000 and rec.rates.min() >= 0.5 - 1e-12
    assert rec.environment.extent.tolist() == [0, 3.0, 0, 2.0]
