"""pynapple interop: Recording <-> pynapple objects; estimators answer pynapple in kind."""

import numpy as np
import pytest

import placedecode as pdc
from placedecode.features import TimeWindow
from placedecode.models import BayesianDecoder

nap = pytest.importorskip("pynapple")


@pytest.fixture(scope="module")
def rec():
    """4 min of 20 Poisson place cells with 20 s dropped in the middle: two blocks."""
    full = pdc.simulate(cells="place", n_cells=20, minutes=4, noise="poisson", max_fr=10, random_state=4,
                        progress=False)
    return full[np.r_[0:1100, 1300:2400]]


def test_round_trip_through_pynapple_keeps_bins_counts_positions_and_blocks(rec):
    pn = rec.to_pynapple()
    assert isinstance(pn.rates, nap.TsdFrame) and isinstance(pn.position, nap.TsdFrame)
    assert list(pn.position.columns) == ["x", "y"] and pn.rates.shape == (rec.n_samples, rec.n_cells)
    np.testing.assert_allclose(pn.rates.t, rec.t + rec.dt / 2)  # pynapple's bin times are centres
    assert len(pn.epochs) == rec.n_blocks == 2
    back = pdc.Recording.from_pynapple(pn.counts, pn.position)
    np.testing.assert_allclose(back.t, rec.t, atol=1e-9)
    np.testing.assert_array_equal(back.spike_counts, rec.spike_counts)
    np.testing.assert_allclose(back.y, rec.y, atol=1e-9)
    assert back.n_blocks == 2 and np.array_equal(back.blocks, rec.blocks)


def test_from_pynapple_bins_a_tsgroup_with_the_tracking_support():
    rng = np.random.default_rng(0)
    t = np.arange(0, 100, 1 / 50)
    x = 0.5 + 0.45 * np.sin(t / 5)
    units = nap.TsGroup({7: nap.Ts(np.sort(rng.uniform(0, 100, 400))), 9: nap.Ts(np.sort(rng.uniform(0, 100, 90)))})
    support = nap.IntervalSet(start=[0, 60], end=[40, 100])
    position = nap.Tsd(t=t, d=x, time_support=support)
    rec = pdc.Recording.from_pynapple(units, position, bin_size=0.2)
    assert rec.cell_params["unit_id"].tolist() == [7, 9] and rec.n_blocks == 2
    expected = units.count(0.2, ep=nap.IntervalSet(0, 40))
    np.testing.assert_array_equal(rec.spike_counts[:, rec.epoch == 0], expected.values.T[:, :200])
    with pytest.raises(ValueError, match="bin_size="):
        pdc.Recording.from_pynapple(units, position)
    with pytest.raises(TypeError, match="TsGroup .* or TsdFrame"):
        pdc.Recording.from_pynapple(np.zeros((3, 2)), position)


def test_bayesian_decoder_returns_pynapple_on_the_input_index_and_support(rec):
    pn = rec.to_pynapple()
    model = BayesianDecoder(dt=rec.dt, window=5, smoothing=0.05).fit(pn.rates, pn.position)
    decoded = model.predict(pn.rates)
    assert isinstance(decoded, nap.TsdFrame) and list(decoded.columns) == ["x", "y"]
    np.testing.assert_array_equal(decoded.t, pn.rates.t)
    np.testing.assert_allclose(decoded.time_support.values, pn.rates.time_support.values)
    # the blocks come from the time support: the same as passing them by hand
    np.testing.assert_allclose(decoded.values, model.predict(rec.X, groups=rec.blocks))
    assert not np.allclose(decoded.values, model.predict(rec.X))  # one block would bridge the gap
    maps = model.posterior(pn.rates)
    assert isinstance(maps, nap.TsdTensor) and maps.shape == (rec.n_samples, *model.grid_shape_)
    flat = model.predict_posterior(pn.rates)
    assert isinstance(flat, nap.TsdFrame) and flat.shape == (rec.n_samples, model.bin_centers_.shape[0])
    assert pdc.decoding_error(pn.position.values, decoded.values) < 15
    track = BayesianDecoder(dt=rec.dt).fit(pn.rates, pn.position["x"])  # 1-D Tsd in, Tsd out
    assert isinstance(track.predict(pn.rates), nap.Tsd)
    # arrays in, arrays out
    assert isinstance(model.predict(rec.X), np.ndarray)


def test_time_window_keeps_the_blocks_and_names_its_columns(rec):
    pn = rec.to_pynapple()
    Z = TimeWindow(past=2, future=2).fit_transform(pn.rates)
    assert isinstance(Z, nap.TsdFrame) and Z.shape == (rec.n_samples, 5 * rec.n_cells)
    assert list(Z.columns[:2]) == ["0@-2", "1@-2"]
    np.testing.assert_array_equal(Z.values, TimeWindow(past=2, future=2).fit_transform(rec.X, groups=rec.blocks))


def test_y_on_another_time_index_is_refused_with_the_fix(rec):
    pn = rec.to_pynapple()
    shifted = nap.TsdFrame(t=pn.position.t + 0.05, d=pn.position.values, columns=["x", "y"])
    with pytest.raises(ValueError, match="another time index than X.*interpolate"):
        BayesianDecoder(dt=rec.dt).fit(pn.rates, shifted)


@pytest.mark.parametrize("name", ["LinearRegressor", "NumpyMLPRegressor", "TorchMLPRegressor", "TorchSequenceRegressor"])
def test_every_regressor_answers_pynapple_in_kind(rec, name):
    """Each decoder, given a TsdFrame, decodes to a TsdFrame on the same index and support."""
    small = {"LinearRegressor": {}, "NumpyMLPRegressor": {"hidden_layer_sizes": (16,), "max_epochs": 3},
             "TorchMLPRegressor": {"hidden_layer_sizes": (16,), "max_epochs": 2},
             "TorchSequenceRegressor": {"max_epochs": 1}}[name]
    if name != "LinearRegressor":
        small["random_state"] = 0
    pn = rec.to_pynapple()
    model = getattr(pdc, name)(**small).fit(pn.rates, pn.position)
    decoded = model.predict(pn.rates)
    assert isinstance(decoded, nap.TsdFrame) and list(decoded.columns) == ["x", "y"]
    np.testing.assert_array_equal(decoded.t, pn.rates.t)
    np.testing.assert_allclose(decoded.time_support.values, pn.rates.time_support.values)
    if name == "TorchSequenceRegressor":  # windows stay inside the support's blocks
        np.testing.assert_allclose(decoded.values, model.predict(rec.X, groups=rec.blocks), atol=1e-6)
    else:
        np.testing.assert_allclose(decoded.values, model.predict(rec.X), atol=1e-9)
    assert isinstance(model.predict(rec.X), np.ndarray)


@pytest.mark.parametrize("name", ["LinearClassifier", "NumpyMLPClassifier", "TorchMLPClassifier"])
def test_classifiers_answer_pynapple_in_kind(rec, name):
    """Labels per bin (here: which half of the box) come back as a Tsd, probabilities as a TsdFrame."""
    pn = rec.to_pynapple()
    labels = nap.Tsd(t=pn.rates.t, d=(rec.y[:, 0] > 0.5).astype(int), time_support=pn.rates.time_support)
    kw = {} if name == "LinearClassifier" else {"hidden_layer_sizes": (16,), "max_epochs": 3, "random_state": 0}
    model = getattr(pdc, name)(**kw).fit(pn.rates, labels)
    decoded = model.predict(pn.rates)
    assert isinstance(decoded, nap.Tsd)
    np.testing.assert_array_equal(decoded.t, pn.rates.t)
    proba = model.predict_proba(pn.rates)
    assert isinstance(proba, nap.TsdFrame) and proba.shape == (rec.n_samples, 2)
    assert np.mean(decoded.values == labels.values) > 0.8
