"""BayesianDecoder: sklearn contract, Poisson place-cell decoding in 2D and 1D, priors."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

import placedecode
from placedecode.metrics import decoding_error
from placedecode.models import BayesianDecoder, LinearRegressor

_CONTEXT = BayesianDecoder(prior="continuity", direction="both", window=3, output="mean")


def _expected_failures(estimator):
    failures = {"check_regressor_multioutput": (
        "y holds positions with D = 1 or 2 dimensions (a grid over space); the check's "
        "5-output targets are rejected with a clear error")}
    if (estimator.window != "auto" and estimator.window > 1) or estimator.prior == "continuity":
        reason = ("decodes each call's rows as one contiguous block of time bins (summing "
                  "window, continuity prior), so a row's prediction depends on its "
                  "neighbours by design")
        failures.update({"check_methods_subset_invariance": reason,
                         "check_methods_sample_order_invariance": reason})
    return failures


@parametrize_with_checks([BayesianDecoder(), BayesianDecoder(bin_size=0.2, output="mean"), _CONTEXT],
                         expected_failed_checks=_expected_failures)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def poisson_recording():
    """25 place cells, 10 Hz peak, Poisson counts at dt 0.1 s, 5 min; 80/20 split."""
    rec = placedecode.simulate(cells="place", n_cells=25, minutes=5, noise="poisson", max_fr=10,
                               random_state=0, progress=False)
    return rec.split(0.8)


def test_decodes_poisson_place_cells_far_better_than_linear(poisson_recording):
    train, test = poisson_recording
    linear = LinearRegressor(fit_intercept=True).fit(train.X, train.y)
    linear_cm = decoding_error(test.y, linear.predict(test.X))
    bayes = BayesianDecoder(dt=train.dt, window=5, output="mean").fit(train.X, train.y)
    bayes_cm = decoding_error(test.y, bayes.predict(test.X))
    assert linear_cm > 22  # 27.5 cm
    assert bayes_cm < 13  # 9.6 cm
    assert bayes_cm < linear_cm - 10


def test_counts_and_rates_with_dt_give_the_same_decoder(poisson_recording):
    train, test = poisson_recording
    from_rates = BayesianDecoder(dt=train.dt, window=3, smoothing=0.05).fit(train.X, train.y)
    from_counts = BayesianDecoder(window=3, smoothing=0.05).fit(train.spike_counts.T, train.y)
    np.testing.assert_allclose(from_rates.tuning_, from_counts.tuning_)
    np.testing.assert_allclose(from_rates.predict(test.X), from_counts.predict(test.spike_counts.T))
    # rate maps in the units of X: Hz with dt, counts per bin without
    np.testing.assert_allclose(from_rates.rate_maps_, from_counts.rate_maps_ / train.dt)
    peaks = np.nanmax(from_rates.rate_maps_, axis=(1, 2))
    assert 6 < np.median(peaks) < 16  # 10 Hz peaks, smoothed, from 4 min of spikes


def test_continuity_prior_beats_flat_and_both_directions_help(poisson_recording):
    train, test = poisson_recording
    kw = dict(dt=train.dt, output="mean", continuity_sigma=0.05)
    flat = decoding_error(test.y, BayesianDecoder(window=1, **kw).fit(train.X, train.y).predict(test.X))
    forward = decoding_error(test.y, BayesianDecoder(prior="continuity", **kw)
                             .fit(train.X, train.y).predict(test.X))
    both = decoding_error(test.y, BayesianDecoder(prior="continuity", direction="both", **kw)
                          .fit(train.X, train.y).predict(test.X))
    assert forward < flat - 3  # 18.7 cm flat
    assert both < forward
    assert both < 10


def test_posterior_is_a_normalised_map_over_the_grid(poisson_recording):
    train, test = poisson_recording
    for prior in ("flat", "occupancy", "continuity"):
        model = BayesianDecoder(dt=train.dt, prior=prior).fit(train.X, train.y)
        proba = model.predict_posterior(test.X[:50])
        nbins = model.bin_centers_.shape[0]
        assert proba.shape == (50, nbins) and np.all(np.isfinite(proba))
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        assert np.all(proba[:, ~model.mask_.ravel()] == 0)  # unvisited bins masked
        maps = model.posterior(test.X[:50])
        assert maps.shape == (50, *model.grid_shape_) == (50, 20, 20)  # 1 m box, 5 cm bins
        # MAP output is the centre of the most probable bin
        np.testing.assert_allclose(model.set_params(output="map").predict(test.X[:50]),
                                   model.bin_centers_[proba.argmax(axis=1)])
    assert model.extent_ == pytest.approx((0, 1, 0, 1), abs=0.05)


def test_log_likelihood_is_one_matrix_product():
    rng = np.random.default_rng(3)
    y = rng.uniform(0, 1, size=(400, 2))
    X = rng.poisson(1.0, size=(400, 3))
    model = BayesianDecoder(bin_size=0.25, smoothing=0, window=1).fit(X, y)
    lam = model.tuning_
    expected = X[:5] @ np.log(lam) - lam.sum(axis=0)
    np.testing.assert_allclose(model.log_likelihood(X[:5]), expected)


def test_rate_maps_are_each_bins_spikes_over_its_occupancy():
    """The maps, bin by bin from their definition, in 2D (rates with dt) and 1D (counts)."""
    rng = np.random.default_rng(7)
    y = rng.uniform([0.0, 0.0], [1.0, 0.6], size=(900, 2))
    rates = rng.gamma(1.0, 3.0, size=(900, 4))  # Hz, not whole counts after x dt
    model = BayesianDecoder(bin_size=0.2, smoothing=0, rate_floor=0, min_occupancy=1, dt=0.1).fit(rates, y)
    ex, ey = model.edges_
    ix = np.clip(np.floor((y[:, 0] - ex[0]) / 0.2).astype(int), 0, len(ex) - 2)
    iy = np.clip(np.floor((y[:, 1] - ey[0]) / 0.2).astype(int), 0, len(ey) - 2)
    for j in range(len(ey) - 1):
        for i in range(len(ex) - 1):
            here = (iy == j) & (ix == i)
            assert model.occupancy_[j, i] == here.sum()
            if here.any():
                np.testing.assert_allclose(model.rate_maps_[:, j, i], rates[here].mean(axis=0), rtol=1e-12)
            else:
                assert np.isnan(model.rate_maps_[:, j, i]).all()
    counts = rng.poisson(2.0, size=(300, 3)).astype(float)
    x = rng.uniform(0, 1, size=300)
    track = BayesianDecoder(bin_size=0.1, smoothing=0, rate_floor=0).fit(counts, x)
    occupancy, _ = np.histogram(x, bins=track.edges_[0])
    spikes = np.stack([np.histogram(x, bins=track.edges_[0], weights=c)[0] for c in counts.T])
    np.testing.assert_array_equal(track.occupancy_, occupancy)
    np.testing.assert_allclose(track.tuning_, spikes / occupancy, rtol=1e-12)


def test_never_nan_with_extreme_counts_or_silent_cells(poisson_recording):
    train, test = poisson_recording
    X = train.X.copy()
    X[:, 0] = 0.0  # a silent cell
    model = BayesianDecoder(dt=train.dt, prior="continuity", direction="both").fit(X, train.y)
    wild = test.X.copy()
    wild[:, 0] = 500.0  # the silent cell suddenly fires 50 spikes per bin
    wild[10:20] = 5000.0  # bursts far beyond anything seen in training
    for prior in ("flat", "continuity"):
        model.set_params(prior=prior)
        assert np.all(np.isfinite(model.predict_posterior(wild)))
        assert np.all(np.isfinite(model.predict(wild)))


def test_window_sums_within_the_block_only():
    rng = np.random.default_rng(0)
    y = rng.uniform(0, 1, size=(600, 1))
    X = rng.poisson(2 * np.exp(-(y - np.linspace(0, 1, 6)) ** 2 / 0.02))
    model = BayesianDecoder(bin_size=0.05, window=5).fit(X, y[:, 0])
    whole = model.predict_posterior(X[:40])
    halves = np.vstack([model.predict_posterior(X[:20]), model.predict_posterior(X[20:40])])
    np.testing.assert_allclose(whole[:18], halves[:18])  # far from the cut: identical
    assert not np.allclose(whole[18:22], halves[18:22])  # at the cut: no reading across


def test_one_dimensional_track():
    rec = placedecode.simulate(cells="place", n_cells=12, minutes=4, environment={"dimensionality": "1D"},
                               agent_params={"speed_mean": 0.0},  # else it hugs the end wall
                               noise="poisson", max_fr=10, random_state=1, progress=False)
    train, test = rec.split(0.8)
    assert train.n_dims == 1
    model = BayesianDecoder(dt=rec.dt, bin_size=0.02, window=3, output="mean").fit(train.X, train.y)
    pred = model.predict(test.X)
    assert pred.shape == (len(test), 1)
    assert model.posterior(test.X).shape == (len(test), model.grid_shape_[0])
    bayes_cm = decoding_error(test.y, pred)
    linear_cm = decoding_error(test.y, LinearRegressor(fit_intercept=True).fit(train.X, train.y).predict(test.X))
    assert bayes_cm < 7 and bayes_cm < linear_cm / 2  # 4.6 vs 18.4 cm
    # 1-D targets give 1-D predictions
    assert BayesianDecoder(dt=rec.dt).fit(train.X, train.y[:, 0]).predict(test.X).shape == (len(test),)


def test_clone_pickle_and_errors(poisson_recording):
    train, test = poisson_recording
    model = BayesianDecoder(dt=train.dt).fit(train.X, train.y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(test.X), model.predict(test.X))
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(ValueError, match="more than"):
        BayesianDecoder(bin_size=1e-4).fit(train.X, train.y * 100)  # centimetres by mistake
    with pytest.raises(ValueError, match="Negative values"):
        model.predict(-test.X)
    with pytest.raises(ValueError, match="D<=2"):
        BayesianDecoder().fit(train.X, np.c_[train.y, train.y[:, 0]])


def test_plot_posterior_2d_and_1d(poisson_recording):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from placedecode.plotting._posterior import plot_posterior

    train, test = poisson_recording
    model = BayesianDecoder(dt=train.dt, prior="continuity").fit(train.X, train.y)
    fig, ax = plot_posterior(model, test.X[:40], t_index=30, y_true=test.y[:40])
    image = ax.get_images()[0].get_array()
    assert image.shape == model.grid_shape_
    assert np.nansum(image) == pytest.approx(1.0)
    plt.close(fig)
    model1 = BayesianDecoder(dt=train.dt).fit(train.X, train.y[:, 0])
    fig, ax = plot_posterior(model1, test.X[:10], t_index=3, y_true=test.y[:10, 0])
    assert len(ax.lines) == 2
    plt.close(fig)
    with pytest.raises(IndexError):
        plot_posterior(model1, test.X[:10], t_index=10)


def test_inputs_that_cannot_hold_spike_counts_are_refused_or_warned():
    """Rates scaled by 1e-20 would give a flat posterior and constant predictions: never silently."""
    import placedecode as pdc

    rec = pdc.simulate(cells="place", n_cells=25, minutes=3, dt=0.1, noise="poisson", max_fr=10, random_state=0,
                       progress=False)
    train, test = rec.split(0.8)
    with pytest.raises(ValueError, match=r"spikes per time bin .*dt=0.1 s.*rescale X"):
        BayesianDecoder(dt=rec.dt).fit(train.X * 1e-20, train.y)
    model = BayesianDecoder(dt=rec.dt).fit(train.X, train.y)
    assert model.mean_count_ == pytest.approx(np.mean(train.X.sum(axis=1)) * rec.dt)
    with pytest.warns(RuntimeWarning, match="posterior is flat"):
        model.predict(test.X * 1e-20)
    huge = BayesianDecoder(dt=rec.dt).fit(train.X * 1e20, train.y)  # large counts: sharp, still sound
    assert pdc.decoding_error(test.y, huge.predict(test.X * 1e20)) < 20
