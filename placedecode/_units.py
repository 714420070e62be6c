"""Length units of positions: the one table of names, pixel scales and the plausibility check.

Positions are held in metres inside placedecode (errors are reported in centimetres). Data
come in metres, centimetres, millimetres or camera pixels; :func:`metres_per_unit` turns a
``position_unit`` (and, for pixels, a ``scale`` in pixels per metre) into the factor that
converts them, and :func:`check_span` refuses positions whose extent after conversion cannot
be an arena (under 5 cm) and warns on ones that are unlikely (over 100 m): the usual sign of
a wrong ``position_unit``.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

__all__ = ["METRES_PER_UNIT", "MIN_SPAN_M", "MAX_SPAN_M", "metres_per_unit", "check_span", "span"]

#: Metres per unit, keyed by every accepted spelling (lower case).
METRES_PER_UNIT = {
    **dict.fromkeys(("m", "meter", "meters", "metre", "metres"), 1.0),
    **dict.fromkeys(("cm", "centimeter", "centimeters", "centimetre", "centimetres"), 0.01),
    **dict.fromkeys(("mm", "millimeter", "millimeters", "millimetre", "millimetres"), 0.001),
}
_PIXELS = ("px", "pixel", "pixels")

#: Smallest and largest plausible extent of an animal's positions, in metres.
MIN_SPAN_M, MAX_SPAN_M = 0.05, 100.0

_UNIT_HELP = "'m', 'cm', 'mm', or 'px' with scale= pixels per metre"


def metres_per_unit(position_unit, scale=None, *, name="position_unit") -> float:
    """Metres per unit of positions given in ``position_unit``.

    Parameters
    ----------
    position_unit : str or float
        ``"m"``, ``"cm"``, ``"mm"`` (or spelled out: ``"metres"``, ``"centimeters"`` ...),
        ``"px"`` (camera pixels; needs ``scale``), or a positive number of metres per unit.
    scale : float, optional
        Pixels per metre, with ``position_unit="px"`` only.
    name : str
        The argument's name in error messages.

    Returns
    -------
    float
        The factor that turns the positions into metres.

    Raises
    ------
    ValueError
        An unknown unit, pixels without ``scale`` (or ``scale`` without pixels), or a
        scale that is not a positive number.
    """
    if scale is not None:
        if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not np.isfinite(scale) or scale <= 0:
            raise ValueError(f"scale must be a positive number of pixels per metre; got {scale!r}.")
    if isinstance(position_unit, numbers.Real) and not isinstance(position_unit, bool):
        if not np.isfinite(position_unit) or position_unit <= 0:
            raise ValueError(f"{name} as a number is metres per unit (> 0); got {position_unit!r}.")
        if scale is not None:
            raise ValueError(f"scale (pixels per metre) goes with {name}='px'; got {name}={position_unit!r}.")
        return float(position_unit)
    if not isinstance(position_unit, str):
        raise TypeError(f"{name} must be one of {_UNIT_HELP}; got {position_unit!r}.")
    key = position_unit.strip().lower()
    if key in _PIXELS:
        if scale is None:
            raise ValueError(
                f"{name}={position_unit!r} needs scale= the number of camera pixels per metre "
                f"(e.g. scale=350 for 3.5 px/cm), so that errors can be given in cm."
            )
        return 1.0 / float(scale)
    if key not in METRES_PER_UNIT:
        raise ValueError(f"{name}={position_unit!r} is not a known length unit; use {_UNIT_HELP}.")
    if scale is not None:
        raise ValueError(
            f"scale (pixels per metre) is only for {name}='px'; got {name}={position_unit!r} "
            f"and scale={scale!r}. Drop scale, or pass {name}='px'."
        )
    return METRES_PER_UNIT[key]


def span(positions) -> float:
    """Largest extent over the axes of the finite rows of ``positions`` (n, D) or (n,), in their unit."""
    P = np.asarray(positions, dtype=np.float64)
    P = P.reshape(len(P), -1)
    P = P[np.all(np.isfinite(P), axis=1)]
    if len(P) == 0:
        return float("nan")
    return float(np.max(P.max(axis=0) - P.min(axis=0)))


def check_span(positions_m, position_unit, *, name="position_unit", min_span=MIN_SPAN_M, stacklevel=3) -> float:
    """Refuse positions spanning under 5 cm and warn over 100 m (after conversion to metres).

    Parameters
    ----------
    positions_m : array-like of shape (n, D) or (n,)
        Positions already converted to metres (NaN rows are ignored).
    position_unit : str or float
        The unit the caller was given, for the message.
    min_span : float
        Smallest plausible span in metres (pass 0 to skip the lower check, e.g. for a few
        positions that may lie close together).

    Returns
    -------
    float
        The span in metres.

    Raises
    ------
    ValueError
        If the span is under ``min_span`` (and there is more than one distinct position).
    """
    extent = span(positions_m)
    if not np.isfinite(extent):
        return extent
    if 0 < extent < min_span * (1 - 1e-9) or (extent == 0 and min_span > 0 and np.size(positions_m) > 1):
        raise ValueError(
            f"the positions span {100 * extent:.3g} cm after conversion with "
            f"{name}={position_unit!r}, too small for an arena (under {100 * min_span:g} cm). "
            f"Check {name}: positions in metres need {name}='m', in pixels {name}='px' with "
            f"scale= pixels per metre."
        )
    if extent > MAX_SPAN_M:
        warnings.warn(
            f"the positions span {extent:.4g} m after conversion with {name}={position_unit!r}, "
            f"more than {MAX_SPAN_M:g} m. Check {name}: centimetres need {name}='cm', pixels "
            f"{name}='px' with scale= pixels per metre.",
            UserWarning,
            stacklevel=stacklevel,
        )
    return extent
