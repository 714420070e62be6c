"""Building RatInABox Environments from user input, and fingerprinting them for the cache."""

from __future__ import annotations

import numpy as np

from .._hashing import canonical, digest  # noqa: F401 - digest re-exported for the cache key


def make_environment(environment=None):
    """Return a RatInABox ``Environment`` from ``None``, a parameter dict or an Environment.

    ``None`` is RatInABox's default 1 m x 1 m box with solid walls. A dict is passed to
    ``Environment(params)`` after checking its keys (e.g. ``dimensionality="1D"``,
    ``scale``, ``aspect``, ``walls``, ``holes``, ``objects``, ``boundary``,
    ``boundary_conditions``).
    """
    from ratinabox.Environment import Environment

    if environment is None:
        return Environment()
    if isinstance(environment, Environment):
        return environment
    if isinstance(environment, dict):
        allowed = set(Environment.default_params)
        unknown = sorted(set(environment) - allowed)
        if unknown:
            raise ValueError(
                f"environment has unknown RatInABox Environment parameter(s) {unknown}; "
                f"allowed: {sorted(allowed)}."
            )
        dim = environment.get("dimensionality", "2D")
        if dim not in ("1D", "2D"):
            raise ValueError(f"environment['dimensionality'] must be '1D' or '2D'; got {dim!r}.")
        return Environment(dict(environment))
    raise TypeError(
        "environment must be None (1 m x 1 m box), a dict of RatInABox Environment "
        f"parameters, or a ratinabox Environment; got {type(environment).__name__}."
    )


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
