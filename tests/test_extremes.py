"""Estimators at the edges: inputs at 1e±20 and beyond, overflowing predictions, odd labels.

Nothing may come back silently wrong: inputs of any float64 scale are standardised (not
squashed into constants), or refused / warned about naming the parameter to change;
predictions that overflow raise, absurd ones warn; mixed label types are refused naming y.
"""

import warnings

import numpy as np
import pytest

import placedecode as pdc

pytest.importorskip("torch")

SCALES = [1e20, 1e-20, 1e200, 1e-200]


def _regression_data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 5))
    y = np.c_[np.sin(3 * X[:, 0]) + X[:, 1], X[:, 2] * X[:, 3]]
    return X, (y - y.min(axis=0)) / np.ptp(y, axis=0)


def _classification_data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 2))
    return X, np.where(X[:, 0] + X[:, 1] > 1, "far", "near")


REGRESSORS = {
    "linear": lambda: pdc.LinearRegressor(fit_intercept=True),
    "numpy": lambda: pdc.NumpyMLPRegressor((16,), max_epochs=20, random_state=0),
    "torch": lambda: pdc.TorchMLPRegressor((16,), max_epochs=10, random_state=0),
    "sequence": lambda: pdc.TorchSequenceRegressor(context=2, channels=4, hidden=8,
                                                   max_epochs=3, random_state=0),
}
CLASSIFIERS = {
    "linear": lambda **kw: pdc.LinearClassifier(**kw),
    "numpy": lambda **kw: pdc.NumpyMLPClassifier((16,), max_epochs=20, random_state=0, **kw),
    "torch": lambda **kw: pdc.TorchMLPClassifier((16,), max_epochs=10, min_steps=None,
                                                 random_state=0, **kw),
}


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", list(REGRESSORS))
def test_regressors_decode_inputs_of_any_scale_as_at_unit_scale(name, scale):
    X, y = _regression_data()
    reference = REGRESSORS[name]().fit(X, y).predict(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning either: this input is fine
        scaled = REGRESSORS[name]().fit(X * scale, y).predict(X * scale)
    assert scaled.std(axis=0).min() > 0.5 * reference.std(axis=0).min()  # not constant
    assert pdc.decoding_error(reference, scaled) < 0.05 * pdc.decoding_error(
        y, np.broadcast_to(y.mean(axis=0), y.shape))


@pytest.mark.parametrize("scale", [1e20, 1e-20])
@pytest.mark.parametrize("name", ["numpy", "torch"])
def test_network_targets_of_any_scale_come_back_in_their_units(name, scale):
    X, y = _regression_data()
    reference = REGRESSORS[name]().fit(X, y).predict(X)
    scaled = REGRESSORS[name]().fit(X, y * scale).predict(X)
    np.testing.assert_allclose(scaled / scale, reference, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("name", ["numpy", "torch"])
def test_unscaled_classifier_inputs_far_from_unit_scale_are_refused_or_flagged(name):
    X, y = _classification_data()
    with pytest.raises(ValueError, match=r"X reaches [0-9.]+e\+19 after standardize='center'.*"
                                         "standardize=True"):
        CLASSIFIERS[name]().fit(X * 1e20, y)
    with pytest.warns(UserWarning, match=r"Every column of X spans less than .*"
                                         "standardize=True"):
        CLASSIFIERS[name]().fit(X * 1e-20, y)
    unit = CLASSIFIERS[name](standardize=True).fit(X, y).score(X, y)
    for scale in (1e20, 1e-20):  # the remedy the messages name works
        model = CLASSIFIERS[name](standardize=True).fit(X * scale, y)
        assert model.score(X * scale, y) >= unit - 0.02 and unit > 0.7


@pytest.mark.parametrize("scale", SCALES)
def test_the_linear_classifier_is_scale_free(scale):
    X, y = _classification_data()
    assert pdc.LinearClassifier().fit(X * scale, y).score(X * scale, y) > 0.9


def test_ridge_on_tiny_inputs_warns_that_alpha_swamps_them():
    X, y = _regression_data()
    with pytest.warns(UserWarning, match=r"alpha=1 is more than 1e\+06 times the sum of "
                                         "squares of X.*units of X²"):
        pdc.LinearRegressor(fit_intercept=True, alpha=1.0).fit(X * 1e-20, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pdc.LinearRegressor(fit_intercept=True, alpha=1e-40).fit(X * 1e-20, y)


@pytest.mark.parametrize("name", list(REGRESSORS))
def test_predictions_that_overflow_raise_and_absurd_ones_warn(name):
    X, y = _regression_data()
    model = REGRESSORS[name]().fit(X, y)
    with pytest.warns(RuntimeWarning, match="more than 100 times the training targets"):
        model.predict(X * 1e4)  # far outside the range seen in fit: metres by the km
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.predict(X * 1e300)
            error = None
        except (FloatingPointError, ValueError) as raised:  # overflow: an error naming X
            error = raised
    if error is not None:
        assert "X" in str(error) and ("finite" in str(error) or "too large" in str(error))
    else:
        assert any("more than 100 times" in str(w.message) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(X)  # inside the range: silent


@pytest.mark.parametrize("labels", [["left", None], ["left", 3], [None, None]],
                         ids=["str+None", "str+int", "None"])
@pytest.mark.parametrize("name", list(CLASSIFIERS))
def test_mixed_or_missing_labels_are_refused_naming_y(name, labels):
    X, _ = _classification_data(40)
    y = np.array(labels * 20, dtype=object)
    with pytest.raises(ValueError, match=r"y must hold class labels of one type .*no None"):
        CLASSIFIERS[name]().fit(X, y)


def test_partial_fit_classes_of_mixed_types_are_refused_too():
    X, y = _classification_data(40)
    with pytest.raises(ValueError, match="y must hold class labels of one type"):
        pdc.NumpyMLPClassifier((4,)).partial_fit(X, y, classes=np.array(["far", None],
                                                                      dtype=object))
    model = pdc.NumpyMLPClassifier((4,)).partial_fit(X, y, classes=["far", "near"])
    with pytest.raises(ValueError, match=r"labels \[1, 2\] not in classes_"):
        model.partial_fit(X[:2], np.array([1, 2]))
