"""Building RatInABox Environments from user input, and fingerprinting them for the cache."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._hashing import canonical, digest  # noqa: F401 - digest re-exported for the cache key
from . import _ratinabox as rb


def make_environment(environment=None):
    """Return a RatInABox ``Environment`` from ``None``, a parameter dict or an Environment.

    ``None`` is RatInABox's default 1 m x 1 m box with solid walls. A dict is checked by
    :func:`check_environment_params` and passed to ``Environment(params)``
    (``dimensionality="1D"``, ``scale``, ``aspect``, ``walls``, ``holes``, ``objects``,
    ``boundary``, ``boundary_conditions``, ``dx``). An Environment is used as is.
    """
    Environment = rb.environment_class()
    if environment is None:
        return Environment()
    if isinstance(environment, Environment):
        return environment
    if isinstance(environment, dict):
        params = check_environment_params(environment)
        with rb.quiet():
            return Environment(params)
    raise TypeError(
        "environment must be None (1 m x 1 m box), a dict of RatInABox Environment "
        f"parameters, or a ratinabox Environment; got {type(environment).__name__}."
    )


def _number(params, key, low, high, unit, inclusive_low=False) -> None:
    value = params[key]
    bracket = "[" if inclusive_low else "("
    valid = f"a number in {bracket}{low:g}, {high:g}] {unit}".rstrip()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"environment[{key!r}] must be {valid}; got {type(value).__name__} {value!r}.")
    v = float(value)
    if not (math.isfinite(v) and (v >= low if inclusive_low else v > low) and v <= high):
        raise ValueError(f"environment[{key!r}] must be {valid}; got {value!r}.")


def _points(value, where, shape_text, trailing, min_rows=0):
    """``value`` (named ``where`` in messages) as a finite float array whose last axes are ``trailing``."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{where} must be {shape_text} in metres; got {value!r}.") from None
    if array.size == 0 and min_rows == 0:
        return array.reshape(0, *trailing)
    if array.ndim != 1 + len(trailing) or array.shape[1:] != trailing or array.shape[0] < min_rows:
        raise ValueError(f"{where} must be {shape_text} in metres; got an array of shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{where} contains NaN or infinite coordinates.")
    return array


def check_environment_params(environment: dict) -> dict:
    """Check a dict of RatInABox Environment parameters; return a copy.

    Raises ``ValueError``/``TypeError`` naming the parameter, the value and the valid range:
    ``dimensionality`` '1D' or '2D'; ``boundary_conditions`` 'solid' or 'periodic';
    ``scale`` in (0, 1000] m; ``aspect`` in (0, 1000]; ``dx`` in (0, scale] m; ``walls``
    (W, 2, 2); ``boundary`` (k >= 3, 2); ``holes`` a list of (k >= 3, 2); ``objects`` (K, D).
    Walls, holes and a boundary exist only in 2D.
    """
    allowed = set(rb.environment_default_params())
    unknown = sorted(set(environment) - allowed)
    if unknown:
        raise ValueError(
            f"environment has unknown RatInABox Environment parameter(s) {unknown}; allowed: {sorted(allowed)}."
        )
    params = dict(environment)
    dim = params.get("dimensionality", "2D")
    if dim not in ("1D", "2D"):
        raise ValueError(f"environment['dimensionality'] must be '1D' or '2D'; got {dim!r}.")
    if params.get("boundary_conditions", "solid") not in ("solid", "periodic"):
        raise ValueError("environment['boundary_conditions'] must be 'solid' or 'periodic'; got "
                         f"{params['boundary_conditions']!r}.")
    for key in ("scale", "aspect"):
        if key in params:
            _number(params, key, 0, 1000, "m" if key == "scale" else "")
    if "dx" in params:
        _number(params, "dx", 0, float(params.get("scale", 1)), "m")
    if dim == "1D":
        for key in ("walls", "holes", "boundary"):
            if params.get(key) is not None and len(params[key]) > 0:
                raise ValueError(f"environment[{key!r}] applies only to 2D environments; remove it or use "
                                 "dimensionality='2D'.")
    else:
        if "walls" in params:
            _points(params["walls"], "environment['walls']",
                    "a list of wall segments [[x0, y0], [x1, y1]], shape (W, 2, 2)", (2, 2))
        if params.get("boundary") is not None:
            _points(params["boundary"], "environment['boundary']", "the polygon's corners, shape (k >= 3, 2)", (2,),
                    min_rows=3)
        for index, hole in enumerate(params.get("holes") or []):
            _points(hole, f"environment['holes'][{index}]", "a polygon's corners, shape (k >= 3, 2)", (2,), min_rows=3)
    if params.get("objects") is not None and len(params["objects"]) > 0:
        D = 1 if dim == "1D" else 2
        _points(params["objects"], "environment['objects']", f"object positions, shape (K, {D})", (D,), min_rows=1)
    return params


def environment_fingerprint(env) -> dict:
    """Everything about an Environment that affects an Agent's path, as plain data."""
    return canonical(
        {
            "params": {k: v for k, v in env.params.items()},
            "walls": np.asarray(env.walls) if getattr(env, "walls", None) is not None else None,
            "holes": [np.asarray(h) for h in getattr(env, "holes", [])],
            "extent": np.asarray(env.extent),
        }
    )
