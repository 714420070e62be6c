"""Decoding metrics: position error in centimetres, per-axis R², and a scikit-learn scorer.

Positions go in as metres, in scikit-learn's layout: ``(n_samples, D)`` for D spatial
dimensions, or ``(n_samples,)`` for a 1-D track. Errors come out in centimetres. True
positions spanning more than 100 m are taken for a unit mistake (centimetres or pixels
passed as metres) and warned about: the errors would be 100 times too large.

Examples
--------
>>> import numpy as np
>>> from placedecode.metrics import decoding_error, r2_per_axis
>>> y_true = np.array([[0.0, 0.0], [1.0, 1.0]])          # metres
>>> y_pred = np.array([[0.03, 0.04], [1.0, 1.0]])
>>> decoding_error(y_true, y_pred)                       # mean of 5 cm and 0 cm
2.5
>>> decoding_error(y_true, y_pred, reduce=None)
array([5., 0.])
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.metrics import make_scorer, r2_score

from ._units import MAX_SPAN_M, span

__all__ = ["decoding_error", "r2_per_axis", "decoding_error_scorer"]

_REDUCTIONS = ("mean", "median", None)


def _check_positions(y_true, y_pred):
    """Validate two position arrays and return them as float64 ``(n_samples, D)``."""
    arrays = []
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        try:
            y = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a numeric array of positions in metres; "
                            f"could not convert it to float ({exc}).") from None
        if y.ndim not in (1, 2):
            raise ValueError(
                f"{name} must have shape (n_samples,) or (n_samples, D) with positions in "
                f"metres; got an array of shape {y.shape}."
            )
        if not np.all(np.isfinite(y)):
            raise ValueError(
                f"{name} contains {np.count_nonzero(~np.isfinite(y))} NaN or infinite "
                f"value(s); positions must be finite."
            )
        if y.shape[0] == 0:
            raise ValueError(f"{name} is empty; need at least one sample.")
        arrays.append(y if y.ndim == 2 else y[:, None])
    if arrays[0].shape != arrays[1].shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape; got {np.shape(y_true)} and "
            f"{np.shape(y_pred)}."
        )
    extent = span(arrays[0])
    if extent > MAX_SPAN_M:
        warnings.warn(
            f"y_true spans {extent:.4g} 'metres': positions must be in metres (errors come out "
            f"in cm). If these are centimetres, divide them by 100 (pixels: by the pixels per "
            f"metre) before scoring.",
            UserWarning,
            stacklevel=3,
        )
    return arrays


def decoding_error(y_true, y_pred, reduce="mean"):
    """Euclidean distance between true and decoded positions, in centimetres.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, D) or (n_samples,)
        True positions in metres (a span over 100 m warns: centimetres or pixels passed
        by mistake).
    y_pred : array-like of the same shape
        Decoded positions in metres.
    reduce : {"mean", "median", None}, default="mean"
        How to summarise the per-sample errors; None returns them all.

    Returns
    -------
    error : float or ndarray of shape (n_samples,)
        Error in centimetres (``100 * ||y_true - y_pred||₂`` per sample).

    Raises
    ------
    ValueError
        If the shapes differ, are not 1-D/2-D, are empty, or contain NaN/inf; or if
        ``reduce`` is not one of the allowed values.

    Warns
    -----
    UserWarning
        If ``y_true`` spans more than 100 m: the positions are probably not in metres.

    Examples
    --------
    >>> decoding_error([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]],
    ...                [[0.0, 0.01], [0.0, 0.02], [0.0, 0.10]], reduce="median")
    2.0
    >>> round(decoding_error([0.5, 0.5], [0.4, 0.7]), 6)        # 1-D track: 10 cm, 20 cm
    15.0
    """
    if reduce not in _REDUCTIONS:
        raise ValueError(f"reduce must be 'mean', 'median' or None; got {reduce!r}.")
    y_true, y_pred = _check_positions(y_true, y_pred)
    errors = 100.0 * np.sqrt(np.sum((y_true - y_pred) ** 2, axis=1))
    if reduce is None:
        return errors
    return float(np.mean(errors) if reduce == "mean" else np.median(errors))


def r2_per_axis(y_true, y_pred):
    """Coefficient of determination R² of each spatial axis separately.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, D) or (n_samples,)
        True positions in metres.
    y_pred : array-like of the same shape
        Decoded positions in metres.

    Returns
    -------
    r2 : ndarray of shape (D,)
        ``1 - SS_res / SS_tot`` per axis (1 is perfect, 0 is predicting the mean; can be
        negative). An axis along which ``y_true`` is constant scores 1.0 if predicted
        exactly and 0.0 otherwise (scikit-learn's convention).

    Examples
    --------
    >>> r2_per_axis([[0.0, 1.0], [1.0, 1.5], [2.0, 2.0]],
    ...             [[0.0, 1.0], [1.0, 1.5], [2.0, 1.5]])
    array([1. , 0.5])
    """
    y_true, y_pred = _check_positions(y_true, y_pred)
    if len(y_true) < 2:
        raise ValueError(f"r2_per_axis needs at least 2 samples; got {len(y_true)}.")
    return np.atleast_1d(r2_score(y_true, y_pred, multioutput="raw_values"))


def _mean_decoding_error(y_true, y_pred):
    return decoding_error(y_true, y_pred, reduce="mean")


decoding_error_scorer = make_scorer(_mean_decoding_error, greater_is_better=False)
decoding_error_scorer.__doc__ = """Scorer for model selection: minus the mean decoding error in cm.

Use as ``GridSearchCV(..., scoring=decoding_error_scorer)``. scikit-learn maximises scores,
so the value is negated (``-2.5`` means a mean error of 2.5 cm); ``best_score_`` is the
negated error of the best candidate.
"""
