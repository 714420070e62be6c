"""Feature transformers for decoding from time series: lagged copies of the inputs.

:class:`TimeWindow` turns ``X`` (T, N) into ``(T, N * n_lags)``: each row holds the inputs
of its own bin and of ``past`` earlier and ``future`` later bins (the "Wiener filter"
input of a linear decoder, or the window of an MLP). Put it in front of any decoder::

    from sklearn.pipeline import make_pipeline
    from placedecode.features import TimeWindow
    from placedecode.models import LinearRegressor
    model = make_pipeline(TimeWindow(past=10, future=10), LinearRegressor(fit_intercept=True))

Blocks: a window never reads across a gap or a fold edge
--------------------------------------------------------
Lagged features are only meaningful between consecutive bins, so rows are grouped into
*blocks* of consecutive bins and every window stays inside its block; where it would
reach past a block's first or last bin it is padded (``pad="edge"`` repeats that bin,
``pad="zero"`` fills zeros). The blocks are, in order of precedence:

1. ``groups`` passed to ``fit_transform``/``transform`` (one label per row; a new block
   starts wherever the label changes);
2. with ``time_column`` set, a column of ``X`` holding each row's time (seconds or bin
   index): a new block starts wherever the time step exceeds ``max_step`` (default 1.5
   times the median step of the input). The column is dropped from the output. This is
   the way to keep blocks apart inside a ``Pipeline`` under cross-validation, where
   scikit-learn passes only ``X``: the training rows of a middle fold (the bins before
   and after the test block, with the gap removed) are then two blocks, not one;
3. otherwise each call's input is ONE contiguous block. Pass each test fold to
   ``predict`` separately, as :class:`~placedecode.sim.BlockedTimeSeriesSplit` and
   ``cross_val_predict`` do.

The transformer is stateless (``fit`` only records the number of features), so fitting it
on a training fold and transforming a test fold uses nothing of the other.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._blocks import block_labels, block_starts  # noqa: F401 - public here too
from ._pynapple import pynapple_aware

__all__ = ["TimeWindow", "block_labels", "block_starts", "lagged"]


def lagged(X, past, future, step=1, starts=None, pad="edge"):
    """Lagged copies of ``X`` within blocks: the engine of :class:`TimeWindow`.

    Parameters
    ----------
    X : ndarray of shape (T, N)
    past, future : int
        Number of earlier and later lags.
    step : int, default=1
        Bins between lags (lags ``-past*step, ..., 0, ..., future*step``).
    starts : array-like of int, optional
        First row of each block (default: one block).
    pad : {"edge", "zero"}

    Returns
    -------
    Z : ndarray of shape (T, N * (past + 1 + future))
        Column block ``j`` is ``X`` shifted by lag ``(j - past) * step``, so the current
        bin is the block ``past``.
    """
    X = np.asarray(X)
    T, N = X.shape
    lags = np.arange(-past, future + 1) * step
    out = np.empty((T, N * len(lags)), dtype=np.result_type(X.dtype, np.float64))
    starts = np.array([0] if starts is None else starts, dtype=int)
    ends = np.r_[starts[1:], T]
    block_lo = np.repeat(starts, ends - starts)
    block_hi = np.repeat(ends, ends - starts) - 1
    rows = np.arange(T)
    for j, lag in enumerate(lags):
        src = rows + lag
        outside = (src < block_lo) | (src > block_hi)
        src = np.clip(src, block_lo, block_hi)
        col = X[src]
        if pad == "zero":
            col = np.where(outside[:, None], 0.0, col)
        out[:, j * N:(j + 1) * N] = col
    return out


@pynapple_aware
class TimeWindow(TransformerMixin, BaseEstimator):
    """Lagged copies of the inputs over a window of time bins, never across a block edge.

    Parameters
    ----------
    past : int, default=0
        Number of earlier bins (lags) per row.
    future : int, default=0
        Number of later bins per row. ``past=future=10`` at 200-ms bins is a +-2 s window.
    step : int, default=1
        Bins between consecutive lags (``step=2`` covers twice the time with as many
        features).
    pad : {"edge", "zero"}, default="edge"
        How windows are completed beyond a block's first/last bin.
    time_column : int or None, default=None
        Column of ``X`` holding row times; splits blocks at jumps (see the module
        docstring) and is dropped from the output.
    max_step : float or None, default=None
        Largest time step within a block, in the units of the time column (default 1.5 x
        the median step of each input).

    Attributes
    ----------
    n_features_in_ : int
        Columns of ``X`` in ``fit`` (the time column included).
    n_lags_ : int
        ``past + 1 + future``.

    Examples
    --------
    >>> import numpy as np
    >>> from placedecode.features import TimeWindow
    >>> X = np.arange(5.0)[:, None]                     # 5 bins, 1 cell
    >>> TimeWindow(past=1, future=1).fit_transform(X)
    array([[0., 0., 1.],
           [0., 1., 2.],
           [1., 2., 3.],
           [2., 3., 4.],
           [3., 4., 4.]])
    >>> TimeWindow(past=1).fit_transform(X, groups=[0, 0, 1, 1, 1])[:, 0]   # 2 blocks
    array([0., 0., 2., 2., 3.])
    """

    _parameter_constraints: dict = {
        "past": [Interval(numbers.Integral, 0, None, closed="left")],
        "future": [Interval(numbers.Integral, 0, None, closed="left")],
        "step": [Interval(numbers.Integral, 1, None, closed="left")],
        "pad": [StrOptions({"edge", "zero"})],
        "time_column": [numbers.Integral, None],
        "max_step": [Interval(numbers.Real, 0, None, closed="neither"), None],
    }

    def __init__(self, past=0, future=0, *, step=1, pad="edge", time_column=None, max_step=None):
        self.past = past
        self.future = future
        self.step = step
        self.pad = pad
        self.time_column = time_column
        self.max_step = max_step

    def fit(self, X, y=None, groups=None):
        """Record the number of features (the transform is stateless).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y, groups : ignored
        """
        self._validate_params()
        X = validate_data(self, X, dtype=np.float64)
        if self.time_column is not None and not -X.shape[1] <= self.time_column < X.shape[1]:
            raise ValueError(f"time_column={self.time_column} is out of range for {X.shape[1]} columns.")
        self.n_lags_ = int(self.past) + 1 + int(self.future)
        return self

    def transform(self, X, groups=None):
        """Windows of lagged inputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows in time order; one contiguous block unless ``groups`` or
            ``time_column`` say otherwise.
        groups : array-like of shape (n_samples,), optional
            Block label of each row.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_inputs * n_lags_)
            ``n_inputs`` is ``n_features`` minus the time column; lag-major columns
            (all inputs at the earliest lag first, the current bin in block ``past``).
        """
        check_is_fitted(self, "n_lags_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        times = None
        if self.time_column is not None:
            col = self.time_column % X.shape[1]
            times = X[:, col]
            X = np.delete(X, col, axis=1)
        starts = block_starts(len(X), groups=groups, times=times, max_step=self.max_step)
        return lagged(X, int(self.past), int(self.future), int(self.step), starts, self.pad)

    def fit_transform(self, X, y=None, groups=None):
        """``fit(X).transform(X, groups)``."""
        return self.fit(X).transform(X, groups=groups)

    def get_feature_names_out(self, input_features=None):
        """Names ``"<feature>@<lag>"`` (lag in bins, e.g. ``x3@-2``), lag-major."""
        check_is_fitted(self, "n_lags_")
        from sklearn.utils.validation import _check_feature_names_in

        names = list(_check_feature_names_in(self, input_features))
        if self.time_column is not None:
            del names[self.time_column % len(names)]
        lags = np.arange(-int(self.past), int(self.future) + 1) * int(self.step)
        return np.array([f"{n}@{lag:+d}" if lag else f"{n}@0" for lag in lags for n in names], dtype=object)
