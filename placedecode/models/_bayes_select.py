"""``window="auto"`` and ``smoothing="auto"`` of :class:`~placedecode.models.BayesianDecoder`.

The summing window and the rate-map smoothing that decode best depend on the data: on
simulated cells firing 10 Hz in 100-ms bins a few bins suffice, while real hippocampal
units at 200 ms (0.3-0.5 Hz median rates) need a window of ~2 s. So "auto" picks them the
way a careful user would, by a blocked cross-validation over the TRAINING data only:

1. the training rows are cut into 3 contiguous folds (:class:`BlockedTimeSeriesSplit`);
2. for each candidate smoothing, the decoder is fitted on two folds, and the third fold is
   decoded (each of its blocks on its own) with every candidate window;
3. the pair with the smallest mean error wins (ties: the smaller window, then the smaller
   smoothing).

Candidates (see :func:`candidate_windows`, :func:`candidate_smoothings`): odd windows from
one bin up to :data:`MAX_WINDOW_SECONDS` of summed bins (1, 3, 5, 7, 9 bins when ``dt`` is
unknown), and smoothings of 0.5, 1 and 2 grid bins. With ``prior="continuity"`` the window
is 1 (the prior already pools evidence over time) and only the smoothing is chosen, with
the fast flat-prior decoder. With fewer than :data:`MIN_SAMPLES` training rows there is
nothing to validate on: window 1 and a smoothing of one grid bin.
"""

from __future__ import annotations

import numpy as np

__all__ = ["candidate_windows", "candidate_smoothings", "select"]

#: Longest summing window "auto" considers, in seconds of bins (when ``dt`` is known).
MAX_WINDOW_SECONDS = 2.0
#: Longest window in bins when ``dt`` is unknown (X given as counts).
MAX_WINDOW_BINS = 9
#: Smoothing candidates, in grid bins (``bin_size``).
SMOOTHING_FACTORS = (0.5, 1.0, 2.0)
#: Fewest training rows for which "auto" cross-validates (3 folds of 20 rows).
MIN_SAMPLES = 60
N_FOLDS = 3


def _odd(v):
    return int(2 * np.floor(v / 2) + 1)


def candidate_windows(dt):
    """Odd window lengths in bins, from 1 to ``MAX_WINDOW_SECONDS / dt`` (or 9 bins)."""
    longest = MAX_WINDOW_BINS if dt is None else max(1, int(np.floor(MAX_WINDOW_SECONDS / float(dt) + 1e-9)))
    longest = _odd(longest) if longest % 2 else longest - 1
    if longest <= 11:
        return list(range(1, longest + 1, 2))
    return sorted({_odd(v) for v in np.geomspace(1, longest, 7)} | {longest})


def candidate_smoothings(bin_size):
    """Smoothing standard deviations in metres: 0.5, 1 and 2 grid bins."""
    return [float(f * bin_size) for f in SMOOTHING_FACTORS]


def select(estimator, X, Y, groups):
    """Window and smoothing for ``estimator`` by blocked CV on ``(X, Y)``.

    Parameters
    ----------
    estimator : BayesianDecoder
        Unfitted; its ``window`` and/or ``smoothing`` are "auto" (others are kept).
    X : ndarray of shape (n_samples, n_cells)
    Y : ndarray of shape (n_samples, D)
        Positions in metres.
    groups : ndarray of shape (n_samples,) or None
        Block labels of the rows.

    Returns
    -------
    window : int
    smoothing : float
    errors : ndarray of shape (n_smoothings, n_windows) or None
        Mean cross-validated error in cm of every pair (None when not cross-validated).
    windows, smoothings : list
        The candidates, the axes of ``errors``.
    """
    from sklearn.base import clone

    from ..sim import BlockedTimeSeriesSplit

    auto_window = estimator.window == "auto"
    auto_smoothing = estimator.smoothing == "auto"
    continuity = estimator.prior == "continuity"
    if not auto_window:
        windows = [int(estimator.window)]
    elif continuity:
        windows = [1]
    else:
        windows = candidate_windows(estimator.dt)
    smoothings = candidate_smoothings(estimator.bin_size) if auto_smoothing else [float(estimator.smoothing)]
    n = len(X)
    if n < MIN_SAMPLES or (len(windows) == 1 and len(smoothings) == 1):
        window = windows[0] if not auto_window else 1
        smoothing = smoothings[0] if not auto_smoothing else float(estimator.bin_size)
        return window, smoothing, None, windows, smoothings
    errors = np.zeros((len(smoothings), len(windows)))
    prior = "flat" if continuity else estimator.prior
    for train, test in BlockedTimeSeriesSplit(N_FOLDS).split(X):
        test_groups = None if groups is None else groups[test]
        for i, smoothing in enumerate(smoothings):
            model = clone(estimator).set_params(window=1, smoothing=smoothing, prior=prior)
            model.fit(X[train], Y[train])
            for j, window in enumerate(windows):
                pred = model.set_params(window=window).predict(X[test], groups=test_groups)
                errors[i, j] += np.sqrt(np.sum((Y[test] - pred.reshape(len(test), -1)) ** 2, axis=1)).sum()
    errors *= 100.0 / n  # mean Euclidean error in cm (y in metres)
    i, j = np.unravel_index(np.argmin(errors), errors.shape)  # first minimum: smaller values win ties
    return windows[j], smoothings[i], errors, windows, smoothings
