"""TimeWindow: lagged features that never read across a gap or a fold edge."""

import numpy as np
import pytest
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from placedecode.features import TimeWindow, block_starts, lagged
from placedecode.metrics import decoding_error
from placedecode.models import LinearRegressor
from placedecode.sim import BlockedTimeSeriesSplit


def _expected_failures(estimator):
    if estimator.past or estimator.future:
        reason = ("a row's window holds its neighbours in time, so transforming a subset or "
                  "a shuffled order changes the rows by design")
        return {"check_methods_subset_invariance": reason,
                "check_methods_sample_order_invariance": reason}
    return {}


@parametrize_with_checks([TimeWindow(), TimeWindow(past=2, future=1, pad="zero")],
                         expected_failed_checks=_expected_failures)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_lags_are_lag_major_and_padded_by_edge_or_zero():
    X = np.c_[np.arange(6.0), 10 + np.arange(6.0)]  # 6 bins, 2 cells
    Z = TimeWindow(past=2, future=1).fit_transform(X)
    assert Z.shape == (6, 8)
    np.testing.assert_array_equal(Z[3], [1, 11, 2, 12, 3, 13, 4, 14])  # t-2, t-1, t, t+1
    np.testing.assert_array_equal(Z[0, :2], [0, 10])  # edge padding
    Zz = TimeWindow(past=2, future=1, pad="zero").fit_transform(X)
    np.testing.assert_array_equal(Zz[0], [0, 0, 0, 0, 0, 10, 1, 11])
    np.testing.assert_array_equal(Zz[5, 6:], [0, 0])
    names = TimeWindow(past=1, step=3).fit(X).get_feature_names_out()
    assert names.tolist() == ["x0@-3", "x1@-3", "x0@0", "x1@0"]


def test_step_spreads_lags():
    X = np.arange(10.0)[:, None]
    Z = TimeWindow(past=2, future=2, step=2).fit_transform(X)
    np.testing.assert_array_equal(Z[5], [1, 3, 5, 7, 9])


def test_never_reads_across_groups_or_time_gaps():
    X = np.arange(8.0)[:, None]
    Z = TimeWindow(past=1, future=1).fit_transform(X, groups=[0, 0, 0, 0, 1, 1, 1, 1])
    np.testing.assert_array_equal(Z[3], [2, 3, 3])  # block end: edge, not bin 4
    np.testing.assert_array_equal(Z[4], [4, 4, 5])  # block start: edge, not bin 3
    # the same blocks found from a time column with a jump (bins 0-3, then 10-13 s)
    t = np.r_[0:4, 10:14].astype(float)
    Zt = TimeWindow(past=1, future=1, time_column=0).fit_transform(np.c_[t, X])
    np.testing.assert_array_equal(Zt, Z)
    np.testing.assert_array_equal(block_starts(8, times=t), [0, 4])


def test_inside_a_pipeline_cv_folds_stay_apart():
    """With a time column, the training rows of a middle fold are two blocks, not one."""
    rng = np.random.default_rng(0)
    T = 600
    signal = np.cumsum(rng.normal(size=T))
    X = np.c_[np.arange(T), signal + rng.normal(0, 0.5, size=T)]
    y = np.r_[signal[2:], signal[-1], signal[-1]]  # the target leads the input by 2 bins
    model = make_pipeline(TimeWindow(past=3, future=3, time_column=0), LinearRegressor(fit_intercept=True))
    cv = BlockedTimeSeriesSplit(n_splits=5, gap=5)
    pred = cross_val_predict(model, X, y, cv=cv)
    lag_free = cross_val_predict(LinearRegressor(fit_intercept=True), X[:, 1:], y, cv=cv)
    assert decoding_error(y / 100, pred / 100) < 0.8 * decoding_error(y / 100, lag_free / 100)
    # the transform of the training rows of fold 3 splits at the removed test block
    train, test = list(cv.split(X))[2]
    tw = TimeWindow(past=1, time_column=0).fit(X[train])
    Z = tw.transform(X[train])
    first_after = np.searchsorted(train, test[-1])
    assert Z[first_after, 0] == Z[first_after, 1]  # padded with itself, not the bin before the gap


def test_lagged_matches_a_loop():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    starts = [0, 7, 20]
    Z = lagged(X, 2, 3, starts=starts)
    ends = [7, 20, 30]
    for lo, hi in zip(starts, ends):
        for t in range(lo, hi):
            expected = np.concatenate([X[min(max(t + k, lo), hi - 1)] for k in range(-2, 4)])
            np.testing.assert_array_equal(Z[t], expected)


def test_errors():
    with pytest.raises(ValueError, match="groups"):
        TimeWindow(past=1).fit_transform(np.zeros((5, 2)), groups=[0, 1])
    with pytest.raises(ValueError, match="time_column"):
        TimeWindow(time_column=5).fit(np.zeros((5, 2)))
