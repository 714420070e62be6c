"""Contract shared by the decoders in :mod:`placedecode.models`: what they record and check.

Everything here is the same for every estimator, so that users (and the plotting module)
can treat them interchangeably. How networks train (early stopping, schedules, divergence)
lives in :mod:`placedecode.models._training`.

Training history
----------------
``history_`` is a dict of equal-length lists, one entry per completed epoch::

    {"epoch": [1, 2, ...],
     "train_loss": [...],   # mean loss on the training samples (the network's units)
     "train_error": [...],  # see below
     "val_loss": [...],     # only filled when a validation slice exists, else empty
     "val_error": [...]}

``*_error`` is the quantity users read: for regressors the mean Euclidean distance between
prediction and target in the targets' original units times 100 (centimetres when positions
are in metres); for classifiers the misclassification rate (1 - accuracy).

Validation slice
----------------
Time series are never shuffled for validation: the LAST ``validation_fraction`` of the
training samples (in the order given) is held out, see :func:`time_series_validation_split`.

Scales
------
:func:`fit_standardizer` divides each column by its largest magnitude before taking moments,
so inputs of any magnitude the float64 type holds (1e-300 to 1e300) are standardised, never
squashed into constants or overflowed. A network that is told not to standardise
(``standardize=False`` or ``"center"``) refuses inputs beyond ±:data:`MAX_NETWORK_INPUT`
and warns about inputs whose every column spans less than :data:`MIN_NETWORK_SPREAD`
(:func:`check_network_scale`): it cannot learn from either.

Predictions
-----------
A regressor's predictions are checked by :func:`check_predictions`: non-finite values raise
:class:`FloatingPointError`; values further than :data:`PREDICTION_RANGE_FACTOR` times the
training targets' span (the largest of the columns' ranges and magnitudes) outside that
range warn (:class:`RuntimeWarning`): the input was far outside what the model was
fitted on.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

HISTORY_KEYS = ("epoch", "train_loss", "train_error", "val_loss", "val_error")

#: A network refuses inputs (after its own scaling) larger than this in magnitude.
MAX_NETWORK_INPUT = 1e6
#: A network warns when every input column spans less than this (after its scaling).
MIN_NETWORK_SPREAD = 1e-6
#: Predictions beyond this many target ranges outside the training targets' range warn.
PREDICTION_RANGE_FACTOR = 100.0

_EPS = np.finfo(np.float64).eps


class TrainingDivergedError(FloatingPointError):
    """A network's loss ran away during training (non-finite, or far above where it began).

    The rule is in :class:`placedecode.models._training.DivergenceCheck`. The estimator is
    left as it was before ``fit`` (unfitted, or with its previous weights).
    """


def new_history() -> dict:
    """Return an empty training history with the keys in :data:`HISTORY_KEYS`."""
    return {key: [] for key in HISTORY_KEYS}


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
    scales of 1 (centre only); False zeros and ones (leave ``A`` as it is).

    Columns whose largest magnitude lies outside 1e-100 ... 1e100 (where squares would
    underflow or overflow) have their moments taken after dividing by that magnitude, so
    inputs in the 1e-300 or 1e300 range are standardised exactly like inputs near 1,
    never squashed into constants. A constant column (a silent cell, or a spread within
    rounding of its mean) gets as scale its largest magnitude (1 for an all-zero column),
    so it maps to 0 rather than to NaN or to magnified rounding noise.
    """
    A = np.asarray(A, dtype=np.float64)
    n_columns = A.shape[1]
    if not how:
        return np.zeros(n_columns), np.ones(n_columns)
    peak = (np.maximum(A.max(axis=0), -A.min(axis=0)) if len(A)  # max |A|, no temporary
            else np.ones(n_columns))
    peak[~(peak > 0)] = 1.0
    normal = bool(np.all((peak > 1e-100) & (peak < 1e100)))
    unit = A if normal else A / peak  # every entry in [-1, 1] when rescaled
    mean = unit.mean(axis=0)
    if isinstance(how, str) and how == "center":
        return (mean if normal else mean * peak), np.ones(n_columns)
    spread = unit.std(axis=0)
    constant = ~(spread > 8 * _EPS * np.abs(mean))
    if not normal:
        mean, spread = mean * peak, spread * peak
    return mean, np.where(constant, peak, spread)


def standardize(A: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``(A - mean) / scale``, float64; ``A / scale - mean / scale`` where that overflows."""
    A = np.asarray(A, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        out = (A - mean) / scale
    if not np.all(np.isfinite(out)):  # |A - mean| beyond the float64 range
        out = A / scale - mean / scale
    return out


def check_network_scale(A: np.ndarray, mean, scale, what: str, standardize) -> None:
    """Refuse or warn when a network would train on values far from unit scale.

    Parameters
    ----------
    A : ndarray of shape (n_samples, n_columns)
        The raw values (before the network's own scaling).
    mean, scale : ndarray of shape (n_columns,)
        The network's scaling (:func:`fit_standardizer`); it trains on
        ``(A - mean) / scale``.
    what : str
        ``"X"`` or ``"y"``, named in the message.
    standardize : bool or str
        The estimator's ``standardize`` parameter, named in the message. With True the
        scaled values are bounded (at most ``sqrt(n_samples)`` standard deviations) and
        nothing is checked.

    Raises
    ------
    ValueError
        If a scaled value exceeds :data:`MAX_NETWORK_INPUT` in magnitude: the weights
        would have to be tiny and the loss would overflow float32.

    Warns
    -----
    UserWarning
        If every column spans less than :data:`MIN_NETWORK_SPREAD` once scaled (and some
        column is not constant): the network sees nearly constant inputs and will predict
        nearly constant outputs.
    """
    if standardize is True or A.size == 0:
        return
    with np.errstate(over="ignore", invalid="ignore"):
        high = (A.max(axis=0) - mean) / scale
        low = (A.min(axis=0) - mean) / scale
    peak = float(np.max(np.maximum(np.abs(high), np.abs(low))))
    span = float(np.max(high - low))
    if not peak <= MAX_NETWORK_INPUT:
        raise ValueError(
            f"{what} reaches {peak:.3g} after standardize={standardize!r}; a network "
            f"trains on values near unit scale (at most {MAX_NETWORK_INPUT:.0e} here): "
            "pass standardize=True."
        )
    if 0 < span < MIN_NETWORK_SPREAD:
        warnings.warn(
            f"Every column of {what} spans less than {span:.3g} after "
            f"standardize={standardize!r}: the network sees nearly constant values and "
            "its predictions will be nearly constant; pass standardize=True.",
            UserWarning,
            stacklevel=4,
        )


def target_bounds(Y: np.ndarray) -> np.ndarray:
    """Per-column ``[min, max]`` of the training targets, shape (2, n_targets)."""
    Y = np.asarray(Y, dtype=np.float64).reshape(len(Y), -1)
    if len(Y) == 0:
        return np.zeros((2, Y.shape[1]))
    return np.vstack([Y.min(axis=0), Y.max(axis=0)])


def check_predictions(y_pred: np.ndarray, bounds: np.ndarray, name: str) -> np.ndarray:
    """Raise on non-finite predictions, warn on predictions absurdly far from the targets.

    Parameters
    ----------
    y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
        A regressor's predictions in target units.
    bounds : ndarray of shape (2, n_targets)
        :func:`target_bounds` of the training targets.
    name : str
        The estimator's class name, for the message.

    Returns
    -------
    ndarray
        ``y_pred`` unchanged.
    """
    pred = np.asarray(y_pred).reshape(len(y_pred), -1)
    if not np.all(np.isfinite(pred)):
        raise FloatingPointError(
            f"{name}'s predictions are not finite (overflow): X is far outside the range "
            "seen in fit. Check the units of X."
        )
    if pred.size:
        lo, hi = bounds
        # one scale for all columns (positions share their unit), never 0
        scale = float(np.max(np.maximum(hi - lo, np.maximum(np.abs(hi), np.abs(lo)))))
        reach = PREDICTION_RANGE_FACTOR * (scale if scale > 0 else 1.0)
        outside = (pred < lo - reach) | (pred > hi + reach)
        if np.any(outside):
            worst = float(pred[outside][np.argmax(np.abs(pred[outside]))])
            warnings.warn(
                f"{name} predicts values as far out as {worst:.3g}, more than "
                f"{PREDICTION_RANGE_FACTOR:g} times the training targets' range "
                f"[{lo.min():.3g}, {hi.max():.3g}] away from it ({int(outside.any(axis=1).sum())} "
                "of the samples): X is far outside the range seen in fit.",
                RuntimeWarning,
                stacklevel=3,
            )
    return y_pred


def check_class_labels(y: np.ndarray) -> np.ndarray:
    """Refuse labels of mixed types or missing labels, naming ``y``.

    Strings and numbers cannot be sorted together (``classes_`` is sorted), and ``None``
    is no label. Called after the labels were made 1-D.

    Raises
    ------
    ValueError
        If ``y`` (an object array) holds ``None``, or both strings and non-strings.
    """
    y = np.asarray(y)
    if y.dtype != object or y.size == 0:
        return y
    kinds = {}
    for value in y:
        if value is None:
            kind = "None"
        elif isinstance(value, (str, np.str_)):
            kind = "str"
        elif isinstance(value, (numbers.Number, np.number)) and not isinstance(value, bool):
            kind = "number"
        else:
            kind = type(value).__name__
        kinds.setdefault(kind, value)
    if "None" in kinds or len(kinds) > 1:
        examples = ", ".join(f"{v!r} ({k})" for k, v in kinds.items())
        raise ValueError(
            f"y must hold class labels of one type (all strings or all numbers) and no "
            f"None; got labels of {len(kinds)} kind(s): {examples}. Convert y, e.g. "
            "y.astype(str), and drop or relabel the missing ones."
        )
    return y


def euclidean_error_cm(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean Euclidean distance between rows of ``y_true`` and ``y_pred`` times 100."""
    diff = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(100.0 * np.mean(np.sqrt(np.sum(diff.reshape(len(diff), -1) ** 2, axis=1))))
