"""Checking cell parameters at placedecode's boundary, before RatInABox sees them.

Every message names the parameter (as the user wrote it: ``cell_params['widths']``, or
``cell_params['place']['widths']`` in a mixture), the value received and the valid range,
instead of an assertion or a NaN from deep inside RatInABox. The checks apply to a class
and its subclasses (a user's ``PlaceCells`` subclass gets the place-cell checks), and only
to the parameters given; a parameter RatInABox's class does not know is refused for the
built-in types (RatInABox itself only warns) and left to the class for the user's own.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _ratinabox as rb

#: Peak rates above this are refused (no neuron fires faster than about 1 kHz).
MAX_PLAUSIBLE_FR = 1000.0
#: RandomSpatialNeurons sample a Gaussian process on a grid: (P x P) covariance, O(P^3) draw.
MAX_GP_POINTS = 10_000

_PLACE_DESCRIPTIONS = ("gaussian", "gaussian_threshold", "diff_of_gaussians", "top_hat", "one_hot")
_WALL_GEOMETRIES = ("geodesic", "line_of_sight", "euclidean")
_PLACE_CENTRE_METHODS = ("random", "uniform", "uniform_jitter")


def _real(value, where: str, what: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where} must be {what}; got {type(value).__name__} {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{where} must be {what}; got {value!r}.")
    return value


def _positive_values(value, where: str, what: str, n: int | None = None) -> None:
    """A positive finite number, or a sequence/array of them (of length ``n`` if given)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{where} must be {what}; got {value!r}.") from None
        if array.size == 0 or not np.all(np.isfinite(array)) or np.any(array <= 0):
            raise ValueError(f"{where} must be {what}; got {value!r}.")
        if n is not None and isinstance(value, np.ndarray) and array.ndim == 1 and array.shape[0] not in (1, n):
            raise ValueError(f"{where} has {array.shape[0]} values but there are {n} cells.")
        return
    if _real(value, where, what) <= 0:
        raise ValueError(f"{where} must be {what}; got {value!r}.")


def _choice(value, where: str, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{where} must be one of {list(allowed)}; got {value!r}.")


def check_rate_range(params: dict, where) -> None:
    """``max_fr`` in (0, 1000] Hz and ``0 <= min_fr < max_fr`` (when given)."""
    if "max_fr" in params:
        valid = f"a positive number of Hz, in (0, {MAX_PLAUSIBLE_FR:g}]"
        top = _real(params["max_fr"], where("max_fr"), valid)
        if not 0 < top <= MAX_PLAUSIBLE_FR:
            raise ValueError(f"{where('max_fr')} must be {valid} (real place cells peak at 5-30 Hz); got "
                             f"{params['max_fr']!r}.")
    if "min_fr" in params:
        low = _real(params["min_fr"], where("min_fr"), "a rate in Hz >= 0")
        if low < 0:
            raise ValueError(f"{where('min_fr')} must be a rate in Hz >= 0; got {params['min_fr']!r}.")
        top = float(params.get("max_fr", 1.0))
        if low >= top:
            raise ValueError(f"{where('min_fr')} ({low:g} Hz) must be below max_fr ({top:g} Hz).")


def check_cell_params(cell_type, params: dict, where, env) -> None:
    """Check the user's ``params`` for ``cell_type`` in ``env``; ``where(key)`` names a parameter.

    Raises
    ------
    ValueError or TypeError
        Naming the parameter, the value and the valid range.
    """
    cls = cell_type.cls
    if "n" in params:
        raise ValueError(f"{where('n')}: pass the number of cells as n_cells (or the count in the cells "
                         "mapping), not as a cell parameter.")
    if params.get("noise_std"):
        raise ValueError(
            f"{where('noise_std')} is RatInABox's per-step rate noise, which placedecode's evaluation does not "
            "use; pass noise=<std in Hz> (or noise='poisson') to record() instead."
        )
    if not isinstance(cell_type.ratinabox_class, type):
        known = set(rb.default_params(cls))
        unknown = sorted(set(params) - known)
        if unknown:
            raise ValueError(
                f"{where(unknown[0])}: {cls.__name__} has no parameter {unknown[0]!r}; its parameters are "
                f"{sorted(known)}."
            )
    check_rate_range(params, where)
    base = rb.builtin_class
    if issubclass(cls, base("PlaceCells")):
        if "widths" in params:
            _positive_values(params["widths"], where("widths"), "a positive field width in metres (or one per cell)")
        if "description" in params:
            _choice(params["description"], where("description"), _PLACE_DESCRIPTIONS)
        if "wall_geometry" in params:
            _choice(params["wall_geometry"], where("wall_geometry"), _WALL_GEOMETRIES)
        centres = params.get("place_cell_centres")
        if isinstance(centres, str):
            _choice(centres, where("place_cell_centres"), _PLACE_CENTRE_METHODS)
        elif centres is not None:
            array = np.asarray(centres, dtype=float) if _is_numeric(centres) else None
            if array is None or array.ndim != 2 or array.shape[1] != env.D or not np.all(np.isfinite(array)):
                raise ValueError(
                    f"{where('place_cell_centres')} must be 'random', 'uniform', 'uniform_jitter' or an array "
                    f"of shape (n_cells, {env.D}) in metres; got {np.shape(centres)}."
                )
    if issubclass(cls, base("GridCells")):
        if "gridscale" in params:
            _positive_values(params["gridscale"], where("gridscale"), "positive grid scale(s) in metres")
        if "width_ratio" in params:
            ratio = _real(params["width_ratio"], where("width_ratio"), "a number in (0, 1]")
            if not 0 < ratio <= 1:
                raise ValueError(f"{where('width_ratio')} must be in (0, 1]; got {params['width_ratio']!r}.")
    if issubclass(cls, base("RandomSpatialNeurons")) and "lengthscale" in params:
        scale = _real(params["lengthscale"], where("lengthscale"), "a length in metres >= 0.02")
        if scale < 0.02:
            raise ValueError(f"{where('lengthscale')} must be a length in metres >= 0.02 (RatInABox's limit); "
                             f"got {params['lengthscale']!r}.")
    if issubclass(cls, base("RandomSpatialNeurons")):
        scale = float(params.get("lengthscale", rb.default_params(cls).get("lengthscale", 0.1)))
        extent = np.asarray(env.extent, float)
        sides = extent[1::2] - extent[0::2]
        points = int(np.prod(np.ceil(sides / min(0.05, scale))))
        if points > MAX_GP_POINTS:
            raise ValueError(
                f"{where('lengthscale')}={scale:g} m in a {' x '.join(f'{s:g}' for s in sides)} m environment "
                f"needs a Gaussian process over {points} points ({points**2 * 8 / 2**30:.1f} GiB covariance, "
                f"more than the {MAX_GP_POINTS} allowed); increase lengthscale or use a smaller environment."
            )
    if issubclass(cls, base("HeadDirectionCells")) and "angular_spread_degrees" in params:
        spread = _real(params["angular_spread_degrees"], where("angular_spread_degrees"), "degrees in (0, 360]")
        if not 0 < spread <= 360:
            raise ValueError(f"{where('angular_spread_degrees')} must be in (0, 360] degrees; got {spread!r}.")
    if issubclass(cls, base("RandomSpatialNeurons")) and env.D == 2:
        _check_distance_geometry({**rb.default_params(cls), **cell_type.defaults, **params}, where, env)
    if issubclass(cls, base("BoundaryVectorCells")) and env.D == 2 and env.boundary_conditions == "periodic":
        raise ValueError(f"cells: {cls.__name__} respond to walls, which RatInABox builds only with solid "
                         "boundaries; got environment['boundary_conditions']='periodic' (use 'solid').")
    if issubclass(cls, base("BoundaryVectorCells")) and "dtheta" in params:
        step = _real(params["dtheta"], where("dtheta"), "degrees in (0, 45]")
        if not 0 < step <= 45:
            raise ValueError(f"{where('dtheta')} must be an angle step in degrees in (0, 45]; got {step!r}.")


def _check_distance_geometry(params: dict, where, env) -> None:
    """The 2D environments where RatInABox can measure a RandomSpatialNeurons' ``wall_geometry``.

    ``"geodesic"`` (the default; RatInABox switches to ``"line_of_sight"`` beyond five walls)
    is defined in four-sided rooms with at most one inner wall; ``"geodesic"`` and
    ``"line_of_sight"`` both need solid boundaries. Elsewhere RatInABox fails with an
    assertion or an IndexError while building the cells.
    """
    geometry = params.get("wall_geometry", "geodesic")
    walls = len(rb.walls(env))
    if geometry == "geodesic" and walls > 5:
        geometry = "line_of_sight"
    if geometry != "euclidean" and env.boundary_conditions == "periodic":
        raise ValueError(f"{where('wall_geometry')}={geometry!r} measures distances around walls, which needs solid "
                         "boundaries; with periodic boundaries pass wall_geometry='euclidean'.")
    sides = len(env.boundary)
    if geometry == "geodesic" and not (sides == 4 and walls in (4, 5)):
        raise ValueError(
            f"{where('wall_geometry')}='geodesic' (RatInABox's default) is defined only in four-sided rooms with at "
            f"most one inner wall; this room has {sides} sides and {walls - sides} inner walls. Pass "
            "wall_geometry='line_of_sight' or 'euclidean'."
        )


def _is_numeric(value) -> bool:
    try:
        np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return True
