"""Metrics: decoding error in cm, per-axis R², and the GridSearchCV scorer."""

import numpy as np
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.model_selection import GridSearchCV, KFold

from placedecode.metrics import decoding_error, decoding_error_scorer, r2_per_axis
from placedecode.models import LinearRegressor


def test_decoding_error_is_euclidean_distance_in_cm():
    y_true = np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 0.0], [0.2, 0.2]])
    y_pred = np.array([[0.03, 0.04], [0.5, 0.5], [1.0, 0.12], [0.2, 0.3]])
    per_sample = decoding_error(y_true, y_pred, reduce=None)
    np.testing.assert_allclose(per_sample, [5.0, 0.0, 12.0, 10.0])
    assert decoding_error(y_true, y_pred) == pytest.approx(27.0 / 4)
    assert decoding_error(y_true, y_pred, reduce="median") == pytest.approx(7.5)


def test_decoding_error_1d_track_and_3d():
    assert decoding_error([0.1, 0.2, 0.3], [0.1, 0.25, 0.2]) == pytest.approx(5.0)
    y = np.zeros((2, 3))
    assert decoding_error(y, [[0.02, 0.03, 0.06], [0.0, 0.0, 0.0]]) == pytest.approx(3.5)


def test_decoding_error_accepts_lists_and_returns_python_float():
    value = decoding_error([[0.0, 0.0]], [[0.0, 0.01]])
    assert type(value) is float and value == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        (np.zeros((3, 2)), np.zeros((3, 3)), r"same shape; got \(3, 2\) and \(3, 3\)"),
        (np.zeros((3, 2)), np.zeros((4, 2)), "same shape"),
        (np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), r"y_true must have shape .* \(2, 2, 2\)"),
        (np.array([[0.0, np.nan]]), np.zeros((1, 2)), "y_true contains 1 NaN"),
        (np.zeros((1, 2)), np.array([[np.inf, 0.0]]), "y_pred contains 1 NaN or infinite"),
        (np.zeros((0, 2)), np.zeros((0, 2)), "empty"),
    ],
)
def test_decoding_error_rejects_bad_input(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        decoding_error(y_true, y_pred)


def test_decoding_error_rejects_unknown_reduction_and_text():
    with pytest.raises(ValueError, match=r"reduce must be 'mean', 'median' or None; got 'max'"):
        decoding_error([0.0], [0.0], reduce="max")
    with pytest.raises(TypeError, match="y_pred must be a numeric array"):
        decoding_error([0.0], ["left"])


def test_r2_per_axis_hand_computed():
    y_true = np.array([[0.0, 1.0], [1.0, 1.5], [2.0, 2.0]])
    y_pred = np.array([[0.0, 1.0], [1.0, 1.5], [2.0, 1.5]])
    # axis 0 exact; axis 1: SS_res = 0.25, SS_tot = 0.5 -> R² = 0.5
    np.testing.assert_allclose(r2_per_axis(y_true, y_pred), [1.0, 0.5])
    np.testing.assert_allclose(r2_per_axis([1.0, 2.0, 3.0], [2.0, 2.0, 2.0]), [0.0])
    assert r2_per_axis(y_true, np.full_like(y_true, 5.0)).shape == (2,)
    with pytest.raises(ValueError, match="at least 2 samples"):
        r2_per_axis([[0.0, 0.0]], [[0.0, 0.0]])


def test_scorer_is_negated_mean_error_and_selects_the_better_model():
    rng = np.random.default_rng(0)
    X = rng.random((200, 4))
    y = X @ rng.random((4, 2))
    model = LinearRegressor(fit_intercept=True).fit(X, y)
    noisy = X + rng.normal(0, 0.5, X.shape)
    assert decoding_error_scorer(model, noisy, y) == pytest.approx(
        -decoding_error(y, model.predict(noisy))
    )
    search = GridSearchCV(
        LinearRegressor(), {"alpha": [0.0, 1e3]}, scoring=decoding_error_scorer,
        cv=KFold(3),
    ).fit(X, y)
    assert search.best_params_ == {"alpha": 0.0}  # the unpenalised fit is exact here
    assert search.best_score_ == pytest.approx(0.0, abs=1e-9)
    mean_only = DummyRegressor().fit(X, y)
    assert decoding_error_scorer(mean_only, X, y) < -1.0


def test_public_names():
    import placedecode

    assert placedecode.decoding_error is decoding_error
    assert placedecode.r2_per_axis is r2_per_axis
    assert placedecode.decoding_error_scorer is decoding_error_scorer


def test_decoding_error_expects_metres_and_warns_on_centimetres():
    rng = np.random.default_rng(0)
    y_m = rng.uniform(0, 1.1, size=(50, 2))  # a 1.1 m box, in metres: silent
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert decoding_error(y_m, y_m + 0.01) == pytest.approx(100 * np.sqrt(2) * 0.01)
    with pytest.warns(UserWarning, match="y_true spans 1.* 'metres'.*divide them by 100"):
        error = decoding_error(100 * y_m, 100 * y_m + 1)  # the same box in cm
    assert error == pytest.approx(100 * np.sqrt(2))  # 100 times too large: hence the warning
