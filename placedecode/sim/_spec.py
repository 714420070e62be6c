"""Reading the ``cells`` / ``n_cells`` / ``cell_params`` arguments and building the populations.

``cells`` may be a registered name, a ``"module:Class"`` import path, a RatInABox Neurons
subclass, a Neurons *instance* built on the trajectory's own Agent (see
``simulate_trajectory(agent=...)``), or a mapping of any of these to counts (a mixture:
``{"place": 50, MyCells: 20}``; an instance's count is ``None`` or its ``n``). In a mixture,
``cell_params`` maps the same keys to parameter dicts, and a ``FeedForwardLayer``'s
``input_layers`` may name other populations of the same call by their key::

    cells={"place": 40, FeedForwardLayer: 5},
    cell_params={FeedForwardLayer: {"input_layers": ["place"]}}
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from . import _ratinabox as rb
from ._cell_checks import check_cell_params
from ._cells import CellType, resolve, type_of_class
from ._random import derive_seed


@dataclass
class PopulationSpec:
    """One population of a ``record`` call, before it is built.

    ``inputs`` are the indices (in the call's order) of the populations its
    ``input_layers`` name; ``instance`` is the user's own Neurons object, if one was given.
    """

    key: object
    cell_type: CellType
    n: int
    params: dict = field(default_factory=dict)
    instance: object = None
    inputs: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.cell_type.name


def _key_text(key) -> str:
    if isinstance(key, type):
        return key.__name__
    if rb.is_neurons(key):
        return f"<{type(key).__name__} instance>"
    return repr(key)


def parse_cells(cells, n_cells, cell_params, trajectory) -> list[PopulationSpec]:
    """Normalise the ``cells`` / ``n_cells`` / ``cell_params`` arguments of ``record``.

    Raises ``TypeError``/``ValueError`` naming the argument for every user error: unknown
    names, classes that are not Neurons subclasses, counts that are not positive integers
    (or do not match an environment-fixed count), 2D-only cells in 1D, the same type listed
    twice, Neurons bound to another Agent, bad cell parameters.
    """
    env = trajectory.environment
    D = trajectory.n_dims
    single = not isinstance(cells, dict)
    if single:
        if isinstance(cells, (list, tuple, set)):
            raise TypeError(
                "cells must be one cell type or a mapping of types to counts (e.g. {'place': 50, 'grid': 30}); "
                f"got a {type(cells).__name__}."
            )
        entries = [(cells, None if rb.is_neurons(cells) else n_cells)]
        params_by_key = {cells: cell_params} if cell_params is not None else {}
    else:
        if not cells:
            raise ValueError("cells must name at least one cell type; got an empty mapping.")
        entries = list(cells.items())
        params_by_key = _params_by_key(cell_params, cells)
    specs: list[PopulationSpec] = []
    for key, count in entries:
        label_arg = "cells" if single else f"cells[{_key_text(key)}]"
        count_arg = "n_cells" if single else label_arg
        if rb.is_neurons(key):
            spec = _instance_spec(key, count, count_arg, label_arg, trajectory)
            if params_by_key.get(key):
                raise ValueError(f"cell_params for {label_arg}: the Neurons object is already built; set its "
                                 "parameters when you create it.")
        else:
            cell_type = resolve(key, label_arg)
            n = _check_count(count, count_arg)
            params = params_by_key.get(key, {}) or {}
            if not isinstance(params, dict):
                raise TypeError(f"cell_params for {label_arg} must be a dict; got {type(params).__name__}.")
            spec = PopulationSpec(key, cell_type, n, dict(params))
        _check_dimensionality(spec, D, count_arg, label_arg)
        specs.append(spec)
    _check_duplicates(specs)
    for spec in specs:
        if spec.instance is None:
            where = _where(spec, single)
            check_cell_params(spec.cell_type, spec.params, where, env)
            spec.inputs = _input_references(spec, specs, where)
    _check_acyclic(specs)
    return specs


def _params_by_key(cell_params, cells) -> dict:
    if cell_params is None:
        return {}
    labels = {}
    for key in cells:
        if not rb.is_neurons(key):
            labels[resolve(key).name] = key
    if isinstance(cell_params, dict) and all(k in cells or k in labels for k in cell_params):
        return {(k if k in cells else labels[k]): v for k, v in cell_params.items()}
    given = sorted(_key_text(k) for k in cell_params) if isinstance(cell_params, dict) else type(cell_params).__name__
    raise ValueError(
        "with a mapping of cells, cell_params must map the same keys to parameter dicts, e.g. "
        f"{{'place': {{'widths': 0.1}}}}; got keys {given} for cells {[_key_text(k) for k in cells]}."
    )


def _where(spec: PopulationSpec, single: bool):
    prefix = "cell_params" if single else f"cell_params[{_key_text(spec.key)}]"
    return lambda name: f"{prefix}[{name!r}]"


def _check_count(count, argument: str) -> int:
    if isinstance(count, bool) or not isinstance(count, numbers.Integral):
        raise TypeError(f"{argument} must be a positive integer; got {type(count).__name__} {count!r}.")
    if count < 1:
        raise ValueError(f"{argument} must be >= 1; got {count}.")
    return int(count)


def _instance_spec(neurons, count, count_arg, label_arg, trajectory) -> PopulationSpec:
    owner = getattr(trajectory, "agent", None)
    if owner is None or neurons.Agent is not owner:
        raise ValueError(
            f"{label_arg} is a {type(neurons).__name__} whose Agent is not the trajectory's: Neurons objects "
            "can be recorded only along a trajectory simulated from their own Agent "
            "(simulate_trajectory(agent=neurons.Agent)). Pass the class instead (cells="
            f"{type(neurons).__name__}, with cell_params), or record your own run with from_ratinabox."
        )
    if count is not None and count != neurons.n:
        raise ValueError(f"{count_arg}: the {type(neurons).__name__} object has {neurons.n} cells; got a count "
                         f"of {count!r} (use None).")
    if rb.noise_std(neurons):
        raise ValueError(f"{label_arg} has noise_std={rb.noise_std(neurons)}, RatInABox's per-step rate noise; "
                         "create it with noise_std=0 and pass noise=<std in Hz> to record() instead.")
    return PopulationSpec(neurons, type_of_class(type(neurons)), int(neurons.n), {}, instance=neurons)


def _check_dimensionality(spec: PopulationSpec, D: int, count_arg: str, label_arg: str) -> None:
    ct = spec.cell_type
    if ct.requires_2d and D != 2:
        raise ValueError(
            f"{label_arg}: cell type {ct.name!r} needs a 2D environment but the trajectory is {D}D; use a 2D "
            "environment or another cell type."
        )
    fixed = ct.fixed_n(D) if ct.fixed_n else None
    if fixed is not None and spec.n != fixed:
        raise ValueError(f"{count_arg}: a {D}D environment has exactly {fixed} {ct.name!r} cell(s); got {spec.n}.")


def _check_duplicates(specs: list[PopulationSpec]) -> None:
    seen: dict[str, PopulationSpec] = {}
    for spec in specs:
        if spec.instance is not None:
            continue
        if spec.label in seen:
            first = seen[spec.label]
            raise ValueError(
                f"cells lists the cell type {spec.label!r} twice (as {_key_text(first.key)} and "
                f"{_key_text(spec.key)}); give it once with the total count, or register one of them under "
                "another name with register_cell_type(cls, name)."
            )
        seen[spec.label] = spec


def _input_references(spec: PopulationSpec, specs: list[PopulationSpec], where) -> list[int]:
    layers = spec.params.get("input_layers")
    if layers is None:
        return []
    if not isinstance(layers, (list, tuple)):
        raise TypeError(f"{where('input_layers')} must be a list of populations of this call; got "
                        f"{type(layers).__name__}.")
    indices = []
    for position, ref in enumerate(layers):
        match = [i for i, other in enumerate(specs) if other is not spec
                 and (ref is other.key or (isinstance(ref, str) and ref in (other.key, other.label)))]
        if not match:
            kind = f"a {type(ref).__name__} object" if rb.is_neurons(ref) else repr(ref)
            raise ValueError(
                f"{where('input_layers')}[{position}] is {kind}: input_layers must name populations of this call by "
                f"their key in cells ({[_key_text(s.key) for s in specs if s is not spec]}), e.g. "
                "cells={'place': 40, FeedForwardLayer: 5}, cell_params={FeedForwardLayer: {'input_layers': "
                "['place']}}. Neurons built on another Agent cannot be read along this trajectory."
            )
        indices.append(match[0])
    return indices


def _check_acyclic(specs: list[PopulationSpec]) -> None:
    state: dict[int, int] = {}

    def visit(i: int) -> None:
        if state.get(i) == 1:
            raise ValueError(f"cell_params: the input_layers of {_key_text(specs[i].key)} form a cycle; "
                             "a population cannot read from itself.")
        if state.get(i) == 2:
            return
        state[i] = 1
        for j in specs[i].inputs:
            visit(j)
        state[i] = 2

    for i in range(len(specs)):
        visit(i)


def build_order(specs: list[PopulationSpec]) -> list[int]:
    """Indices of ``specs`` with every population after the populations it reads from."""
    order: list[int] = []

    def visit(i: int) -> None:
        if i in order:
            return
        for j in specs[i].inputs:
            visit(j)
        order.append(i)

    for i in range(len(specs)):
        visit(i)
    return order


def build_population(spec: PopulationSpec, index: int, agent, built: dict, seed: int, max_fr=None):
    """The RatInABox Neurons for one population on the hidden ``agent``, seeded independently.

    ``built`` maps indices of populations already built to their Neurons (the layers an
    ``input_layers`` list names). A user's instance is copied onto ``agent`` (the user's
    object is left unchanged).
    """
    if spec.instance is not None:
        return rb.rebind(spec.instance, agent)
    ct = spec.cell_type
    merged = {**ct.defaults, **spec.params}
    if max_fr is not None:
        merged.setdefault("max_fr", float(max_fr))
    merged["n"] = spec.n
    merged.setdefault("name", f"{spec.label}_{index}")
    merged["save_history"] = False
    if spec.inputs:
        merged["input_layers"] = [built[j] for j in spec.inputs]
    centres = merged.get("place_cell_centres")
    if centres is not None and not isinstance(centres, str):
        merged["place_cell_centres"] = np.asarray(centres, dtype=float)
    if ct.name == "object_vector" and len(agent.Environment.objects["objects"]) == 0:
        raise ValueError(
            "object_vector cells need objects in the environment; pass e.g. "
            "environment={'objects': [[0.3, 0.7], [0.7, 0.3]]}."
        )
    neurons = _construct(ct, agent, merged, derive_seed(seed, "population", index, spec.label))
    if neurons.n != spec.n:
        raise ValueError(
            f"cell_params for {spec.label!r} define {neurons.n} cells but {spec.n} were requested; "
            "make n_cells match the parameters you pass (e.g. len(place_cell_centres))."
        )
    return neurons


def _construct(ct: CellType, agent, params: dict, seed: int):
    """``cls(agent, params)``; an error inside a user's class says which population it was."""
    try:
        return rb.build_neurons(ct.cls, agent, params, seed)
    except Exception as exc:
        if isinstance(ct.ratinabox_class, type) and hasattr(exc, "add_note"):
            exc.add_note(f"(raised while placedecode built the {ct.name!r} population: "
                         f"{ct.cls.__name__}(agent, params) with params {sorted(params)})")
        raise
