"""Real recordings: load_binned (arrays and files) and the Tampuu et al. 2019 rats."""

import numpy as np
import pytest

import placedecode
from placedecode.datasets import TAMPUU2019_RATS, load_binned, load_tampuu2019
from placedecode.metrics import decoding_error
from placedecode.sim import BlockedTimeSeriesSplit, Recording
from shared_data import TAMPUU, needs_tampuu


@pytest.fixture
def small_session():
    rng = np.random.default_rng(0)
    counts = rng.poisson(0.5, size=(50, 4))
    position = rng.uniform(0, 100, size=(50, 2))  # cm
    return counts, position


def test_load_binned_from_arrays(small_session):
    counts, position = small_session
    rec = load_binned(counts, position, dt=0.2, position_unit="cm")
    assert isinstance(rec, Recording)
    assert rec.rates.shape == (4, 50) and rec.position.shape == (2, 50)
    np.testing.assert_allclose(rec.rates, counts.T / 0.2)
    np.testing.assert_allclose(rec.position, position.T / 100.0)  # cm -> m
    np.testing.assert_array_equal(rec.spike_counts, counts.T)  # exact integers back
    np.testing.assert_allclose(rec.t, 0.2 * np.arange(50))
    assert rec.dt == 0.2 and rec.noise == "poisson"
    assert set(rec.cell_types) == {"unit"}
    train, test = rec.split(0.8, gap=2)  # the simulation API applies unchanged
    assert len(train) == 40 and len(test) == 8


def test_load_binned_units_times_and_ids(small_session):
    counts, position = small_session
    rec = load_binned(counts, position[:, 0] / 100, dt=0.1, position_unit="m", t0=5.0,
                      cell_ids=[11, 12, 13, 14])
    assert rec.n_dims == 1
    np.testing.assert_allclose(rec.position[0], position[:, 0] / 100)
    assert rec.t[0] == 5.0
    np.testing.assert_array_equal(rec.cell_params["unit_id"], [11, 12, 13, 14])


def test_load_binned_from_files(tmp_path, small_session):
    counts, position = small_session
    np.savetxt(tmp_path / "c.dat", counts, fmt="%d")
    np.save(tmp_path / "p.npy", position)
    rec = load_binned(tmp_path / "c.dat", tmp_path / "p.npy", dt=0.2, position_unit="cm")
    np.testing.assert_array_equal(rec.spike_counts, counts.T)
    with pytest.raises(FileNotFoundError, match="missing.dat"):
        load_binned(tmp_path / "missing.dat", position, dt=0.2, position_unit="cm")


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda c, p: (c[:-1], p), "49 bins .* 50 rows"),
        (lambda c, p: (c, p.T), "transposed"),
        (lambda c, p: (c * -1 - 1, p), ">= 0"),
        (lambda c, p: (c + 0.5, p), "whole numbers"),
        (lambda c, p: (np.where(np.arange(50)[:, None] == 3, np.nan, c), p), "NaN"),
        (lambda c, p: (c, np.where(np.arange(50)[:, None] == 7, np.nan, p)), "bin 7"),
        (lambda c, p: (c[:, 0], p), "2-D"),
    ],
)
def test_load_binned_validates_with_clear_errors(small_session, change, match):
    counts, position = change(*small_session)
    with pytest.raises(ValueError, match=match):
        load_binned(counts, position, dt=0.2, position_unit="cm")


def test_load_binned_bad_dt_and_unit(small_session):
    with pytest.raises(ValueError, match="dt"):
        load_binned(*small_session, dt=0, position_unit="cm")
    with pytest.raises(ValueError, match="position_unit='inch' is not a known length unit"):
        load_binned(*small_session, dt=0.2, position_unit="inch")


def test_load_binned_needs_the_unit_and_refuses_implausible_spans(small_session):
    counts, position = small_session  # a 1 m box in cm
    with pytest.raises(ValueError, match="load_binned needs position_unit="):
        load_binned(counts, position, dt=0.2)
    # metres read as centimetres: a 1-cm arena, refused (the silent mistake)
    with pytest.raises(ValueError, match=r"span 0.9\d* cm .*position_unit='cm'.*position_unit='m'"):
        load_binned(counts, position / 100, dt=0.2, position_unit="cm")
    with pytest.warns(UserWarning, match="more than 100 m.*centimetres need position_unit='cm'"):
        load_binned(counts, position * 3.5, dt=0.2, position_unit="m")  # pixels read as metres
    # pixels with a scale (3.5 px/cm = 350 px/m) give the same arena as centimetres
    rec_px = load_binned(counts, position * 3.5, dt=0.2, position_unit="px", scale=350)
    np.testing.assert_allclose(rec_px.position, load_binned(counts, position, dt=0.2, position_unit="cm").position)
    with pytest.raises(ValueError, match="needs scale="):
        load_binned(counts, position, dt=0.2, position_unit="px")


def test_load_binned_nan_positions_allowed_on_request(small_session):
    counts, position = small_session
    position = position.copy()
    position[3] = np.nan
    rec = load_binned(counts, position, dt=0.2, position_unit="cm", allow_nan_position=True)
    assert np.isnan(rec.position[:, 3]).all()


def test_load_tampuu2019_missing_folder_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        load_tampuu2019("R2192", root=tmp_path)
    with pytest.raises(ValueError, match="R2192"):
        load_tampuu2019("R9999", root=tmp_path)


@needs_tampuu
@pytest.mark.parametrize("rat, n_bins, n_units, n_spikes",
                         [("R2192", 5410, 63, 36049), ("R2217", 7510, 26, 24796)])
def test_load_tampuu2019_matches_the_readme(rat, n_bins, n_units, n_spikes):
    rec = load_tampuu2019(rat, root=TAMPUU.parent)  # a parent folder works too
    assert rec.rates.shape == (n_units, n_bins) and rec.dt == 0.2
    assert rec.spike_counts.sum() == n_spikes
    assert 0.0 <= rec.position.min() and rec.position.max() < 1.1  # metres, ~1 m box
    assert rec.duration == pytest.approx(0.2 * n_bins)


@needs_tampuu
def test_real_data_flow_through_splits_decoders_and_metrics():
    """A real rat goes through the same CV, decoder and metric as a simulation."""
    rec = load_tampuu2019("R2192", root=TAMPUU)
    assert "R2192" in TAMPUU2019_RATS
    errors = []
    for train, test in BlockedTimeSeriesSplit(n_splits=5, gap=10).split(rec.X):
        model = placedecode.models.BayesianDecoder(dt=rec.dt, window=5, output="mean")
        model.fit(rec.X[train], rec.y[train])
        errors.append(decoding_error(rec.y[test], model.predict(rec.X[test])))
    linear = placedecode.models.LinearRegressor(fit_intercept=True)
    train, test = rec.split(0.8)
    linear_error = decoding_error(test.y, linear.fit(train.X, train.y).predict(test.X))
    # per-bin errors of the README/benchmark: Bayes ~19-21 cm, linear ~29-30 cm
    assert 14 < np.mean(errors) < 24
    assert np.mean(errors) < linear_error - 5
