"""Estimators that speak pynapple: given pynapple time series, return pynapple time series.

A pynapple user holds binned activity as a ``TsdFrame`` (rows at bin times) whose *time
support* (an ``IntervalSet``) lists the epochs where it is defined. The decorator
:func:`pynapple_aware` makes an estimator accept such objects anywhere it accepts arrays,
and answer in kind:

* ``X`` (and ``y``) may be ``Tsd``/``TsdFrame``/``TsdTensor``; their values go in;
* methods with a ``groups`` parameter (windows, continuity priors) get the blocks of the
  input when none are passed: one block per interval of the time support, and a new one
  wherever rows are more than 1.5 median steps apart (rows dropped by a mask), so nothing
  is ever decoded across an epoch edge or a gap;
* outputs with one row per input row (``predict``, ``transform``, ``predict_posterior``,
  ``posterior`` ...) come back as a ``Tsd`` (1-D), ``TsdFrame`` (2-D) or ``TsdTensor``
  (more dimensions, e.g. the posterior maps ``(T, ny, nx)``), on the input's time index
  and time support. Columns: the fitted ``y``'s columns for predictions of a TsdFrame
  ``y``, ``get_feature_names_out(X's columns)`` for transforms, else 0..n-1.

Arrays in give arrays out, unchanged; pynapple is never imported unless a pynapple object
is passed (the check looks at the object's module).

Why a decorator and not scikit-learn's ``set_output``
-----------------------------------------------------
``set_output`` configures ``transform`` only (not ``predict``), must be switched on per
estimator, and cannot carry a time support. The DESIGN's rule is "given pynapple objects,
return pynapple objects; given arrays, return arrays": the input decides, with no
configuration, and pipelines of decorated steps pass TsdFrames from step to step. To make an
estimator speak pynapple, put ONE line above its class::

    @pynapple_aware
    class MyDecoder(RegressorMixin, BaseEstimator):
        ...

It wraps the methods of :data:`METHODS` that the class has (its own or inherited),
keeping their signatures (``functools.wraps``), so ``get_params``, ``clone``, pickling
and the scikit-learn estimator checks are unaffected.
"""

from __future__ import annotations

import functools
import inspect
import sys

import numpy as np

from ._blocks import block_labels, support_labels

__all__ = ["pynapple_aware", "is_pynapple", "METHODS"]

#: Methods wrapped: those that fit (``X``, ``y`` in, self out), score, and those whose
#: output has one row per input row.
FIT_METHODS = ("fit", "partial_fit")
SCORE_METHODS = ("score",)
OUTPUT_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function", "transform",
                  "fit_transform", "predict_posterior", "posterior", "log_likelihood")
METHODS = FIT_METHODS + SCORE_METHODS + OUTPUT_METHODS


def is_pynapple(obj) -> bool:
    """True for a pynapple time series (Tsd, TsdFrame, TsdTensor), without importing pynapple."""
    if "pynapple" not in sys.modules or not type(obj).__module__.startswith("pynapple"):
        return False
    nap = sys.modules["pynapple"]
    return isinstance(obj, (nap.Tsd, nap.TsdFrame, nap.TsdTensor))


def _blocks(series):
    """Block label of every row of a pynapple series: its support's intervals, split at gaps."""

    t = np.asarray(series.t, dtype=np.float64)
    return block_labels(len(t), groups=support_labels(t, series.time_support), times=t)


def _values(name, obj, like=None):
    """The array of a pynapple argument; checks that ``obj`` is on ``like``'s time index."""
    if like is not None and is_pynapple(obj):
        same = len(obj) == len(like) and np.allclose(np.asarray(obj.t), np.asarray(like.t), rtol=0, atol=1e-9)
        if not same:
            raise ValueError(
                f"{name} is a pynapple series on another time index than X ({len(obj)} vs {len(like)} rows, "
                f"or other times). Put it on X's bins first, e.g. {name}.interpolate(X), or build both "
                f"with Recording.from_pynapple(...).to_pynapple()."
            )
    return np.asarray(obj.values) if is_pynapple(obj) else obj


def _wrap_output(out, like, columns=None):
    """``out`` as a pynapple series on ``like``'s time index and support (if row-aligned)."""
    nap = sys.modules["pynapple"]
    if not isinstance(out, np.ndarray) or out.ndim == 0 or len(out) != len(like):
        return out
    kw = dict(t=np.asarray(like.t), d=out, time_support=like.time_support)
    if out.ndim == 1:
        return nap.Tsd(**kw)
    if out.ndim == 2:
        if columns is None or len(columns) != out.shape[1]:
            columns = list(range(out.shape[1]))
        return nap.TsdFrame(**kw, columns=list(columns))
    return nap.TsdTensor(**kw)


def _columns(estimator, name, like):
    """Column names of a method's output: the fitted y's, or the transform's feature names."""
    if name == "predict":
        return getattr(estimator, "_pynapple_y_columns", None)
    if name in ("transform", "fit_transform") and hasattr(estimator, "get_feature_names_out"):
        inputs = [str(c) for c in like.columns] if hasattr(like, "columns") else None
        try:
            return list(estimator.get_feature_names_out(inputs))
        except Exception:  # noqa: BLE001 - names are a nicety; fall back to 0..n-1
            return None
    return None


def _wrap(name, method):
    signature = inspect.signature(method)
    takes_groups = "groups" in signature.parameters
    fits = name in FIT_METHODS or name == "fit_transform"

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if fits:
            self.__dict__.pop("_pynapple_y_columns", None)
        if not (any(map(is_pynapple, args)) or any(map(is_pynapple, kwargs.values()))):
            return method(self, *args, **kwargs)  # arrays: straight through (binding costs ~10 us a call)
        bound = signature.bind(self, *args, **kwargs)
        given = {k: v for k, v in bound.arguments.items() if k != "self"}
        X, y = given.get("X"), given.get("y")
        like = X if is_pynapple(X) else None
        for key, value in given.items():
            bound.arguments[key] = _values(key, value, like=None if key == "X" else like)
        if takes_groups and like is not None and bound.arguments.get("groups") is None:
            bound.arguments["groups"] = _blocks(X)
        if fits and is_pynapple(y) and np.ndim(y.values) == 2:
            self._pynapple_y_columns = list(y.columns)
        out = method(*bound.args, **bound.kwargs)
        if name in OUTPUT_METHODS and like is not None:
            return _wrap_output(out, like, _columns(self, name, like))
        return out

    wrapper._pynapple_aware = True
    return wrapper


def pynapple_aware(cls):
    """Class decorator: the estimator accepts pynapple series and returns them (see the module).

    Parameters
    ----------
    cls : type
        An estimator class.

    Returns
    -------
    cls
        The same class, its :data:`METHODS` wrapped.
    """
    for name in METHODS:
        method = getattr(cls, name, None)
        if method is None or not callable(method) or getattr(method, "_pynapple_aware", False):
            continue
        setattr(cls, name, _wrap(name, method))
    return cls
