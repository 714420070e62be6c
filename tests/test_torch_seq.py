"""TorchSequenceRegressor: estimator contract and decoding from spike history."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

import placedecode
from placedecode.metrics import decoding_error
from placedecode.models import LinearRegressor, TorchSequenceRegressor


# A window of one bin (context = future = 0): scikit-learn's checks shuffle and subsample
# rows, which a window of neighbouring bins would (by design) not be invariant to.
@parametrize_with_checks([TorchSequenceRegressor(context=0, future=0, channels=8, hidden=32,
                                                 dropout=0.0, max_epochs=40,
                                                 early_stopping=False, random_state=0)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def poisson_split():
    rec = placedecode.simulate(cells="place", n_cells=25, minutes=5, noise="poisson", max_fr=10,
                               random_state=0, progress=False)
    return rec.split(0.8)


@pytest.fixture(scope="module")
def fitted(poisson_split):
    train, _ = poisson_split
    model = TorchSequenceRegressor(context=10, channels=16, hidden=64, max_epochs=8, n_threads=1,
                                   random_state=0)
    return model.fit(train.spike_counts.T, train.y)


def test_decodes_poisson_spikes_better_than_linear(poisson_split, fitted):
    train, test = poisson_split
    seq_cm = decoding_error(test.y, fitted.predict(test.spike_counts.T))
    linear_cm = decoding_error(test.y, LinearRegressor(fit_intercept=True).fit(train.X, train.y).predict(test.X))
    assert seq_cm < 17 and seq_cm < linear_cm - 8, (seq_cm, linear_cm)  # linear 27.5 cm


def test_history_and_early_stopping_contract(fitted):
    h = fitted.history_
    assert h["epoch"] == list(range(1, 9)) and len(h["val_error"]) == 8
    assert fitted.best_epoch_ == int(np.argmin(h["val_error"])) + 1
    assert h["train_error"][-1] < h["train_error"][0]
    assert fitted.device_ == "cpu"


def test_reproducible_and_leaves_global_rng_alone(poisson_split):
    import torch

    train, test = poisson_split
    X, y = train.spike_counts.T[:800], train.y[:800]
    kw = dict(context=4, channels=8, hidden=16, max_epochs=2, n_threads=1, random_state=3)
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = TorchSequenceRegressor(**kw).fit(X, y).predict(test.spike_counts.T[:50])
    assert torch.rand(1) == before
    b = TorchSequenceRegressor(**kw).fit(X, y).predict(test.spike_counts.T[:50])
    np.testing.assert_array_equal(a, b)


def test_groups_keep_windows_inside_blocks(fitted, poisson_split):
    _, test = poisson_split
    X = test.spike_counts.T[:60]
    whole = fitted.predict(X, groups=np.r_[np.zeros(30), np.ones(30)])
    halves = np.vstack([fitted.predict(X[:30]), fitted.predict(X[30:])])
    np.testing.assert_allclose(whole, halves, atol=1e-6)
    assert fitted.predict(X[:5, :]).shape == (5, 2)


def test_one_dimensional_target_and_errors():
    rng = np.random.default_rng(0)
    y = np.cumsum(rng.normal(0, 0.02, size=300))
    X = rng.poisson(np.exp(-(y[:, None] - np.linspace(-0.5, 0.5, 5)) ** 2 / 0.05))
    model = TorchSequenceRegressor(context=3, future=0, max_epochs=2, n_threads=1, random_state=0)
    assert model.fit(X, y).predict(X).shape == (300,)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :3])


def _path_and_counts(n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = np.cumsum(rng.normal(0, 0.02, size=(n, 2)), axis=0)
    X = rng.poisson(4 * np.exp(-(y[:, :1] - np.linspace(-0.5, 0.5, 5)) ** 2 / 0.05))
    return X.astype(float), y


SMALL = dict(context=3, channels=8, hidden=16, max_epochs=3, random_state=0)


@pytest.mark.parametrize("kernel_size", [1, 2, 4, 5])
def test_any_kernel_size_works_even_ones_included(kernel_size):
    X, y = _path_and_counts()
    model = TorchSequenceRegressor(**SMALL, kernel_size=kernel_size).fit(X, y)
    assert model.predict(X).shape == (300, 2) and np.all(np.isfinite(model.predict(X)))


def test_training_windows_never_cross_a_block_or_the_validation_slice(monkeypatch):
    """A column holding each row's block label: every window must see one label only."""
    X, y = _path_and_counts()
    groups = np.repeat([0, 1, 2], 100)
    n_train = 270  # the last 10 % validate, as a block of its own
    label = groups.astype(float) + (np.arange(300) >= n_train)  # 0, 1, 2 and 3 (validation)
    captured = []
    real = TorchSequenceRegressor._windows

    def capture(self, Xs, starts):
        W = real(self, Xs, starts)
        captured.append(W)
        return W

    monkeypatch.setattr(TorchSequenceRegressor, "_windows", capture)
    TorchSequenceRegressor(**SMALL).fit(np.c_[X, label], y, groups=groups)
    windows = captured[0][:, :, -1]  # the label column of every lag of every window
    assert np.all(windows == windows[:, [SMALL["context"]]])  # all lags: the row's own label


def test_early_stopping_stops_through_the_shared_monitor():
    X, y = _path_and_counts(400)
    model = TorchSequenceRegressor(**{**SMALL, "max_epochs": 60}, lr_schedule="constant",
                                   learning_rate=3e-2, n_iter_no_change=3).fit(X, y)
    val = model.history_["val_error"]
    assert model.n_iter_ < 60 and model.n_iter_ - model.best_epoch_ == 3
    assert model.best_epoch_ == int(np.argmin(val)) + 1
    n_train = 360
    restored = decoding_error(y[n_train:], model.predict(X[n_train:]))
    assert restored == pytest.approx(val[model.best_epoch_ - 1], rel=1e-3)


def test_a_failed_fit_leaves_no_nan_weights_behind():
    from sklearn.exceptions import NotFittedError

    from placedecode.models import TrainingDivergedError

    X, y = _path_and_counts()
    model = TorchSequenceRegressor(**SMALL).fit(X, y)
    before = model.predict(X)
    with pytest.raises(TrainingDivergedError, match="learning_rate"):
        model.set_params(optimizer="sgd", learning_rate=1e6).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), before)  # the previous fit, intact
    fresh = TorchSequenceRegressor(**SMALL, optimizer="sgd", learning_rate=1e6)
    with pytest.raises(TrainingDivergedError):
        fresh.fit(X, y)
    with pytest.raises(NotFittedError):
        fresh.predict(X)
