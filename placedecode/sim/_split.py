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

    With ``groups`` (e.g. :attr:`Recording.blocks <placedecode.sim.Recording.blocks>`:
    epochs, running bouts, laps), every test fold is made of whole blocks: the cut points
    move to the block edges nearest the near-equal positions, so no block is ever split
    between training and test (as :class:`~sklearn.model_selection.GroupKFold` keeps
    groups whole, but in time order). Decode each fold with its blocks,
    ``model.predict(X[test], groups=groups[test])``, so windows and continuity priors do
    not reach across them either.

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
    >>> groups = [0, 0, 1, 1, 1, 1, 2, 2, 2]                 # three blocks
    >>> for train, test in BlockedTimeSeriesSplit(n_splits=3).split(np.zeros((9, 1)), groups=groups):
    ...     print(train, test)
    [2 3 4 5 6 7 8] [0 1]
    [0 1 6 7 8] [2 3 4 5]
    [0 1 2 3 4 5] [6 7 8]
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

    def _test_folds(self, n_samples, groups):
        """The test folds: list of index arrays, contiguous, covering every sample once."""
        indices = np.arange(n_samples)
        if groups is None:
            return np.array_split(indices, self.n_splits)
        from .._blocks import block_starts

        starts = block_starts(n_samples, groups=groups)
        n_blocks = len(starts)
        if n_blocks < self.n_splits:
            raise ValueError(
                f"groups has {n_blocks} block(s) (runs of equal labels) but n_splits="
                f"{self.n_splits}: each test fold is made of whole blocks. Lower n_splits to "
                f"at most {n_blocks}, or split without groups (folds may then cut a block)."
            )
        edges = starts[1:]  # candidate cut points: the first row of every block but the first
        cuts, lo = [], 0
        for k in range(1, self.n_splits):
            hi = len(edges) - (self.n_splits - 1 - k)  # leave an edge for every later cut
            choice = lo + int(np.argmin(np.abs(edges[lo:hi] - k * n_samples / self.n_splits)))
            cuts.append(int(edges[choice]))
            lo = choice + 1
        return np.split(indices, cuts)

    def split(self, X, y=None, groups=None):
        """Yield ``(train_index, test_index)`` for each fold, in time order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Only its length is used; rows must be in time order.
        y : ignored
        groups : array-like of shape (n_samples,), optional
            Block label of every row (a block is a run of equal labels). Given, each test
            fold is made of whole blocks.
        """
        n_samples = _num_samples(X)
        self._check_params(n_samples)
        if groups is not None and np.shape(groups) != (n_samples,):
            raise ValueError(f"groups must have shape (n_samples,) = ({n_samples},); got {np.shape(groups)}.")
        indices = np.arange(n_samples)
        folds = []
        for test in self._test_folds(n_samples, groups):  # all checked before the first yield
            lo, hi = test[0] - self.gap, test[-1] + self.gap
            train = indices[(indices < lo) | (indices > hi)]
            if len(train) == 0:
                raise ValueError(
                    f"with n_splits={self.n_splits} and gap={self.gap}, the fold testing samples "
                    f"{test[0]}-{test[-1]} has no training samples left out of {n_samples}; lower "
                    f"n_splits or gap."
                )
            folds.append((train, test))
        yield from folds

    def _iter_test_indices(self, X=None, y=None, groups=None):  # pragma: no cover - split() overrides
        for _, test in self.split(X, y, groups):
            yield test

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """Number of folds, ``n_splits``."""
        return self.n_splits
