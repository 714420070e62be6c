"""Every estimator pickles and joblib-dumps, fitted or not, and loads with identical predictions."""

import io
import pickle
import subprocess
import sys

import joblib
import numpy as np
import pytest
from sklearn.base import clone

import placedecode as pdc

pytest.importorskip("torch")


def _data(kind, n=240, seed=0):
    rng = np.random.default_rng(seed)
    y = np.cumsum(rng.normal(0, 0.02, size=(n, 2)), axis=0)  # a slow path, metres
    centres = np.linspace(-0.5, 0.5, 6)
    X = rng.poisson(5 * np.exp(-(y[:, :1] - centres) ** 2 / 0.05)).astype(float)
    if kind == "classifier":
        return X, np.where(y[:, 0] > np.median(y[:, 0]), "east", "west")
    return X, y


ESTIMATORS = [
    pdc.LinearRegressor(fit_intercept=True),
    pdc.LinearClassifier(),
    pdc.NumpyMLPRegressor((16,), max_epochs=3, random_state=0),
    pdc.NumpyMLPClassifier((16,), max_epochs=3, random_state=0),
    pdc.TorchMLPRegressor((16,), max_epochs=3, random_state=0),
    pdc.TorchMLPClassifier((16,), max_epochs=3, min_steps=None, random_state=0),
    pdc.TorchSequenceRegressor(context=3, channels=4, hidden=8, max_epochs=2, random_state=0),
    pdc.BayesianDecoder(),
]


def _kind(estimator):
    return "classifier" if type(estimator).__name__.endswith("Classifier") else "regressor"


def _outputs(model, X):
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)
    return model.predict(X)


def _round_trips(model):
    yield "pickle", pickle.loads(pickle.dumps(model))
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    yield "joblib", joblib.load(buffer)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_unfitted_estimators_round_trip_with_their_parameters(estimator):
    for how, loaded in _round_trips(clone(estimator)):
        assert loaded.get_params() == estimator.get_params(), how
        assert not [key for key in vars(loaded) if key.endswith("_")], how


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_fitted_estimators_round_trip_with_identical_predictions(estimator, tmp_path):
    X, y = _data(_kind(estimator))
    model = clone(estimator).fit(X, y)
    expected = _outputs(model, X)
    for how, loaded in _round_trips(model):
        np.testing.assert_array_equal(_outputs(loaded, X), expected, err_msg=how)
        if hasattr(model, "history_"):
            assert loaded.history_ == model.history_
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    np.testing.assert_array_equal(_outputs(joblib.load(path), X), expected)


def test_a_fitted_torch_model_loads_in_a_fresh_process(tmp_path):
    """The network classes are importable at module level: no defining code is needed."""
    X, y = _data("regressor")
    model = pdc.TorchSequenceRegressor(context=3, channels=4, hidden=8, max_epochs=2,
                                       random_state=0).fit(X, y)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "expected.npy", model.predict(X))
    joblib.dump(model, tmp_path / "model.joblib")
    code = (
        "import sys, joblib, numpy as np\n"
        f"d = {str(tmp_path)!r}\n"
        "model = joblib.load(d + '/model.joblib')\n"
        "np.testing.assert_array_equal(model.predict(np.load(d + '/X.npy')), "
        "np.load(d + '/expected.npy'))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
