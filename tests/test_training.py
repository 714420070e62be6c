"""The training layer every network shares: schedules, sizes, monitoring, divergence, failures.

Each network (NumPy and torch MLPs, regressor and classifier, and the torch sequence model)
is driven through the same situations a user meets: a learning rate far too large, a tiny
data set, a fit interrupted half-way, a continuation that fails.
"""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

import placedecode as pdc
from placedecode.models import TrainingDivergedError
from placedecode.models._training import (
    DIVERGENCE_FACTOR,
    DivergenceCheck,
    StepSchedule,
    check_hidden_layer_sizes,
    planned_epochs,
    resolve_batch_size,
)

torch = pytest.importorskip("torch")


def _regression_data(n=300, seed=0):
    """Positions in [0, 1] m from 5 smooth 'rates'."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, 5))
    y = np.c_[np.sin(3 * X[:, 0]) + X[:, 1], X[:, 2] * X[:, 3]]
    return X, (y - y.min(axis=0)) / np.ptp(y, axis=0)


def _classification_data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, np.where(X[:, 0] * X[:, 1] > 0, "same", "opposite")


SMALL = {
    "NumpyMLPRegressor": dict(hidden_layer_sizes=(16,), max_epochs=5, random_state=0),
    "NumpyMLPClassifier": dict(hidden_layer_sizes=(16,), max_epochs=5, random_state=0),
    "TorchMLPRegressor": dict(hidden_layer_sizes=(16,), max_epochs=5, random_state=0),
    "TorchMLPClassifier": dict(hidden_layer_sizes=(16,), max_epochs=5, min_steps=None,
                               random_state=0),
    "TorchSequenceRegressor": dict(context=2, channels=4, hidden=8, max_epochs=3,
                                   random_state=0),
}
OPTIMIZERS = {
    "NumpyMLPRegressor": ["adam", "sgd", "momentum"],
    "NumpyMLPClassifier": ["adam", "sgd", "momentum"],
    "TorchMLPRegressor": ["adam", "adamw", "sgd", "momentum", "rmsprop"],
    "TorchMLPClassifier": ["adam", "adamw", "sgd", "momentum", "rmsprop"],
    "TorchSequenceRegressor": ["adam", "adamw", "sgd", "momentum", "rmsprop"],
}


def _make(name, **params):
    return getattr(pdc, name)(**{**SMALL[name], **params})


def _data(name, n=300):
    return _classification_data(n) if name.endswith("Classifier") else _regression_data(n)


# ------------------------------------------------------------------------------ pieces


@pytest.mark.parametrize("total", [11, 20, 37, 480, 18760])
def test_one_cycle_and_cosine_schedules_equal_torchs(total):
    p = torch.nn.Parameter(torch.zeros(1))
    adam = torch.optim.Adam([p], lr=0.01)
    one_cycle = torch.optim.lr_scheduler.OneCycleLR(adam, max_lr=0.01, total_steps=total,
                                                    pct_start=0.1)
    sgd = torch.optim.SGD([p], lr=0.01)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(sgd, T_max=total)
    ours, ours_cos = StepSchedule("onecycle", 0.01, total), StepSchedule("cosine", 0.01, total)
    for step in range(total):
        assert ours.learning_rate(step) == pytest.approx(adam.param_groups[0]["lr"], abs=1e-15)
        assert ours.momentum(step) == pytest.approx(adam.param_groups[0]["betas"][0], abs=1e-15)
        assert ours_cos.learning_rate(step) == pytest.approx(sgd.param_groups[0]["lr"], abs=1e-15)
        adam.step(), one_cycle.step(), sgd.step(), cosine.step()


@pytest.mark.parametrize("total", [1, 2, 5, 10])
def test_one_cycle_of_a_few_steps_anneals_from_the_peak(total):
    # torch's OneCycleLR divides by zero at 10 steps (its warm-up would last 0 steps)
    rates = [StepSchedule("onecycle", 0.5, total).learning_rate(k) for k in range(total)]
    assert rates[0] == 0.5 and np.all(np.diff(rates) < 0)
    assert rates[-1] == pytest.approx(0.5 / 25 / 1e4) if total > 1 else True


def test_batch_size_is_rounded_one_way_for_every_network():
    assert resolve_batch_size(0.01, 4800) == 48
    assert resolve_batch_size(0.015, 300) == 4  # 4.5 -> 4 (round half to even), not ceil 5
    assert resolve_batch_size(0.0001, 300) == 1 and resolve_batch_size(5000, 300) == 300
    X, y = _regression_data(100)
    for name in ("NumpyMLPRegressor", "TorchMLPRegressor"):
        model = _make(name, batch_size=0.33, max_epochs=1, early_stopping=False).fit(X, y)
        assert model.n_iter_ == 1
    steps = pdc.NumpyMLPRegressor((4,), batch_size=0.5, max_epochs=1).partial_fit(X, y)
    assert steps._optimizer.t == 2  # two batches of 50 samples


def test_hidden_layer_sizes_are_checked_once_for_every_network():
    assert check_hidden_layer_sizes(7) == (7,) and check_hidden_layer_sizes([3, 2]) == (3, 2)
    X, y = _regression_data(50)
    for name in ("NumpyMLPRegressor", "TorchMLPRegressor"):
        with pytest.raises(ValueError, match=r"hidden_layer_sizes must be .*\(4, 0\)"):
            _make(name, hidden_layer_sizes=(4, 0)).fit(X, y)
    assert planned_epochs(3, None, 10) == 3 and planned_epochs(3, 800, 23) == 35


def test_divergence_rule_names_learning_rate_and_the_reference():
    check = DivergenceCheck(starting_loss=0.4, chance_loss=2.0, learning_rate=0.3)
    check.check(2.0 * DIVERGENCE_FACTOR, epoch=1)  # at the limit: fine
    with pytest.raises(TrainingDivergedError, match=r"reached 2\.1e\+03.*learning_rate=0\.3"):
        check.check(2100.0, epoch=4)
    with pytest.raises(TrainingDivergedError, match="became nan at epoch 2"):
        check.check(float("nan"), epoch=2)
    check.check(1e9, epoch=3, what="validation")  # a far validation slice is no divergence
    with pytest.raises(TrainingDivergedError, match="validation loss became inf"):
        check.check(float("inf"), epoch=3, what="validation")


# ------------------------------------------------------------------------------ divergence


@pytest.mark.parametrize("name,optimizer", [(n, o) for n in OPTIMIZERS for o in OPTIMIZERS[n]])
def test_every_network_and_optimizer_driven_to_divergence_raises(name, optimizer):
    X, y = _data(name)
    model = _make(name, optimizer=optimizer, learning_rate=1e4)
    with pytest.raises(TrainingDivergedError, match="learning_rate=10000"):
        model.fit(X, y)
    with pytest.raises(NotFittedError):  # nothing half-trained is left behind
        model.predict(X)


@pytest.mark.parametrize("name", [n for n in SMALL if not n.endswith("Classifier")])
@pytest.mark.parametrize("learning_rate", [1.0, 10.0, 100.0])
def test_no_network_returns_runaway_positions_silently(name, learning_rate):
    """Large learning rates either raise or predict within 100x the targets' range."""
    X, y = _regression_data()
    try:
        with np.errstate(all="ignore"):
            prediction = _make(name, learning_rate=learning_rate).fit(X, y).predict(X)
    except TrainingDivergedError:
        return
    assert np.all(np.abs(prediction) <= 100.0)  # targets span [0, 1] m


# ------------------------------------------------------------------------------ failures


def _fitted_copy(name, X, y, **params):
    model = _make(name, **params).fit(X, y)
    weights = _weights(model)
    return model, weights, model.predict(X), {k: list(v) for k, v in model.history_.items()}


def _weights(model):
    if hasattr(model, "weights_"):
        return [W.copy() for W in model.weights_]
    return [v.detach().clone().numpy() for v in model.module_.state_dict().values()]


@pytest.mark.parametrize("name", ["NumpyMLPRegressor", "NumpyMLPClassifier",
                                  "TorchMLPRegressor", "TorchMLPClassifier"])
def test_failed_warm_start_keeps_the_previous_network(name):
    X, y = _data(name)
    model, weights, before, history = _fitted_copy(name, X, y, warm_start=True)
    model.set_params(optimizer="sgd", learning_rate=1e4)
    with pytest.raises(TrainingDivergedError):
        model.fit(X, y)
    for old, new in zip(weights, _weights(model)):
        np.testing.assert_array_equal(old, new)
        assert np.all(np.isfinite(new))
    np.testing.assert_array_equal(model.predict(X), before)
    assert model.history_ == history


@pytest.mark.parametrize("name", ["NumpyMLPRegressor", "NumpyMLPClassifier"])
def test_failed_partial_fit_keeps_the_previous_network(name):
    X, y = _data(name)
    extra = {"classes": np.unique(y)} if name.endswith("Classifier") else {}
    model = _make(name).partial_fit(X, y, **extra)
    before, n_iter, t = model.predict(X), model.n_iter_, model._optimizer.t
    model.set_params(optimizer="sgd", learning_rate=1e4)
    with pytest.raises(TrainingDivergedError):
        model.partial_fit(X, y)
    np.testing.assert_array_equal(model.predict(X), before)
    assert model.n_iter_ == n_iter and model._optimizer.t == t  # optimizer state untouched


@pytest.mark.parametrize("name", list(SMALL))
def test_keyboard_interrupt_mid_fit_leaves_the_estimator_as_it_was(name, monkeypatch):
    """An interrupt in the third epoch: unfitted after a first fit, unchanged after a refit."""
    from placedecode.models import _training

    X, y = _data(name)
    calls = {"n": 0}
    real_update = _training.Progress.update

    def interrupt_in_epoch_3(self, history):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        real_update(self, history)

    monkeypatch.setattr(_training.Progress, "update", interrupt_in_epoch_3)
    fresh = _make(name)
    with pytest.raises(KeyboardInterrupt):
        fresh.fit(X, y)
    with pytest.raises(NotFittedError):
        fresh.predict(X)
    assert not [key for key in vars(fresh) if key.endswith("_")]

    monkeypatch.setattr(_training.Progress, "update", real_update)
    model = _make(name).fit(X, y)
    before, weights = model.predict(X), _weights(model)
    calls["n"] = 0
    monkeypatch.setattr(_training.Progress, "update", interrupt_in_epoch_3)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, y)
    np.testing.assert_array_equal(model.predict(X), before)
    for old, new in zip(weights, _weights(model)):
        np.testing.assert_array_equal(old, new)


def test_bad_data_found_mid_fit_leaves_a_fitted_classifier_unchanged():
    X, y = _classification_data()
    model = _make("NumpyMLPClassifier").partial_fit(X, y, classes=["opposite", "same"])
    before = model.predict_proba(X)
    bad = y.copy()
    bad[5] = "unknown"
    with pytest.raises(ValueError, match=r"labels \['unknown'\] not in classes_"):
        model.partial_fit(X, bad)
    np.testing.assert_array_equal(model.predict_proba(X), before)
    assert model.classes_.tolist() == ["opposite", "same"]


# ------------------------------------------------------------------------------ small fits


def test_two_epochs_on_300_samples_work_with_the_one_cycle_schedule():
    X, y = _regression_data(300)
    model = pdc.TorchMLPRegressor(max_epochs=2, random_state=0).fit(X, y)  # 10 steps
    assert model.n_iter_ == 2 and np.all(np.isfinite(model.predict(X)))


@pytest.mark.parametrize("name", list(SMALL))
@pytest.mark.parametrize("n_samples", [1, 2, 5])
def test_a_handful_of_samples_fits_or_says_why(name, n_samples):
    X, y = _data(name, n=40)
    X, y = X[:n_samples], y[:n_samples]
    if name.endswith("Classifier"):
        y = np.array(["a", "b"] * 3)[:n_samples]
    try:
        model = _make(name).fit(X, y)
    except ValueError as error:  # a clear message naming what to change
        assert any(word in str(error) for word in ("early_stopping", "class", "samples")), error
        return
    assert np.all(np.isfinite(model.predict_proba(X) if name.endswith("Classifier")
                              else model.predict(X)))


def test_early_stopping_needs_two_samples_and_says_so():
    X, y = _regression_data(40)
    X, y = X[:1], y[:1]
    for name in ("NumpyMLPRegressor", "TorchMLPRegressor", "TorchSequenceRegressor"):
        with pytest.raises(ValueError, match="Pass early_stopping=False"):
            _make(name, early_stopping=True).fit(X, y)


# ------------------------------------------------------------------------------ progress


@pytest.mark.parametrize("name", list(SMALL))
def test_verbose_shows_one_tqdm_bar_and_prints_nothing(name, capsys):
    X, y = _data(name, n=100)
    _make(name, verbose=True, max_epochs=2).fit(X, y)
    out, err = capsys.readouterr()
    assert out == "" and "2/2" in err and name in err
