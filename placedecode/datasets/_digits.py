"""scikit-learn's bundled 8 × 8 handwritten digits, with a fixed train/test split.

Always offline: the data ships inside scikit-learn (1,797 images, the test part of the UCI
"Optical Recognition of Handwritten Digits" set, 4 × 4 blocks of 32 × 32 bitmaps counted,
so each pixel is an integer 0..16).

The split
---------
Stratified and deterministic, with no random numbers: within each class, taken in the
order of scikit-learn's file, ``round(test_size * n_class)`` samples spread evenly over
the class (every fifth one with the default ``test_size=0.2``) are the test set and the
others the training set: 1,438 training and 359 test samples, every class about 80/20,
both parts in file order. The file holds the digits of 13 writers one after another, so
this split has every writer on both sides, as a random split does (the last 20 % of each
class instead would test on writers never seen in training: ~92 % for
scikit-learn's ``MLPClassifier`` instead of ~97.5 %). The split does not depend on any
random number generator, so it is the same in every version.
"""

from __future__ import annotations

import numbers

import numpy as np


def digits_split_indices(y: np.ndarray, test_size: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(train_idx, test_idx)``: ``test_size`` of each class, evenly spread, is test.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Class labels, in file order.
    test_size : float in (0, 1), default=0.2
        Fraction of each class put in the test set (rounded per class, at least one
        sample on each side for classes of two or more).

    Returns
    -------
    train_idx, test_idx : ndarray of int64
        Disjoint, sorted indices into ``y`` that together cover it.
    """
    y = np.asarray(y)
    is_test = np.zeros(y.shape[0], dtype=bool)
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        n_test = int(round(test_size * members.size))
        if members.size >= 2:
            n_test = min(max(n_test, 1), members.size - 1)
        if n_test:  # evenly spaced positions, the first half a step in: 2, 7, 12, ... at 0.2
            positions = ((np.arange(n_test) + 0.5) * members.size / n_test).astype(int)
            is_test[members[positions]] = True
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)


def load_digits(
    split: str | None = None,
    *,
    test_size: float = 0.2,
    as_images: bool = False,
    return_X_y: bool = True,
):
    """Load scikit-learn's 8 × 8 digits as float32 in [0, 1], whole or split.

    Parameters
    ----------
    split : {None, "train", "test"}, default=None
        ``None``: all 1,797 samples. ``"train"`` / ``"test"``: the fixed stratified split
        described in this module (``test_size`` of each class, evenly spread, is test).
    test_size : float in (0, 1), default=0.2
        Fraction of each class in the test split; ignored when ``split`` is None.
    as_images : bool, default=False
        Return ``X`` as ``(n, 8, 8)`` images instead of ``(n, 64)`` rows.
    return_X_y : bool, default=True
        Return ``(X, y)``; if False a :class:`sklearn.utils.Bunch` with ``data``
        ``(n, 64)``, ``images`` ``(n, 8, 8)``, ``target``, ``target_names``, ``indices``
        (rows of scikit-learn's full dataset) and ``DESCR``.

    Returns
    -------
    X : ndarray of shape (n, 64), or (n, 8, 8) if ``as_images``, dtype float32
        Ink counts divided by 16, so in [0, 1]; rows are images flattened row by row.
    y : ndarray of shape (n,), dtype int64
        Digit 0..9.

    Raises
    ------
    ValueError
        If ``split`` or ``test_size`` is invalid.

    Examples
    --------
    >>> from placedecode.datasets import load_digits
    >>> X_train, y_train = load_digits("train")
    >>> X_test, y_test = load_digits("test")
    >>> X_train.shape, X_test.shape
    ((1438, 64), (359, 64))
    """
    if split not in (None, "train", "test"):
        raise ValueError(f"split must be None, 'train' or 'test'; got {split!r}.")
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, numbers.Real)
        or not 0 < test_size < 1
    ):
        raise ValueError(f"test_size must be a float in (0, 1); got {test_size!r}.")

    from sklearn.datasets import load_digits as _sk_load_digits

    bunch = _sk_load_digits()
    X_all = (bunch.data / 16.0).astype(np.float32)
    y_all = bunch.target.astype(np.int64)
    if split is None:
        indices = np.arange(y_all.shape[0])
    else:
        train_idx, test_idx = digits_split_indices(y_all, test_size)
        indices = train_idx if split == "train" else test_idx
    X, y = X_all[indices], y_all[indices]
    if return_X_y:
        return (X.reshape(-1, 8, 8) if as_images else X), y

    from sklearn.utils import Bunch

    return Bunch(
        data=X,
        images=X.reshape(-1, 8, 8),
        target=y,
        target_names=np.arange(10),
        indices=indices,
        DESCR=bunch.DESCR,
    )
