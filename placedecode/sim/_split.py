"""Time-aware cross-validation: contiguous test blocks with a gap on each side."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils.validation import _num_samples


class BlockedTimeSeriesSplit(BaseCrossValidator):
    """K-fold cross-validation over contiguous blocks of time, with a gap.

    The samples (in time order) are cut into ``n_splits`` contiguous test blocks of
    near-equal size. Each fold tests on one block and trains on every other sample except
    the ``gap`` samples on each side of the test block, so that temporally correlated
    neighbours of test samples (a slow trajectory, smoothed rates, time-window features)
    never leak into training. Unlike :class:`sklearn.model_selection.TimeSeriesSplit`,
    training data come from both before and after the test block.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (>= 2).
    gap : int, default=0
        Samples dropped from the training set on each side of the test block.

    Examples
    --------
    >>> import numpy as np
    >>> from placedecode import BlockedTimeSeriesSplit
    >>> cv = BlockedTimeSeriesSplit(n_splits=3, gap=1)
    >>> for train, test in cv.split(np.zeros((9, 1))):
    ...     print(train, test)
    [4 5 6 7 8] [0 1 2]
    [0 1 7 8] [3 4 5]
    [0 1 2 3 4] [6 7 8]
    """

    def __init__(self, n_splits: int = 5, gap: int = 0):
        self.n_splits = n_splits
        self.gap = gap

    def _check_params(self, n_samples: int) -> None:
        if isinstance(self.n_splits, bool) or not isinstance(self.n_splits, numbers.Integral):
            raise TypeError(f"n_splits must be an int >= 2; got {self.n_splits!r}.")
        if self.n_splits < 2:
            raise ValueError(f"n_splits must be >= 2; got {self.n_splits}.")
        if isinstance(self.gap, bool) or not isinstance(self.gap, numbers.Integral) or self.gap < 0:
            raise ValueError(f"gap must be an int >= 0 (samples); got {self.gap!r}.")
        if self.n_splits > n_samples:
            raise ValueError(
                f"n_splits={self.n_splits} is too large for {n_samples} samples; use at most "
                f"{n_samples} splits."
            )
        block = n_samples // self.n_splits
        # the middle fold loses the most: its block plus 2 * gap
        if n_samples - (block + (n_samples % self.n_splits > 0)) - 2 * self.gap <= 0:
            raise ValueError(
                f"with n_splits={self.n_splits} and gap={self.gap}, some fold has no training "
                f"samples left out of {n_samples}; lower n_splits or gap."
            )

    def split(self, X, y=None, groups=None):
        """Yield ``(train_index, test_index)`` for each fold, in time order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Only its length is used; rows must be in time order.
        y, groups : ignored
        """
        n_samples = _num_samples(X)
        self._check_params(n_samples)
        indices = np.arange(n_samples)
        for test in np.array_split(indices, self.n_splits):
            lo, hi = test[0] - self.gap, test[-1] + self.gap
            train = indices[(indices < lo) | (indices > hi)]
            yield train, test

    def _iter_test_indices(self, X=None, y=None, groups=None):  # pragma: no cover - split() overrides
        for _, test in self.split(X, y, groups):
            yield test

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """Number of folds, ``n_splits``."""
        return self.n_splits
