"""The deep torch network: scikit-learn contract, training contract, accuracy on place cells."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

import placedecode
from placedecode.metrics import decoding_error
from placedecode.models import TorchMLPClassifier, TorchMLPRegressor, TrainingDivergedError

torch = pytest.importorskip("torch")

FAST = {"hidden_layer_sizes": (32, 32), "max_epochs": 60, "min_steps": None, "n_threads": 1, "random_state": 0}


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Two shared cores here: torch's default threads oversubscribe them (~20x slower)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def _smooth_data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 5))
    y = np.c_[np.sin(3 * X[:, 0]) + X[:, 1], X[:, 2] * X[:, 3]]
    return X, y


@parametrize_with_checks(
    [TorchMLPRegressor(**FAST), TorchMLPRegressor(**FAST, batch_sampling="random"),
     TorchMLPClassifier(**FAST)],
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_import_does_not_load_torch():
    code = (
        "import sys, placedecode, placedecode.models, placedecode.metrics\n"
        "placedecode.models.LinearRegressor\n"
        "import placedecode.models._torch_mlp, placedecode.models._torch_regressor\n"
        "import placedecode.models._torch_classifier, placedecode.models._torch_seq\n"
        "import placedecode.models._torch_base, placedecode.models.backprop\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_fits_a_smooth_function_and_predicts_in_original_units():
    X, y = _smooth_data()
    y_metres = 100.0 + 0.01 * y  # far from zero and tiny: standardisation must cope
    model = TorchMLPRegressor(**FAST).fit(X, y_metres)
    assert model.predict(X).dtype == np.float64
    assert model.score(X, y_metres) > 0.97
    assert model.n_features_in_ == 5 and model.n_outputs_ == 2
    np.testing.assert_allclose(model.y_mean_, y_metres.mean(axis=0))


def test_same_random_state_gives_identical_predictions():
    X, y = _smooth_data()
    params = {**FAST, "max_epochs": 5}
    first = TorchMLPRegressor(**params).fit(X, y).predict(X)
    second = TorchMLPRegressor(**params).fit(X, y).predict(X)
    other = TorchMLPRegressor(**{**params, "random_state": 1}).fit(X, y).predict(X)
    np.testing.assert_array_equal(first, second)
    assert np.abs(first - other).max() > 1e-4


def test_callers_torch_random_state_is_untouched():
    X, y = _smooth_data(100)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    TorchMLPRegressor(**{**FAST, "max_epochs": 2}).fit(X, y)
    np.testing.assert_array_equal(torch.rand(3).numpy(), expected.numpy())


def test_history_format_and_units():
    X, y = _smooth_data()
    model = TorchMLPRegressor(
        **{**FAST, "max_epochs": 8, "early_stopping": True, "n_iter_no_change": 100}).fit(X, y)
    history = model.history_
    assert set(history) == {"epoch", "train_loss", "train_error", "val_loss", "val_error"}
    assert history["epoch"] == list(range(1, 9)) and model.n_iter_ == 8
    assert all(len(values) == 8 for values in history.values())
    assert history["train_loss"][-1] < history["train_loss"][0]
    # val_error is the mean Euclidean error x 100 on the last 10 % of the samples.
    n_train = 540
    model_error = decoding_error(y[n_train:], model.predict(X[n_train:]))
    assert model_error == pytest.approx(history["val_error"][model.best_epoch_ - 1], rel=1e-4)

    no_validation = TorchMLPRegressor(**{**FAST, "max_epochs": 3, "early_stopping": False})
    no_validation.fit(X, y)
    assert no_validation.history_["val_loss"] == [] and len(no_validation.history_["epoch"]) == 3
    assert no_validation.best_epoch_ == no_validation.n_iter_ == 3


def test_early_stopping_restores_the_best_weights():
    rng = np.random.default_rng(0)
    X = rng.random((300, 5))
    y = X[:, :2] + rng.normal(0, 0.3, (300, 2))  # noisy: a big network overfits quickly
    model = TorchMLPRegressor(
        hidden_layer_sizes=(256, 256), learning_rate=3e-3, lr_schedule="constant",
        max_epochs=200, early_stopping=True, n_iter_no_change=15, n_threads=1, random_state=0,
    ).fit(X, y)
    val_error = np.array(model.history_["val_error"])  # the regressor watches the error (cm)
    assert model.n_iter_ < 200  # it stopped early ...
    assert model.best_epoch_ == int(np.argmin(val_error)) + 1  # ... at the minimum ...
    assert model.n_iter_ - model.best_epoch_ == 15  # ... after n_iter_no_change epochs
    assert val_error[-1] > val_error.min() * 1.01  # the last epoch was worse
    restored_error = decoding_error(y[270:], model.predict(X[270:]))
    assert restored_error == pytest.approx(model.history_["val_error"][model.best_epoch_ - 1],
                                           rel=1e-4)


def test_validation_slice_is_the_end_of_the_samples():
    X, y = _smooth_data(200)
    params = {**FAST, "max_epochs": 3, "standardize": False, "early_stopping": True}
    late, early = y.copy(), y.copy()
    late[180:] += 50.0  # 50 m off: only the last 10 % of the samples
    early[:20] += 50.0  # the same, at the start
    late_fit = TorchMLPRegressor(**params).fit(X, late)
    early_fit = TorchMLPRegressor(**params).fit(X, early)
    assert min(late_fit.history_["val_error"]) > 4000.0  # validated on the poisoned end
    assert max(early_fit.history_["val_error"]) < 1000.0  # never on the poisoned start


def test_coefs_have_tutorial_orientation_and_reproduce_predict():
    X, y = _smooth_data(200)
    model = TorchMLPRegressor(**{**FAST, "hidden_layer_sizes": (7, 3), "max_epochs": 2}).fit(X, y)
    assert [w.shape for w in model.coefs_] == [(7, 5), (3, 7), (2, 3)]
    assert [b.shape for b in model.intercepts_] == [(7,), (3,), (2,)]
    a = (X - model.x_mean_) / model.x_scale_
    for W, b in zip(model.coefs_[:-1], model.intercepts_[:-1]):
        a = np.maximum(W @ a.T + b[:, None], 0.0).T
    out = a @ model.coefs_[-1].T + model.intercepts_[-1]
    np.testing.assert_allclose(out * model.y_scale_ + model.y_mean_, model.predict(X), rtol=1e-5)


def test_one_dimensional_target():
    X, y = _smooth_data(200)
    model = TorchMLPRegressor(**{**FAST, "max_epochs": 2}).fit(X, y[:, 0])
    assert model.predict(X).shape == (200,)
    assert model.coefs_[-1].shape == (1, 32)


def test_warm_start_continues_training():
    X, y = _smooth_data()
    params = {**FAST, "max_epochs": 4, "n_iter_no_change": 100, "lr_schedule": "constant"}
    model = TorchMLPRegressor(**params, warm_start=True).fit(X, y)
    first_weights = model.coefs_
    loss_after_first = model.history_["train_loss"][-1]
    model.fit(X, y)
    assert model.n_iter_ == 8
    # the second fit started from the first fit's weights (trained on a copy of them)
    moved = [np.abs(a - b).max() for a, b in zip(model.coefs_, first_weights)]
    assert 0 < max(moved) < 0.5 * max(np.abs(w).max() for w in first_weights)
    assert model.history_["epoch"] == list(range(1, 9))
    assert model.history_["train_loss"][-1] < loss_after_first
    with pytest.raises(ValueError, match="warm_start=True needs targets with the 2 outputs"):
        model.fit(X, y[:, :1])
    cold = TorchMLPRegressor(**params).fit(X, y)
    cold.fit(X, y)
    assert cold.n_iter_ == 4


@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd", "momentum", "rmsprop"])
@pytest.mark.parametrize("schedule", ["onecycle", "cosine", "plateau", "constant"])
def test_every_optimizer_and_schedule_learns(optimizer, schedule):
    X, y = _smooth_data(300)
    lr = {"sgd": 0.1, "momentum": 0.02}.get(optimizer, 3e-3)
    model = TorchMLPRegressor(
        **{**FAST, "max_epochs": 20, "n_iter_no_change": 100}, optimizer=optimizer, batch_size=32,
        lr_schedule=schedule, learning_rate=lr,
    ).fit(X, y)
    assert model.history_["train_loss"][-1] < 0.5 * model.history_["train_loss"][0]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "identity"])
def test_activations(activation):
    X, y = _smooth_data(300)
    model = TorchMLPRegressor(**{**FAST, "max_epochs": 3}, activation=activation).fit(X, y)
    layer_types = {type(layer).__name__ for layer in model.module_}
    expected = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "identity": "Identity"}
    assert expected[activation] in layer_types


def test_no_hidden_layer_is_a_linear_model():
    from placedecode.models import LinearRegressor

    rng = np.random.default_rng(0)
    X = rng.random((500, 4))
    y = X @ np.array([[0.3, -0.2], [0.1, 0.4], [0.0, 0.2], [-0.3, 0.1]]) + [0.5, 0.5]
    net = TorchMLPRegressor(**{**FAST, "hidden_layer_sizes": (), "max_epochs": 40}).fit(X, y)
    assert [w.shape for w in net.coefs_] == [(2, 4)]
    closed_form = LinearRegressor(fit_intercept=True).fit(X, y)
    assert decoding_error(closed_form.predict(X), net.predict(X)) < 1.0  # chance: 17 cm


def test_l2_shrinks_weights():
    X, y = _smooth_data(300)
    params = {**FAST, "max_epochs": 15, "n_iter_no_change": 100}
    plain = TorchMLPRegressor(**params).fit(X, y)
    decayed = TorchMLPRegressor(**params, l2=0.5).fit(X, y)
    norm = lambda m: sum(float(np.sum(w**2)) for w in m.coefs_)  # noqa: E731
    assert norm(decayed) < 0.7 * norm(plain)


def test_divergence_raises_training_diverged_error():
    X, y = _smooth_data(200)
    model = TorchMLPRegressor(**FAST, optimizer="sgd", learning_rate=1e4, lr_schedule="constant",
                              standardize=False)
    with pytest.raises(TrainingDivergedError, match="Training diverged.*learning_rate=10000"):
        model.fit(X * 1e3, y)
    with pytest.raises(NotFittedError):  # no half-trained network is left behind
        model.predict(X)


def test_divergence_during_warm_start_keeps_the_previous_network():
    X, y = _smooth_data(200)
    model = TorchMLPRegressor(**{**FAST, "max_epochs": 3}, warm_start=True).fit(X, y)
    before, history = model.predict(X), dict(model.history_)
    model.set_params(optimizer="sgd", learning_rate=1e4, lr_schedule="constant")
    with pytest.raises(TrainingDivergedError):
        model.fit(X * 1e3, y)
    np.testing.assert_array_equal(model.predict(X), before)
    assert model.history_ == history and model.n_iter_ == 3
    with pytest.raises(ValueError, match=r"cannot change the architecture.*\[32, 32\]"):
        model.set_params(hidden_layer_sizes=(16,), learning_rate=1e-3).fit(X, y)


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        ({"activation": "softplus"}, ValueError, "'activation' parameter .* Got 'softplus'"),
        ({"optimizer": "lbfgs"}, ValueError, "'optimizer' parameter .* Got 'lbfgs'"),
        ({"lr_schedule": "step"}, ValueError, "'lr_schedule' parameter"),
        ({"learning_rate": 0.0}, ValueError, "'learning_rate' parameter"),
        ({"batch_size": 0}, ValueError, "'batch_size' parameter"),
        ({"validation_fraction": 1.0}, ValueError, "'validation_fraction' parameter"),
        ({"hidden_layer_sizes": (10, 0)}, ValueError, r"hidden_layer_sizes must be .*\(10, 0\)"),
        ({"device": "gpu"}, ValueError, "device must be 'auto', 'cpu', 'cuda'.*got 'gpu'"),
    ],
)
def test_bad_parameters_are_named(params, error, message):
    X, y = _smooth_data(50)
    with pytest.raises(error, match=message):
        TorchMLPRegressor(**{**FAST, **params}).fit(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only error message")
def test_cuda_without_gpu_is_a_clear_error():
    X, y = _smooth_data(50)
    with pytest.raises(ValueError, match=r"device='cuda' but torch.cuda.is_available\(\) is False"):
        TorchMLPRegressor(**FAST, device="cuda").fit(X, y)


def test_bad_input_raises_clear_errors():
    X, y = _smooth_data(100)
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        TorchMLPRegressor(**FAST).fit(X_nan, y)
    model = TorchMLPRegressor(**{**FAST, "max_epochs": 1}).fit(X, y)
    with pytest.raises(ValueError, match="X has 4 features, but TorchMLPRegressor is expecting 5"):
        model.predict(X[:, :4])
    with pytest.raises(ValueError, match="X reaches .* after standardize=False.*standardize=True"):
        TorchMLPRegressor(**{**FAST, "max_epochs": 1, "standardize": False}).fit(X * 1e300, y)
    with pytest.warns(RuntimeWarning, match="X is far outside the range seen in fit"):
        model.predict(np.full((2, 5), 1e6))  # evaluated in float64: far, but finite


def test_thread_setting_is_restored():
    X, y = _smooth_data(100)
    torch.set_num_threads(1)
    TorchMLPRegressor(**{**FAST, "max_epochs": 1, "n_threads": 2}).fit(X, y)
    assert torch.get_num_threads() == 1


def test_pickle_and_clone():
    X, y = _smooth_data(200)
    model = TorchMLPRegressor(**{**FAST, "max_epochs": 3}).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    assert restored.history_ == model.history_
    fresh = clone(model)
    assert fresh.get_params() == model.get_params() and not hasattr(fresh, "module_")


def test_verbose_shows_a_progress_bar(capsys):
    X, y = _smooth_data(100)
    TorchMLPRegressor(**{**FAST, "max_epochs": 2}, verbose=True).fit(X, y)
    assert "2/2" in capsys.readouterr().err


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_training_and_cpu_pickle():
    X, y = _smooth_data()
    model = TorchMLPRegressor(**FAST, device="cuda").fit(X, y)
    assert model.device_.startswith("cuda") and model.score(X, y) > 0.97
    state = pickle.dumps(model)
    restored = pickle.loads(state)
    assert next(restored.module_.parameters()).device.type == "cpu"
    np.testing.assert_allclose(restored.predict(X), model.predict(X), rtol=1e-4, atol=1e-6)


def test_classifier_arbitrary_labels_and_probabilities():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = np.where(X[:, 0] * X[:, 1] > 0, "same sign", "opposite")  # not linearly separable
    clf = TorchMLPClassifier(**FAST).fit(X, y)
    assert clf.classes_.tolist() == ["opposite", "same sign"]
    proba = clf.predict_proba(X)
    assert proba.shape == (400, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    assert clf.score(X, y) > 0.93
    errors = clf.history_["train_error"]
    assert 0.0 <= errors[-1] < errors[0] <= 1.0  # misclassification rate


def test_classifier_shares_the_training_loop():
    assert TorchMLPClassifier.__mro__[2] is TorchMLPRegressor.__mro__[2]
    with pytest.raises(ValueError, match="at least 2 classes in y; got 1 class"):
        TorchMLPClassifier(**FAST).fit(np.ones((20, 2)), [7] * 20)


def test_decodes_place_cells_far_below_chance(place_recording):
    train, test = place_recording
    model = TorchMLPRegressor(hidden_layer_sizes=(64, 64), max_epochs=15, n_threads=1,
                              random_state=0).fit(train.X, train.y)
    chance = decoding_error(test.y, np.broadcast_to(train.y.mean(axis=0), test.y.shape))
    error = decoding_error(test.y, model.predict(test.X))
    assert chance > 25.0
    assert error < 2.0  # the tutorial's linear decoder: 5.1 cm with a bias


@pytest.mark.slow
def test_default_network_beats_the_tutorial_on_place_cells(place_recording):
    train, test = place_recording
    model = TorchMLPRegressor(n_threads=1, random_state=0).fit(train.X, train.y)
    # The notebook's torch cell (SGD at 0.1): 5.36 cm, mean of seeds 0-9 (bench_tutorial).
    assert decoding_error(test.y, model.predict(test.X)) < 0.30


def test_min_steps_raises_the_number_of_epochs_on_small_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = (X[:, 0] > 0).astype(int)
    params = {**FAST, "batch_size": 50, "max_epochs": 3, "early_stopping": False}
    assert TorchMLPClassifier(**{**params, "min_steps": 20}).fit(X, y).n_iter_ == 10  # 2 batches an epoch
    assert TorchMLPClassifier(**{**params, "min_steps": 4}).fit(X, y).n_iter_ == 3  # max_epochs already more
    assert TorchMLPClassifier().min_steps == 800 and TorchMLPRegressor().min_steps is None


def test_gelu_activation_builds_gelu_layers_and_fits():
    X, y = _smooth_data(300)
    model = TorchMLPRegressor(**{**FAST, "activation": "gelu", "max_epochs": 30}).fit(X, y)
    names = [type(layer).__name__ for layer in model.module_]
    assert names == ["Linear", "GELU", "Linear", "GELU", "Linear"]
    assert decoding_error(y, model.predict(X)) < 0.3 * decoding_error(y, np.tile(y.mean(0), (len(y), 1)))


def test_classifier_defaults_center_pixels_and_reach_97_percent_on_digits():
    from placedecode.datasets import load_digits

    (X, y), (X_test, y_test) = load_digits("train"), load_digits("test")
    clf = TorchMLPClassifier(n_threads=1, random_state=0).fit(X, y)
    np.testing.assert_allclose(clf.x_mean_, X.mean(axis=0))
    np.testing.assert_array_equal(clf.x_scale_, 1.0)
    assert clf.score(X_test, y_test) >= 0.97  # 98.3 % (mean of seeds 0-4: 97.7 %)


def test_tutorial_preset_has_the_tutorials_torch_settings():
    model = TorchMLPRegressor.tutorial(random_state=2)
    params = model.get_params()
    # the notebook's DeepNeuralNetworkTorch: optim.SGD(lr=0.1), fit(epochs=100, batch_frac=0.1)
    expected = dict(hidden_layer_sizes=(200,) * 5, activation="relu", optimizer="sgd",
                    learning_rate=0.1, lr_schedule="constant", batch_size=0.1,
                    batch_sampling="random", max_epochs=100,
                    early_stopping=False, standardize=False, l2=0.0, random_state=2)
    assert {key: params[key] for key in expected} == expected
    assert TorchMLPRegressor.tutorial(max_epochs=3).max_epochs == 3
    assert TorchMLPRegressor.tutorial(optimizer="adam", learning_rate=1e-3).optimizer == "adam"
    X, y = _smooth_data(300)
    fitted = TorchMLPRegressor.tutorial(hidden_layer_sizes=(32,), max_epochs=3).fit(X, y)
    np.testing.assert_array_equal(fitted.x_mean_, 0.0)  # raw rates and positions, as taught
    assert fitted.n_iter_ == 3 and np.all(np.isfinite(fitted.predict(X)))


def test_random_batch_sampling_draws_fresh_batches_of_distinct_samples():
    X, y = _smooth_data(103)
    kwargs = dict(hidden_layer_sizes=(16,), batch_size=10, max_epochs=2, n_threads=1,
                  random_state=0)
    random = TorchMLPRegressor(batch_sampling="random", **kwargs).fit(X, y)
    assert random.n_iter_ == 2 and len(random.history_["train_loss"]) == 2
    again = TorchMLPRegressor(batch_sampling="random", **kwargs).fit(X, y)
    np.testing.assert_array_equal(random.predict(X), again.predict(X))  # seeded
    epoch = TorchMLPRegressor(**kwargs).fit(X, y)
    assert np.max(np.abs(random.predict(X) - epoch.predict(X))) > 1e-6
    assert TorchMLPRegressor().get_params()["batch_sampling"] == "epoch"  # the default
    # min_steps counts round(103 / 10) = 10 steps an epoch of random batches, as the numpy net
    planned = TorchMLPRegressor(batch_sampling="random", min_steps=25, **kwargs).fit(X, y)
    assert planned.n_iter_ == 3


def test_bad_batch_sampling_is_named_in_the_error():
    X, y = _smooth_data(50)
    with pytest.raises(ValueError, match="'batch_sampling' parameter of TorchMLPRegressor"):
        TorchMLPRegressor(batch_sampling="replacement").fit(X, y)
