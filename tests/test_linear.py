"""Closed-form linear decoders: the tutorial's W, scikit-learn equivalence, classifier."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

import placedecode
from placedecode.metrics import decoding_error
from placedecode.models import LinearClassifier, LinearRegressor, _linear


@parametrize_with_checks(
    [LinearRegressor(), LinearRegressor(fit_intercept=True, alpha=0.5), LinearClassifier()]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture
def rates_and_positions():
    """Noisy linear data: 300 samples, 6 'cells', 2-D position in metres."""
    rng = np.random.default_rng(1)
    X = rng.gamma(2.0, 1.0, size=(300, 6))
    W = rng.normal(size=(2, 6)) * 0.1
    y = X @ W.T + np.array([0.4, 0.6]) + rng.normal(0, 0.01, size=(300, 2))
    return X, y


def test_coef_is_the_tutorials_W_in_neuroscience_layout(rates_and_positions):
    X, y = rates_and_positions
    rates, position = X.T, y.T  # tutorial layout: (N_cells, T) and (D, T)
    W_tutorial = (position @ rates.T) @ np.linalg.inv(rates @ rates.T)
    model = LinearRegressor().fit(X, y)
    assert model.coef_.shape == (2, 6)
    np.testing.assert_allclose(model.coef_, W_tutorial, rtol=1e-8, atol=1e-12)
    np.testing.assert_array_equal(model.intercept_, [0.0, 0.0])


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_equals_lstsq_and_sklearn_linear_regression(rates_and_positions, fit_intercept):
    X, y = rates_and_positions
    model = LinearRegressor(fit_intercept=fit_intercept).fit(X, y)
    reference = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(model.predict(X), reference.predict(X), rtol=1e-10)
    A = np.c_[X, np.ones(len(X))] if fit_intercept else X
    solution = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(model.coef_, solution[:6].T, rtol=1e-9, atol=1e-12)
    if fit_intercept:
        np.testing.assert_allclose(model.intercept_, solution[6], rtol=1e-9)


@pytest.mark.parametrize("path", ["cholesky", "stacked-svd"])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("alpha", [0.1, 10.0, 1e4])
def test_ridge_equals_sklearn_ridge(rates_and_positions, fit_intercept, alpha, path, monkeypatch):
    X, y = rates_and_positions
    # both solvers of the ridge problem, forced: Cholesky of Xᵀ X + alpha I, or lstsq on
    # X stacked over sqrt(alpha) I
    monkeypatch.setattr(_linear, "CHOLESKY_MAX_CONDITION", np.inf if path == "cholesky" else 0.0)
    model = LinearRegressor(fit_intercept=fit_intercept, alpha=alpha).fit(X, y)
    reference = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="svd").fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, rtol=1e-8, atol=1e-12)


def test_ridge_shrinks_weights_but_not_the_intercept(rates_and_positions):
    X, y = rates_and_positions
    with pytest.warns(UserWarning, match="ridge shrinks every weight to about 0"):
        huge = LinearRegressor(fit_intercept=True, alpha=1e12).fit(X, y)
    assert np.abs(huge.coef_).max() < 1e-8
    np.testing.assert_allclose(huge.intercept_, y.mean(axis=0), rtol=1e-6)


def test_silent_cell_gives_finite_minimum_norm_solution(rates_and_positions):
    X, y = rates_and_positions
    X_silent = np.c_[X[:, :3], np.zeros(len(X)), X[:, 3:]]  # cell 3 never fires
    assert np.linalg.matrix_rank(X_silent.T @ X_silent) == 6  # X Xᵀ is singular
    for fit_intercept in (False, True):
        model = LinearRegressor(fit_intercept=fit_intercept).fit(X_silent, y)
        assert np.all(np.isfinite(model.coef_)) and np.all(np.isfinite(model.intercept_))
        np.testing.assert_allclose(model.coef_[:, 3], 0.0, atol=1e-12)  # minimum norm
        full = LinearRegressor(fit_intercept=fit_intercept).fit(X, y)
        np.testing.assert_allclose(np.delete(model.coef_, 3, axis=1), full.coef_, rtol=1e-8)
        assert np.all(np.isfinite(model.predict(X_silent)))


def test_duplicated_cell_matches_lstsq_minimum_norm(rates_and_positions):
    X, y = rates_and_positions
    X_dup = np.c_[X, X[:, 0]]
    model = LinearRegressor().fit(X_dup, y)
    np.testing.assert_allclose(
        model.coef_, np.linalg.lstsq(X_dup, y, rcond=None)[0].T, rtol=1e-8, atol=1e-12
    )
    np.testing.assert_allclose(model.coef_[:, 0], model.coef_[:, 6])  # weight split evenly


def test_one_dimensional_targets_follow_sklearn_convention(rates_and_positions):
    X, y = rates_and_positions
    model = LinearRegressor(fit_intercept=True).fit(X, y[:, 0])
    assert model.coef_.shape == (6,) and isinstance(model.intercept_, float)
    assert model.predict(X).shape == (300,)
    np.testing.assert_allclose(model.predict(X), LinearRegression().fit(X, y[:, 0]).predict(X))
    column = LinearRegressor().fit(X, y[:, :1])
    assert column.coef_.shape == (1, 6) and column.predict(X).shape == (300, 1)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"alpha": -1.0},
         r"'alpha' parameter of LinearRegressor must be .* range \[0(\.0)?, inf\)\. Got -1\.0"),
        ({"fit_intercept": "yes"}, "'fit_intercept' parameter .* instance of 'bool'"),
    ],
)
def test_bad_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        LinearRegressor(**params).fit(np.ones((3, 2)), np.ones(3))


def test_bad_input_raises_clear_errors(rates_and_positions):
    X, y = rates_and_positions
    X_nan = X.copy()
    X_nan[5, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        LinearRegressor().fit(X_nan, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LinearRegressor().fit(X, y[:-1])
    model = LinearRegressor().fit(X, y)
    with pytest.raises(ValueError, match="X has 5 features, but LinearRegressor is expecting 6"):
        model.predict(X[:, :5])


def test_clone_and_pickle_round_trip(rates_and_positions):
    X, y = rates_and_positions
    model = LinearRegressor(fit_intercept=True, alpha=0.3).fit(X, y)
    assert clone(model).get_params() == {"fit_intercept": True, "alpha": 0.3}
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))


def test_classifier_arbitrary_labels_and_probabilities():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0]])
    labels = np.array(["north", "east", "home"])
    index = rng.integers(0, 3, 300)
    X = centres[index] + rng.normal(0, 0.5, (300, 2))
    y = labels[index]
    clf = LinearClassifier().fit(X, y)
    assert clf.classes_.tolist() == ["east", "home", "north"]
    assert clf.coef_.shape == (3, 2) and clf.intercept_.shape == (3,)
    assert clf.score(X, y) > 0.95
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert proba.min() >= 0.0
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    # Least squares on one-hot targets with an intercept: the raw scores sum to 1.
    np.testing.assert_allclose(clf.decision_function(X).sum(axis=1), 1.0)


def test_classifier_reuses_the_regressor_on_one_hot_targets():
    rng = np.random.default_rng(3)
    X = rng.random((60, 4))
    y = rng.integers(0, 3, 60) * 10  # labels 0, 10, 20
    clf = LinearClassifier(alpha=0.5).fit(X, y)
    one_hot = (y[:, None] == np.array([0, 10, 20])).astype(float)
    reg = LinearRegressor(fit_intercept=True, alpha=0.5).fit(X, one_hot)
    np.testing.assert_allclose(clf.coef_, reg.coef_)
    np.testing.assert_allclose(clf.decision_function(X), reg.predict(X))


def test_classifier_binary_decision_and_probability_fallback():
    X = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    y = np.array([False, False, True, True])
    clf = LinearClassifier(fit_intercept=False).fit(X, y)
    decision = clf.decision_function(X)
    assert decision.shape == (4,)
    np.testing.assert_array_equal(clf.predict(X), decision > 0)
    far = np.array([[-5.0, -5.0]])  # every score negative without an intercept
    proba = clf.predict_proba(far)
    assert np.all(np.isfinite(proba)) and proba.sum() == pytest.approx(1.0)
    assert proba.argmax() == np.argmax(far @ clf.coef_.T)


def test_classifier_needs_two_classes():
    with pytest.raises(ValueError, match="at least 2 classes in y; got 1 class"):
        LinearClassifier().fit(np.ones((4, 2)), ["a"] * 4)


def test_linear_decoding_of_place_cells(place_recording):
    train, test = place_recording
    plain = LinearRegressor().fit(train.X, train.y)
    biased = LinearRegressor(fit_intercept=True).fit(train.X, train.y)
    chance = decoding_error(test.y, np.broadcast_to(train.y.mean(axis=0), test.y.shape))
    plain_error = decoding_error(test.y, plain.predict(test.X))
    biased_error = decoding_error(test.y, biased.predict(test.X))
    # Tutorial: 6.4 cm without bias and 5.1 cm with it (mean over 3 seeds); chance ~ 35 cm.
    assert chance > 25.0
    assert plain_error < 9.0
    assert biased_error < plain_error
    assert biased_error < 7.0


def test_ridge_takes_the_cholesky_path_only_when_provably_well_conditioned(monkeypatch):
    calls, real_solve = [], _linear.scipy.linalg.solve

    def counting_solve(*args, **kwargs):
        calls.append(1)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(_linear.scipy.linalg, "solve", counting_solve)
    rng = np.random.default_rng(0)
    X, y = rng.poisson(2.0, (400, 30)).astype(float), rng.random((400, 2))
    LinearRegressor(alpha=1.0).fit(X, y)  # bound (|X|_F² + 1) / 1 ~ 6e4: Cholesky
    assert calls == [1]
    LinearRegressor(alpha=1e-6).fit(X, y)  # bound ~ 6e10: the stacked SVD
    LinearRegressor().fit(X, y)  # no ridge: plain lstsq
    assert calls == [1]
