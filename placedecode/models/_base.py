"""Contract shared by every iterative decoder in :mod:`placedecode.models`.

Kept deliberately small: the NumPy and torch networks each own their training loops; this
module holds only what must be identical across them so that users (and the plotting
module) can treat them interchangeably.

Training history
----------------
``history_`` is a dict of equal-length lists, one entry per completed epoch::

    {"epoch": [1, 2, ...],
     "train_loss": [...],   # mean loss on the training samples (standardised units)
     "train_error": [...],  # see below
     "val_loss": [...],     # only filled when a validation slice exists, else absent/empty
     "val_error": [...]}

``*_error`` is the quantity users read: for regressors the mean Euclidean distance between
prediction and target in the targets' original units times 100 (centimetres when positions
are in metres); for classifiers the misclassification rate (1 - accuracy).

Validation slice
----------------
Time series are never shuffled for validation: the LAST ``validation_fraction`` of the
training samples (in the order given) is held out, see :func:`time_series_validation_split`.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

HISTORY_KEYS = ("epoch", "train_loss", "train_error", "val_loss", "val_error")


class TrainingDivergedError(FloatingPointError):
    """Raised when a network's loss becomes NaN or infinite during training."""


def new_history() -> dict:
    """Return an empty training history with the keys in :data:`HISTORY_KEYS`."""
    return {key: [] for key in HISTORY_KEYS}


def check_loss_finite(loss: float, epoch: int, learning_rate: float) -> None:
    """Raise :class:`TrainingDivergedError` if ``loss`` is not finite.

    The message says what happened and what to try (a smaller ``learning_rate``).
    """
    if not math.isfinite(float(loss)):
        raise TrainingDivergedError(
            f"Training diverged: the loss became {float(loss)} at epoch {epoch} with "
            f"learning_rate={learning_rate!r}. Try a smaller learning_rate (e.g. "
            f"{learning_rate / 10:g}), standardize=True, or a smaller batch_size."
        )


def time_series_validation_split(n_samples: int, validation_fraction: float) -> int:
    """Return ``n_train`` so that samples ``[:n_train]`` train and ``[n_train:]`` validate.

    The validation slice is the END of the training block, never shuffled, so that no
    future sample leaks into the fit. At least one sample is kept on each side.

    Raises
    ------
    ValueError
        If ``validation_fraction`` is not in (0, 1) or ``n_samples < 2``.
    """
    if not isinstance(validation_fraction, numbers.Real) or not 0 < validation_fraction < 1:
        raise ValueError(
            f"validation_fraction must be a float in (0, 1); got {validation_fraction!r}."
        )
    if n_samples < 2:
        raise ValueError(
            f"early_stopping needs at least 2 training samples to hold out a validation "
            f"slice; got n_samples={n_samples}. Pass early_stopping=False."
        )
    n_val = min(max(1, int(round(validation_fraction * n_samples))), n_samples - 1)
    return n_samples - n_val


def fit_standardizer(A: np.ndarray, how=True) -> tuple[np.ndarray, np.ndarray]:
    """Column means and scales of ``A`` (n_samples, n_columns) for standardisation.

    ``how``: True gives the column means and standard deviations; "center" the means and
    scales of 1 (centre only); False zeros and ones (leave ``A`` as it is). Constant
    columns (a silent cell) get scale 1 so they map to 0 rather than NaN.
    """
    A = np.asarray(A, dtype=np.float64)
    if not how:
        return np.zeros(A.shape[1]), np.ones(A.shape[1])
    mean = A.mean(axis=0)
    if isinstance(how, str) and how == "center":
        return mean, np.ones(A.shape[1])
    scale = A.std(axis=0)
    scale[~(scale > np.finfo(np.float64).eps * np.maximum(1.0, np.abs(mean)))] = 1.0
    return mean, scale


def euclidean_error_cm(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean Euclidean distance between rows of ``y_true`` and ``y_pred`` times 100."""
    diff = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(100.0 * np.mean(np.sqrt(np.sum(diff.reshape(len(diff), -1) ** 2, axis=1))))
