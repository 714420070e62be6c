"""The cell-type registry: short names for RatInABox Neurons classes, built-in and the user's.

Each :class:`CellType` maps a name to a RatInABox ``Neurons`` class, default parameters and
how its rates are computed over a whole path (``evaluation``, see
:mod:`placedecode.sim._evaluate`). A type is named in ``record``/``simulate``/``compare``
by

- a registered name: ``"place"``, ``"grid"`` ... or one given to :func:`register_cell_type`;
- a class: ``cells=MyPlaceCells`` (any ``ratinabox.Neurons.Neurons`` subclass; a class
  registered with :func:`register_cell_type` uses its registered name and settings, and
  RatInABox's own classes that placedecode registers, such as ``PlaceCells``, are the
  registered type, ``"place"``);
- an import path ``"module:Class"`` (``"mylab.cells:MyPlaceCells"``), which works wherever
  a name does, also on the command line and in worker processes.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

from . import _ratinabox as rb

#: How a type's rates are computed (see :mod:`placedecode.sim._evaluate`).
EVALUATIONS = ("position", "boundary_vector", "random_spatial", "head_direction", "velocity", "speed", "auto",
               "per_step")


@dataclass(frozen=True)
class CellType:
    """One entry of the registry.

    Attributes
    ----------
    name : str
        Registry key and the cells' label in a Recording, e.g. ``"place"``.
    ratinabox_class : str or type
        A class name in ``ratinabox.Neurons`` (``"PlaceCells"``) or a Neurons subclass.
    defaults : dict
        Parameters placed over the class's own defaults (the user's override these).
    evaluation : str or callable
        ``"position"`` (the class's ``get_state(evaluate_at=None, pos=...)`` over the path in
        chunks), ``"boundary_vector"`` / ``"random_spatial"`` / ``"head_direction"`` /
        ``"velocity"`` / ``"speed"`` (placedecode's vectorised evaluators; random spatial
        neurons fall back to ``get_state`` where walls bend RatInABox's distances),
        ``"per_step"`` (RatInABox's per-step ``Neurons.update()`` loop), ``"auto"``
        (``get_state`` where a probe shows it equals the per-step loop, the loop otherwise),
        or a callable ``evaluator(neurons, trajectory)`` returning the noiseless rates
        ``(n_cells, T)`` in Hz.
    requires_2d : bool
        Whether the cells only exist in 2D environments.
    fixed_n : callable or None
        For types whose count is set by the environment (``speed`` is one cell, head
        direction in 1D is two): a function of the dimensionality returning the count.
    description : str
        One line for docs and error messages.
    """

    name: str
    ratinabox_class: str | type
    defaults: dict = field(default_factory=dict)
    evaluation: str | Callable = "position"
    requires_2d: bool = False
    fixed_n: Callable[[int], int | None] | None = None
    description: str = ""

    @property
    def cls(self) -> type:
        """The RatInABox Neurons class (imported on first use)."""
        if isinstance(self.ratinabox_class, str):
            return rb.builtin_class(self.ratinabox_class)
        return self.ratinabox_class


class _Registry(dict):
    """``name -> CellType``; ``"module:Class"`` strings are looked up by importing the class."""

    def __missing__(self, key):
        if isinstance(key, str) and ":" in key:
            return type_of_class(import_cell_class(key))
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        if dict.__contains__(self, key):
            return True
        if isinstance(key, str) and ":" in key:
            try:
                import_cell_class(key)
            except (ImportError, AttributeError, TypeError, ValueError):
                return False
            return True
        return False


CELL_TYPES: dict[str, CellType] = _Registry()
_ADHOC: dict[type, CellType] = {}  # unregistered classes, one CellType each (stable labels)


def _check_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"a cell-type name must be a non-empty string; got {name!r}.")
    bad = [c for c in (":", "+", " ", ",") if c in name]
    if bad:
        raise ValueError(
            f"cell-type name {name!r} contains {bad[0]!r}, which placedecode reserves (':' for "
            "'module:Class', '+' and ',' for mixtures on the command line); choose another name."
        )
    return name


def register_cell_type(cell_type, name: str | None = None, *, evaluator: Callable | None = None,
                       defaults: dict | None = None, requires_2d: bool | None = None, description: str = "",
                       overwrite: bool = False) -> CellType:
    """Register a cell type so that its name works wherever a built-in name does.

    Parameters
    ----------
    cell_type : CellType or type
        A :class:`CellType`, or a RatInABox ``Neurons`` subclass (your own class).
    name : str, optional
        The name for a class (default: the class's ``__name__``). Names may not contain
        ``':'``, ``'+'``, ``','`` or spaces.
    evaluator : callable, optional
        A vectorised evaluator ``evaluator(neurons, trajectory) -> ndarray (n_cells, T)``
        giving the noiseless rates in Hz over the whole path. Without one, rates come from
        the class's ``get_state`` in chunks where that equals RatInABox's per-step loop
        (checked on the first bins of every recording), otherwise from the per-step loop.
        ``evaluator="per_step"`` forces the loop and ``"position"`` trusts ``get_state``.
    defaults : dict, optional
        Parameters placed over the class's own defaults.
    requires_2d : bool, optional
        Whether the cells need a 2D environment (default: True for RatInABox's vector cells).
    description : str, optional
        One line for error messages and docs.
    overwrite : bool, default=False
        Replace a type already registered under ``name``.

    Returns
    -------
    CellType
        The registered entry.

    Examples
    --------
    >>> import placedecode as pdc
    >>> from ratinabox.Neurons import PlaceCells
    >>> class WidePlaceCells(PlaceCells):
    ...     pass
    >>> pdc.sim.register_cell_type(WidePlaceCells, "wide_place", defaults={"widths": 0.3}).name
    'wide_place'
    """
    if isinstance(cell_type, CellType):
        if name is not None or evaluator is not None or defaults is not None or requires_2d is not None:
            raise TypeError("register_cell_type(CellType(...)) takes the settings from the CellType; "
                            "pass name/evaluator/defaults/requires_2d only with a class.")
        entry = cell_type
    elif rb.is_neurons_class(cell_type):
        entry = CellType(
            name=cell_type.__name__ if name is None else name,
            ratinabox_class=cell_type,
            defaults=_check_defaults(defaults),
            evaluation=default_evaluation(cell_type) if evaluator is None else evaluator,
            requires_2d=rb.is_2d_only(cell_type) if requires_2d is None else bool(requires_2d),
            description=description or f"{cell_type.__module__}.{cell_type.__qualname__}",
        )
    else:
        raise TypeError(
            "register_cell_type takes a CellType or a RatInABox Neurons subclass (a class, e.g. "
            f"class MyCells(PlaceCells): ...); got {_describe(cell_type)}."
        )
    _check_name(entry.name)
    if not (entry.evaluation in EVALUATIONS or callable(entry.evaluation)):
        raise ValueError(
            f"evaluation {entry.evaluation!r} of cell type {entry.name!r} must be one of {list(EVALUATIONS)} "
            "or a callable evaluator(neurons, trajectory) -> rates (n_cells, T)."
        )
    if dict.__contains__(CELL_TYPES, entry.name) and not overwrite:
        raise ValueError(f"cell type {entry.name!r} is already registered; pass overwrite=True to replace it.")
    dict.__setitem__(CELL_TYPES, entry.name, entry)
    return entry


def _check_defaults(defaults) -> dict:
    if defaults is None:
        return {}
    if not isinstance(defaults, dict):
        raise TypeError(f"defaults must be a dict of RatInABox parameters; got {type(defaults).__name__}.")
    return dict(defaults)


def _describe(obj) -> str:
    if isinstance(obj, type):
        return f"the class {obj.__module__}.{obj.__qualname__}, which is not a ratinabox.Neurons.Neurons subclass"
    if rb.is_neurons(obj):
        return f"a {type(obj).__name__} instance (pass the class, or record your own run with from_ratinabox)"
    return f"{type(obj).__name__} {obj!r}"


def default_evaluation(cls: type) -> str:
    """How an unregistered class's rates are computed.

    A subclass of a built-in type's class that keeps its ``get_state`` and ``update``
    inherits that type's evaluation (``class Mine(PlaceCells)`` with a new ``__init__`` is
    evaluated as place cells); any class with its own ``get_state`` or ``update`` is ``"auto"``.
    """
    for entry in dict.values(CELL_TYPES):
        if not isinstance(entry.ratinabox_class, str) or not isinstance(entry.evaluation, str):
            continue
        base = entry.cls
        if (issubclass(cls, base) and entry.evaluation != "auto" and not rb.overrides(cls, base, "get_state")
                and not rb.overrides(cls, base, "update")):
            return entry.evaluation
    return "auto"


def import_cell_class(path: str) -> type:
    """The Neurons subclass named by ``"package.module:Class"`` (``Class`` may be ``Outer.Inner``)."""
    module_name, _, attr = path.partition(":")
    if not module_name or not attr:
        raise ValueError(f"cell type {path!r}: write an import path as 'package.module:ClassName'.")
    try:
        obj = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImportError(f"cell type {path!r}: cannot import module {module_name!r} ({exc}).") from exc
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise AttributeError(f"cell type {path!r}: {obj.__name__!r} has no attribute {part!r}.")
        obj = getattr(obj, part)
    if not rb.is_neurons_class(obj):
        raise TypeError(f"cell type {path!r} is {_describe(obj)}.")
    return obj


def type_of_class(cls: type) -> CellType:
    """The CellType of a Neurons class: registered (by class or built-in class name) or ad hoc."""
    for entry in dict.values(CELL_TYPES):
        if entry.ratinabox_class is cls:
            return entry
    for entry in dict.values(CELL_TYPES):
        if isinstance(entry.ratinabox_class, str) and entry.ratinabox_class == cls.__name__ and entry.cls is cls:
            return entry
    if cls not in _ADHOC:
        _ADHOC[cls] = CellType(
            name=cls.__name__,
            ratinabox_class=cls,
            evaluation=default_evaluation(cls),
            requires_2d=rb.is_2d_only(cls),
            description=f"{cls.__module__}.{cls.__qualname__}",
        )
    return _ADHOC[cls]


def known_names() -> str:
    """The registered names, for error messages."""
    return ", ".join(f"{k!r}" for k in dict.keys(CELL_TYPES))


def resolve(key, argument: str = "cells") -> CellType:
    """The CellType for a name, a ``"module:Class"`` string or a Neurons subclass."""
    if isinstance(key, str):
        if dict.__contains__(CELL_TYPES, key):
            return dict.__getitem__(CELL_TYPES, key)
        if ":" in key:
            try:
                return type_of_class(import_cell_class(key))
            except (ImportError, AttributeError, TypeError, ValueError) as exc:
                raise ValueError(f"{argument}: {exc}") from exc
        raise ValueError(
            f"unknown cell type {key!r}; known cell types: {known_names()} (or a RatInABox Neurons "
            "subclass, or an import path 'module:Class')."
        )
    if rb.is_neurons_class(key):
        return type_of_class(key)
    raise TypeError(
        f"{argument} must be a cell-type name (e.g. 'place'), a RatInABox Neurons subclass or an import "
        f"path 'module:Class'; got {_describe(key)}."
    )


for _ct in (
    CellType(
        "place",
        "PlaceCells",
        {"widths": 0.15, "place_cell_centres": "uniform"},
        description="Gaussian place fields (width 0.15 m, centres on a uniform grid, as in the tutorial)",
    ),
    CellType("grid", "GridCells", {}, description="grid cells, three modules (0.3, 0.5, 0.8 m)"),
    CellType(
        "boundary_vector",
        "BoundaryVectorCells",
        {},
        evaluation="boundary_vector",
        requires_2d=True,
        description="allocentric boundary vector cells (fire at a distance and direction from walls)",
    ),
    CellType(
        "object_vector",
        "ObjectVectorCells",
        {},
        requires_2d=True,
        description="object vector cells (need objects: environment={'objects': [[x, y], ...]})",
    ),
    CellType(
        "random_spatial",
        "RandomSpatialNeurons",
        {"lengthscale": 0.1},
        evaluation="random_spatial",
        description="smooth random spatial tuning (Gaussian-process samples)",
    ),
    CellType(
        "head_direction",
        "HeadDirectionCells",
        {},
        evaluation="head_direction",
        fixed_n=lambda D: 2 if D == 1 else None,
        description="head direction cells (von Mises tuning; two cells, left and right, in 1D)",
    ),
    CellType(
        "velocity",
        "VelocityCells",
        {},
        evaluation="velocity",
        fixed_n=lambda D: 2 if D == 1 else None,
        description="velocity cells (head direction tuning scaled by speed)",
    ),
    CellType(
        "speed",
        "SpeedCell",
        {},
        evaluation="speed",
        fixed_n=lambda D: 1,
        description="a speed cell (rate proportional to running speed)",
    ),
):
    register_cell_type(_ct)
