"""The simulation module: shapes, units, seeding, exactness against RatInABox, splits, cache."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score

import placedecode as pdc
from placedecode.sim import CELL_TYPES, cache_dir


@pytest.fixture(scope="module")
def traj():
    return pdc.simulate_trajectory(minutes=2, dt=0.1, random_state=7, progress=False)


@pytest.fixture(scope="module")
def tutorial():
    """The tutorial's dataset: 25 place cells, 10 min at 0.1 s (cached after the first run)."""
    return pdc.simulate(cells="place", n_cells=25, minutes=10, dt=0.1, random_state=0, progress=False)


@pytest.fixture(scope="module")
def rec():
    return pdc.simulate(cells="place", n_cells=25, minutes=2, dt=0.1, random_state=0, progress=False)


# ----------------------------------------------------------------------------- shapes, units
def test_recording_shapes_units_and_layouts(rec):
    assert rec.rates.shape == (25, 1200) and rec.true_rates is rec.rates
    assert rec.position.shape == (2, 1200)
    assert rec.X.shape == (1200, 25) and rec.y.shape == (1200, 2)
    assert np.shares_memory(rec.X, rec.rates) and np.shares_memory(rec.y, rec.position)
    np.testing.assert_allclose(rec.t, 0.1 * np.arange(1, 1201))
    assert rec.dt == 0.1 and rec.duration == pytest.approx(120.0)
    # positions in metres inside the 1 m box; default rates peak at RatInABox's 1 Hz
    assert rec.position.min() >= 0 and rec.position.max() <= 1
    assert 0 <= rec.rates.min() and rec.rates.max() <= 1.0 + 1e-12
    assert set(rec.cell_types) == {"place"}
    # tutorial layout: 5 x 5 centres at 0.1 ... 0.9 m, widths 0.15 m
    centres = rec.cell_params["centre"]
    np.testing.assert_allclose(np.unique(centres[:, 0]), [0.1, 0.3, 0.5, 0.7, 0.9])
    np.testing.assert_allclose(rec.cell_params["width"], 0.15)


def test_velocity_and_head_direction_are_consistent_with_position(traj):
    # the measured velocity is the displacement of each step divided by dt
    step = np.diff(traj.position, axis=1) / traj.dt
    np.testing.assert_allclose(traj.velocity[:, 1:], step, atol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(traj.head_direction, axis=0), 1.0, atol=1e-9)
    speed = np.linalg.norm(traj.velocity, axis=0)
    assert 0.02 < speed.mean() < 0.3  # RatInABox's rat-like default speeds, m/s


def test_one_dimensional_environment():
    rec = pdc.simulate(n_cells=10, minutes=1, environment={"dimensionality": "1D"}, random_state=1, progress=False)
    assert rec.position.shape == (1, 600) and rec.y.shape == (600, 1)
    assert rec.cell_params["centre"].shape == (10, 1)
    assert rec.position.min() >= 0 and rec.position.max() <= 1


# ----------------------------------------------------------------------------- randomness
def test_same_seed_same_arrays_different_seed_different():
    kw = dict(cells={"place": 9, "grid": 6}, minutes=1, noise="poisson", max_fr=10, progress=False, cache=False)
    a, b, c = pdc.simulate(random_state=3, **kw), pdc.simulate(random_state=3, **kw), pdc.simulate(random_state=4, **kw)
    np.testing.assert_array_equal(a.rates, b.rates)
    np.testing.assert_array_equal(a.position, b.position)
    np.testing.assert_array_equal(a.cell_params["gridscale"], b.cell_params["gridscale"], strict=False)
    assert not np.array_equal(a.position, c.position)
    assert not np.array_equal(a.rates, c.rates)


@pytest.mark.parametrize("random_state", [5, None])
def test_global_numpy_random_state_is_untouched(random_state):
    np.random.seed(12345)
    before = np.random.get_state()
    pdc.simulate(cells={"grid": 5, "random_spatial": 2, "boundary_vector": 2}, minutes=0.5, noise=0.1, random_state=random_state, progress=False, cache=False)
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]


def test_trajectory_for_a_seed_does_not_depend_on_the_cells():
    a = pdc.simulate(cells="place", n_cells=4, minutes=1, random_state=11, progress=False, cache=False)
    b = pdc.simulate(cells={"grid": 30, "boundary_vector": 3}, minutes=1, random_state=11, progress=False, cache=False)
    np.testing.assert_array_equal(a.position, b.position)


def test_generator_random_state_is_accepted():
    rec = pdc.simulate(n_cells=4, minutes=0.5, random_state=np.random.default_rng(0), progress=False)
    assert rec.seed is not None and rec.rates.shape == (4, 300)


# ----------------------------------------------------------------- exactness vs RatInABox
def _per_step_rates(neurons, traj):
    """RatInABox's own per-step path: put the Agent in each state, call Neurons.update()."""
    agent = neurons.Agent
    neurons.save_history = True
    neurons.noise_std = 0
    neurons.reset_history() if hasattr(neurons, "reset_history") else None
    for i in range(traj.n_samples):
        agent.pos = traj.position[:, i].copy()
        agent.head_direction = traj.head_direction[:, i].copy()
        agent.velocity = traj.agent_velocity[:, i].copy()
        agent.history["vel"].append(traj.velocity[:, i].tolist())
        neurons.update()
    return np.array(neurons.history["firingrate"]).T


@pytest.mark.parametrize("cell_type", sorted(CELL_TYPES))
def test_vectorised_rates_equal_ratinabox_per_step_rates(cell_type):
    env = {"objects": [[0.3, 0.6], [0.7, 0.2]]} if cell_type == "object_vector" else None
    traj = pdc.simulate_trajectory(minutes=0.25, environment=env, random_state=2, progress=False)
    n = {"speed": 1}.get(cell_type, 6)
    rec = pdc.record(traj, cells=cell_type, n_cells=n, max_fr=5.0, random_state=0)
    assert rec.rates.shape == (n, traj.n_samples)
    (pop,) = rec.populations
    expected = _per_step_rates(pop.neurons, traj)
    # Vector cells: RatInABox jitters each wall/object intersection by ~1e-6 m with fresh
    # random draws on every call, so its own per-step rates differ from call to call by
    # ~1e-7 relative. Everything else is bit-for-bit the same computation.
    rtol = 1e-5 if cell_type in ("boundary_vector", "object_vector") else 1e-12
    np.testing.assert_allclose(rec.true_rates, expected, rtol=rtol, atol=1e-12)
    assert rec.rates.max() > 0
    if cell_type not in ("speed", "velocity"):  # speed-scaled cells exceed max_fr when running fast
        assert rec.rates.max() <= 5.0 + 1e-9


def test_long_recordings_are_evaluated_in_chunks(monkeypatch, traj):
    from placedecode.sim import _evaluate as _cells

    whole = pdc.record(traj, cells="grid", n_cells=8, random_state=0)
    monkeypatch.setattr(_cells, "CHUNK_BYTES", 1)  # forces many 256-sample chunks
    chunked = pdc.record(traj, cells="grid", n_cells=8, random_state=0)
    np.testing.assert_array_equal(whole.rates, chunked.rates)


def test_mixed_populations_keep_their_labels_and_parameters(traj):
    rec = pdc.record(traj, cells={"place": 4, "grid": 3, "head_direction": 2}, random_state=0)
    assert rec.cell_types.tolist() == ["place"] * 4 + ["grid"] * 3 + ["head_direction"] * 2
    assert np.isnan(rec.cell_params["gridscale"][:4]).all() and np.isfinite(rec.cell_params["gridscale"][4:7]).all()
    assert np.isfinite(rec.cell_params["centre"][:7]).all() and np.isnan(rec.cell_params["centre"][7:]).all()
    grid_only = rec.select_cells("grid")
    assert grid_only.n_cells == 3 and set(grid_only.cell_types) == {"grid"}
    np.testing.assert_array_equal(grid_only.rates, rec.rates[4:7])


# --------------------------------------------------------------------------------- noise
def test_poisson_counts_have_the_right_mean(traj):
    rec = pdc.record(traj, cells="place", n_cells=16, noise="poisson", max_fr=20, random_state=0)
    counts = rec.spike_counts
    assert counts.dtype.kind == "i" and counts.min() >= 0
    np.testing.assert_allclose(rec.rates, counts / rec.dt)  # rates hold counts / dt, in Hz
    lam = rec.true_rates * rec.dt
    # total count is Poisson(sum lam): within 4 standard deviations
    assert abs(counts.sum() - lam.sum()) < 4 * np.sqrt(lam.sum())
    # and per cell the mean count tracks the expected count
    np.testing.assert_allclose(counts.mean(axis=1), lam.mean(axis=1), rtol=0.25, atol=0.02)


def test_gaussian_noise_has_the_requested_std(traj):
    rec = pdc.record(traj, cells="place", n_cells=16, noise={"type": "gaussian", "std": 0.3}, random_state=0)
    resid = rec.rates - rec.true_rates
    assert abs(resid.std() - 0.3) < 0.01 and abs(resid.mean()) < 0.01
    with pytest.raises(AttributeError, match="Poisson"):
        rec.spike_counts


# ------------------------------------------------------------------------------- splits
def test_split_is_ordered_contiguous_disjoint_and_covering(rec):
    train, test = rec.split(0.8)
    assert (train.n_samples, test.n_samples) == (960, 240)
    assert train.t.max() < test.t.min()
    np.testing.assert_array_equal(np.concatenate([train.t, test.t]), rec.t)
    np.testing.assert_array_equal(np.concatenate([train.X, test.X]), rec.X)
    gapped_train, gapped_test = rec.split(0.5, gap=10)
    assert gapped_test.t.min() - gapped_train.t.max() == pytest.approx(11 * rec.dt)


def test_time_slicing_and_cell_selection_return_recordings(rec):
    part = rec.between(10.0, 20.0)
    assert isinstance(part, pdc.Recording) and part.n_samples == 100 and part.t.min() >= 10.0
    sub = rec[100:200].select_cells([0, 5, 7])
    assert sub.rates.shape == (3, 100)
    np.testing.assert_array_equal(sub.cell_params["centre"], rec.cell_params["centre"][[0, 5, 7]])
    maps = sub.rate_maps(0.05)
    assert maps.maps.shape == (3, 20, 20)


def test_model_rate_map_peaks_at_the_place_field_centre(rec):
    rm = rec.rate_maps(bin_size=0.02)
    x_c = 0.5 * (rm.edges[0][1:] + rm.edges[0][:-1])
    y_c = 0.5 * (rm.edges[1][1:] + rm.edges[1][:-1])
    for i in (0, 12, 24):
        iy, ix = np.unravel_index(np.nanargmax(rm.maps[i]), rm.maps[i].shape)
        np.testing.assert_allclose([x_c[ix], y_c[iy]], rec.cell_params["centre"][i], atol=0.011)
    data_maps = rec.rate_maps(bin_size=0.1, from_data=True).maps
    assert data_maps.shape == (25, 10, 10) and np.nanmax(data_maps) <= 1.0


@pytest.mark.parametrize("gap", [0, 3])
def test_blocked_time_series_split_folds_honour_the_gap(gap):
    X = np.zeros((103, 2))
    cv = pdc.BlockedTimeSeriesSplit(n_splits=5, gap=gap)
    seen = []
    for train, test in cv.split(X):
        assert np.all(np.diff(test) == 1)  # contiguous block
        dist = np.abs(train[:, None] - test[None, :]).min()
        assert dist == gap + 1  # nearest training sample is just beyond the gap
        assert np.intersect1d(train, test).size == 0
        assert train.size == 103 - test.size - (int(test[0] > 0) + int(test[-1] < 102)) * gap
        seen.append(test)
    np.testing.assert_array_equal(np.concatenate(seen), np.arange(103))
    assert cv.get_n_splits() == 5


def test_blocked_split_works_with_sklearn_model_selection(tutorial):
    cv = pdc.BlockedTimeSeriesSplit(n_splits=4, gap=20)
    mse = -cross_val_score(LinearRegression(), tutorial.X, tutorial.y, cv=cv, scoring="neg_mean_squared_error")
    assert mse.shape == (4,) and np.all(np.sqrt(mse) < 0.15)  # RMS error per axis < 15 cm in every fold
    search = GridSearchCV(Ridge(), {"alpha": [1e-3, 1.0]}, cv=cv).fit(tutorial.X, tutorial.y)
    assert search.best_params_["alpha"] in (1e-3, 1.0)


def test_tutorial_dataset_linear_decoding_error_is_a_few_cm(tutorial):
    train, test = tutorial.split(0.8)
    assert (train.n_samples, test.n_samples) == (4800, 1200)
    pred = LinearRegression().fit(train.X, train.y).predict(test.X)
    err_cm = 100 * np.linalg.norm(pred - test.y, axis=1).mean()
    assert 3.0 < err_cm < 10.0  # tutorial: 5.1 cm with a bias (mean over 3 seeds); chance ~ 40 cm


# ----------------------------------------------------------------------- real rat paths
def test_sargolini_path_is_replayed_whatever_the_seed():
    a = pdc.simulate_trajectory(minutes=0.5, source="sargolini", random_state=0, progress=False, cache=False)
    b = pdc.simulate_trajectory(minutes=0.5, source="sargolini", random_state=1, progress=False, cache=False)
    np.testing.assert_allclose(a.position, b.position)
    assert a.source == "sargolini" and a.position.min() > -0.01 and a.position.max() < 1.01
    data = np.load(__import__("ratinabox").__path__[0] + "/data/sargolini.npz")
    # the replay starts at the data's first time (0.1 s) and samples it every dt: bin k is
    # the rat's recorded position at t = 0.1 + 0.1 k s exactly (a recorded sample every 0.02 s)
    np.testing.assert_allclose(a.t[:3], data["t"][0] + [0.0, 0.1, 0.2])
    i = int(np.argmin(np.abs(data["t"] - a.t[10])))
    assert abs(data["t"][i] - a.t[10]) < 1e-9
    np.testing.assert_allclose(a.position[:, 10], data["pos"][i], atol=1e-9)


def test_user_supplied_path():
    t = np.linspace(0, 30, 301)
    pos = np.stack([0.5 + 0.3 * np.cos(t / 5), 0.5 + 0.3 * np.sin(t / 5)], axis=1)
    tr = pdc.simulate_trajectory(minutes=0.25, source=(t, pos), random_state=0, progress=False)
    assert tr.source == "imported"
    np.testing.assert_allclose(np.linalg.norm(tr.position - 0.5, axis=0), 0.3, atol=1e-3)


# ---------------------------------------------------------------------------------- cache
def test_cache_hit_returns_identical_data_and_corrupt_file_is_regenerated():
    kw = dict(minutes=0.5, dt=0.1, random_state=99, progress=False)
    first = pdc.simulate_trajectory(**kw)
    files = sorted(cache_dir().glob("trajectory-*.npz"))
    assert files, "the trajectory was not cached"
    second = pdc.simulate_trajectory(**kw)
    np.testing.assert_array_equal(first.position, second.position)
    np.testing.assert_array_equal(first.head_direction, second.head_direction)
    newest = max(files, key=lambda p: p.stat().st_mtime)
    newest.write_bytes(b"not a zip file")
    with pytest.warns(RuntimeWarning, match="Discarding unreadable trajectory cache"):
        third = pdc.simulate_trajectory(**kw)
    np.testing.assert_array_equal(first.position, third.position)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # regenerated file is valid again
        pdc.simulate_trajectory(**kw)
    assert not list(cache_dir().glob(".tmp-*"))  # nothing half-written left behind


def test_cache_false_and_unseeded_calls_write_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PLACEDECODE_CACHE", str(tmp_path))
    pdc.simulate_trajectory(minutes=0.2, random_state=1, cache=False, progress=False)
    pdc.simulate_trajectory(minutes=0.2, random_state=None, progress=False)
    assert not (tmp_path / "trajectories").exists() or not any((tmp_path / "trajectories").iterdir())


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(minutes=0), ValueError, "minutes"),
        (dict(minutes=-1), ValueError, "minutes"),
        (dict(dt=0), ValueError, "dt"),
        (dict(minutes=0.01, dt=1.0), ValueError, "dt .* larger than the duration"),
        (dict(minutes="10"), TypeError, "minutes"),
        (dict(cells="pyramidal"), ValueError, "unknown cell type 'pyramidal'; known cell types: 'place', 'grid'"),
        (dict(n_cells=0), ValueError, "n_cells must be >= 1"),
        (dict(cells={"place": 2.5}), TypeError, r"cells\['place'\] must be a positive integer"),
        (dict(cells={"place": 0}), ValueError, r"cells\['place'\] must be >= 1"),
        (dict(cells="boundary_vector", environment={"dimensionality": "1D"}), ValueError, "needs a 2D environment"),
        (dict(cells="object_vector"), ValueError, "need objects"),
        (dict(environment={"sizee": 2}), ValueError, "unknown RatInABox Environment parameter"),
        (dict(agent_params={"speed": 1}), ValueError, "unknown RatInABox Agent parameter"),
        (dict(noise="laplace"), ValueError, "noise must be"),
        (dict(noise=-1.0), ValueError, "std must be"),
        (dict(max_fr=-5), ValueError, "max_fr"),
        (dict(cells="speed", n_cells=3), ValueError, "exactly 1 'speed' cell"),
        (dict(random_state=-1), ValueError, "random_state"),
        (dict(source="nowhere"), ValueError, "source must be"),
        (dict(cell_params={"noise_std": 0.1}), ValueError, "noise="),
    ],
)
def test_bad_input_raises_clear_errors(kwargs, error, match):
    base = dict(minutes=0.1, random_state=0, progress=False, cache=False)
    with pytest.raises(error, match=match):
        pdc.simulate(**{**base, **kwargs})


def test_bad_split_arguments(rec):
    for frac in (0, 1, 1.5, -0.2):
        with pytest.raises(ValueError, match="train_fraction"):
            rec.split(frac)
    with pytest.raises(ValueError, match="too large"):
        list(pdc.BlockedTimeSeriesSplit(n_splits=50).split(np.zeros((10, 1))))
    with pytest.raises(ValueError, match="no training"):
        list(pdc.BlockedTimeSeriesSplit(n_splits=2, gap=10).split(np.zeros((10, 1))))
    with pytest.raises(ValueError, match="n_splits must be >= 2"):
        list(pdc.BlockedTimeSeriesSplit(n_splits=1).split(np.zeros((10, 1))))
    with pytest.raises(ValueError, match="position must be"):
        pdc.Recording(rates=np.zeros((3, 10)), true_rates=np.zeros((3, 10)), position=np.zeros((10, 2)),
                     t=np.arange(10.0), dt=1.0, cell_types=np.array(["a"] * 3))


def test_importing_placedecode_is_light():
    code = "import sys, placedecode; print(sorted(m for m in ('torch', 'ratinabox', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
