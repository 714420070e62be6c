"""Stable identities: one canonical description of a value, its SHA-256, seeds derived from it.

Three things in placedecode need the same answer for the same input in every process
and every session: the trajectory cache's file names, a sweep's task keys (to resume),
and the seeds of independent random streams. They all go through :func:`canonical`,
which turns a value into plain JSON data with one spelling per value:

* floats are JSON numbers written by ``repr`` (the shortest text that reads back to the
  same double), so ``0.1`` is always ``0.1``; ``1`` (int) and ``1.0`` (float) differ;
  NaN and infinities, which JSON lacks, become ``{"float": "nan"}`` and so on;
* NumPy arrays become their dtype, shape and the SHA-256 of their bytes (fast for long
  arrays; the same values in another dtype are another array);
* dicts are sorted by key; tuples and lists are lists; sets are sorted;
* an estimator is its class and ``get_params(deep=False)``, recursively; a RatInABox
  Environment its class, parameters, walls, holes and objects; a function its
  qualified name; anything else its ``repr`` (a repr holding a memory address never
  matches a later run: that only costs a recomputation).

:func:`digest` is the hex SHA-256 of that JSON. :func:`derive_seed` maps a seed and a
tuple of keys to a child seed: the JSON of ``[seed, *keys]`` is unambiguous (``("ab",
"c")`` and ``("a", "bc")`` are different lists, ``1`` and ``"1"`` different values),
so two different key tuples collide only as SHA-256 does.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
from pathlib import PurePath

import numpy as np

#: Child seeds are in ``[0, 2**32)``, the range ``np.random.seed`` accepts.
MAX_SEED = 2**32


def canonical(value):
    """A JSON-serialisable description of ``value`` with one spelling per value (see the module)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        x = float(value)
        return x if math.isfinite(x) else {"float": repr(x)}
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        items = [canonical(v) for v in value]
        return {"set": sorted(items, key=lambda v: json.dumps(v, sort_keys=True))}
    if isinstance(value, np.ndarray):
        return _array(value)
    if isinstance(value, PurePath):
        return {"path": str(value)}
    return _object(value)


def _array(a: np.ndarray):
    if a.dtype.hasobject:
        return {"object_array": [list(a.shape), canonical(a.tolist())]}
    data = np.ascontiguousarray(a)
    return {"array": [data.dtype.str, list(data.shape), hashlib.sha256(data.tobytes()).hexdigest()]}


def _object(value):
    cls = type(value)
    name = f"{cls.__module__}.{cls.__qualname__}"
    if hasattr(value, "get_params") and not isinstance(value, type):
        try:
            return {"class": name, "params": canonical(value.get_params(deep=False))}
        except Exception:  # noqa: BLE001 - an odd get_params only costs a cache miss
            pass
    if isinstance(getattr(value, "params", None), dict):  # a RatInABox Environment (or Agent)
        return {
            "class": name,
            "params": canonical(value.params),
            "walls": canonical(getattr(value, "walls", None)),
            "holes": canonical(list(getattr(value, "holes", None) or [])),
            "objects": canonical(getattr(value, "objects", None)),
        }
    if callable(value) and hasattr(value, "__qualname__"):
        return {"callable": f"{getattr(value, '__module__', '')}.{value.__qualname__}"}
    return {"repr": repr(value)}


def canonical_json(value) -> str:
    """The canonical description of ``value`` as compact JSON text (sorted keys)."""
    return json.dumps(canonical(value), sort_keys=True, separators=(",", ":"), allow_nan=False)


def digest(value) -> str:
    """Hex SHA-256 (64 characters) of the canonical JSON of ``value``.

    Examples
    --------
    >>> from placedecode._hashing import digest
    >>> digest({"dt": 0.1, "minutes": 2.0}) == digest({"minutes": 2.0, "dt": 0.1})
    True
    >>> digest({"minutes": 2}) == digest({"minutes": 2.0})   # an int is not a float
    False
    """
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def derive_seed(seed, *keys) -> int:
    """A child seed in ``[0, 2**32)`` of ``seed`` for the independent stream named by ``keys``.

    The same ``(seed, *keys)`` gives the same child in every process and session; any
    other tuple gives, in effect, an independent one (the first four bytes of the SHA-256
    of the canonical JSON of ``[seed, *keys]``).

    Parameters
    ----------
    seed : int
        The parent seed (any non-negative int).
    *keys : int or str
        What the stream is for, e.g. ``("record", "place", 25)``.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``seed`` is not an int or a key is neither an int nor a str.

    Examples
    --------
    >>> from placedecode._hashing import derive_seed
    >>> derive_seed(0, "ab", "c") == derive_seed(0, "a", "bc")
    False
    >>> derive_seed(0, 1) == derive_seed(0, "1")
    False
    """
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"seed must be a non-negative int; got {seed!r}.")
    for key in keys:
        if isinstance(key, (bool, np.bool_)) or not isinstance(key, (str, numbers.Integral)):
            raise TypeError(f"derive_seed keys must be ints or strings; got {type(key).__name__} {key!r}.")
    text = canonical_json([int(seed), *keys])
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "little")
