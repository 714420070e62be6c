"""Checking ``compare``'s arguments up front, each error naming the argument the user passed.

Everything here runs before any simulation: a sweep that is going to fail on its input
fails in milliseconds, not after minutes of work, and says which argument to change.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._hashing import MAX_SEED


def is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def mixture_label(spec: dict) -> str:
    """Label of a mixed population: ``{"place": 50, "grid": 30}`` -> ``"place:50+grid:30"``."""
    return "+".join(f"{_type_label(name)}:{n}" for name, n in spec.items())


def _type_label(cell_type) -> str:
    """A cell type's label: its name, or a user's Neurons class's ``__name__``."""
    return cell_type.__name__ if isinstance(cell_type, type) else str(cell_type)


def _known_to_simulator(cell_type) -> bool:
    """Names and classes the simulator resolves itself (a user's class, ``"module:Class"``)."""
    return isinstance(cell_type, type) or (isinstance(cell_type, str) and ":" in cell_type)


def check_int_list(values, name: str, minimum: int) -> list[int]:
    """``values`` (an int or a list of distinct ints >= ``minimum``) as a list."""
    values = [values] if is_int(values) else values
    if isinstance(values, (str, bytes, dict)):
        raise TypeError(f"{name} must be an int or a list of ints; got {type(values).__name__} {values!r}.")
    try:
        values = list(values)
    except TypeError:
        raise TypeError(f"{name} must be an int or a list of ints; got {type(values).__name__}.") from None
    if not values:
        raise ValueError(f"{name} must not be empty.")
    bad = [v for v in values if not is_int(v) or v < minimum]
    if bad:
        raise ValueError(f"{name} must hold ints >= {minimum}; got {bad!r} in {values!r}.")
    if len(set(values)) != len(values):
        raise ValueError(f"{name} has duplicates: {values!r}.")
    return [int(v) for v in values]


def check_seeds(seeds) -> list[int]:
    """Seeds are the trajectories' ``random_state``: distinct ints in ``[0, 2**32)``."""
    seeds = check_int_list(seeds, "seeds", 0)
    huge = [s for s in seeds if s >= MAX_SEED]
    if huge:
        raise ValueError(f"seeds must hold ints in [0, 2**32) (each is a simulation's random_state); got "
                         f"{huge!r} in {seeds!r}.")
    return seeds


def check_cells(cells, n_cells) -> list[tuple[str, object, int]]:
    """``(label, spec, n_total)`` for every population: each name x each n_cells, each mixture once."""
    from ..sim import CELL_TYPES

    known = ", ".join(repr(k) for k in CELL_TYPES)
    entries = [cells] if isinstance(cells, (str, dict, type)) else cells
    try:
        entries = list(entries)
    except TypeError:
        raise TypeError("cells must be a cell-type name, a mapping such as {'place': 50, 'grid': 30}, "
                        f"or a list of those; got {type(cells).__name__}.") from None
    if not entries:
        raise ValueError("cells must name at least one cell type.")
    counts = check_int_list(n_cells, "n_cells", 1) if any(not isinstance(e, dict) for e in entries) else []
    out = []
    for entry in entries:
        if isinstance(entry, (str, type)):
            if not _known_to_simulator(entry) and entry not in CELL_TYPES:
                raise ValueError(f"cells: unknown cell type {entry!r}; known cell types: {known}.")
            out += [(_type_label(entry), entry, n) for n in counts]
        elif isinstance(entry, dict):
            if not entry:
                raise ValueError("a cells mapping must name at least one cell type; got {}.")
            for name, n in entry.items():
                if not _known_to_simulator(name) and name not in CELL_TYPES:
                    raise ValueError(f"cells: unknown cell type {name!r}; known cell types: {known}.")
                if not is_int(n) or n < 1:
                    raise ValueError(f"cells[{name!r}] must be a positive int; got {n!r}.")
            spec = {k: int(v) for k, v in entry.items()}
            out.append((mixture_label(spec), spec, sum(spec.values())))
        else:
            raise TypeError(f"each cells entry must be a name or a mapping of names to counts; got "
                            f"{type(entry).__name__} {entry!r}.")
    labels = [(label, n) for label, _, n in out]
    if len(set(labels)) != len(labels):
        raise ValueError(f"cells lists the same population twice: {[l for l, _, _ in out]}.")
    return out


def check_decoders(decoders) -> dict:
    from sklearn.base import clone

    if decoders is None:
        raise ValueError("decoders is required: a dict of name -> estimator, e.g. make_decoders(['linear']).")
    if not isinstance(decoders, dict):
        raise TypeError("decoders must be a dict of name -> unfitted estimator, e.g. "
                        f"{{'linear': LinearRegressor()}}; got {type(decoders).__name__}.")
    if not decoders:
        raise ValueError("decoders is empty; pass at least one, e.g. make_decoders(['linear']).")
    for name, est in decoders.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"decoder names must be non-empty strings; got {name!r}.")
        if isinstance(est, type) or not all(hasattr(est, a) for a in ("fit", "predict", "get_params")):
            raise TypeError(f"decoders[{name!r}] must be an estimator instance with fit, predict and "
                            f"get_params (scikit-learn API); got {est!r}.")
        try:
            clone(est)
        except Exception as exc:  # noqa: BLE001 - re-raised with the decoder's name
            raise TypeError(f"decoders[{name!r}] cannot be cloned with sklearn.base.clone: {exc}") from exc
    return dict(decoders)


def check_n_jobs(n_jobs):
    if n_jobs is None:
        return None
    if not is_int(n_jobs) or n_jobs == 0:
        raise ValueError(f"n_jobs must be None, a positive int or a negative int (-1 = all cores); got {n_jobs!r}.")
    return int(n_jobs)


def check_backend(backend):
    if backend is not None and not isinstance(backend, str):
        raise TypeError(f"backend must be None or a joblib backend name such as 'loky' or 'dask'; got "
                        f"{type(backend).__name__} {backend!r}.")
    return backend


def check_duration(minutes, dt) -> tuple[float, float, int]:
    """``(minutes, dt, n_samples)``; a duration too short for ``dt`` is reported as such."""
    from ..sim._checks import check_positive_real

    minutes, dt = check_positive_real(minutes, "minutes"), check_positive_real(dt, "dt")
    n_samples = int(round(minutes * 60.0 / dt))  # as simulate_trajectory
    if n_samples < 2:
        raise ValueError(f"dt={dt:g} s gives {n_samples} time bin(s) in minutes={minutes:g} "
                         f"({minutes * 60:g} s); a comparison needs at least 2 bins to train and test: "
                         "choose a smaller dt or more minutes.")
    return minutes, dt, n_samples


def splits(cv, train_fraction, n_samples):
    """Folds as ``("fraction", f)`` (the time split) or ``("indices", train, test)``."""
    if cv is None:
        if (not isinstance(train_fraction, numbers.Real) or isinstance(train_fraction, bool)
                or not 0 < train_fraction < 1):
            raise ValueError(f"train_fraction must be a float in (0, 1); got {train_fraction!r}.")
        n_train = int(np.floor(train_fraction * n_samples + 1e-9))
        if n_train < 1 or n_train >= n_samples:
            raise ValueError(f"train_fraction={train_fraction} leaves an empty train or test set of "
                             f"{n_samples} time bins; choose a fraction nearer 0.5 (or more minutes).")
        return [("fraction", float(train_fraction))]
    given = cv
    if is_int(cv):
        from ..sim import BlockedTimeSeriesSplit

        cv = BlockedTimeSeriesSplit(n_splits=int(cv))
    if not (hasattr(cv, "split") and hasattr(cv, "get_n_splits")):
        raise TypeError(f"cv must be None, an int (blocked time folds) or a splitter with split() and "
                        f"get_n_splits(), e.g. BlockedTimeSeriesSplit(5); got {cv!r}.")
    try:
        folds = [("indices", np.asarray(tr), np.asarray(te)) for tr, te in cv.split(np.zeros((n_samples, 1)))]
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"cv={given!r} cannot split the {n_samples} time bins: {exc}") from None
    empty = [k for k, (_, tr, te) in enumerate(folds) if tr.size == 0 or te.size == 0]
    if not folds or empty:
        raise ValueError(f"cv={given!r} gives {'no folds' if not folds else f'empty folds {empty}'} on "
                         f"{n_samples} time bins.")
    return folds


def check_noise(noise, max_fr):
    """``(noise, max_fr)`` checked as :func:`placedecode.record` will read them (numbers as floats)."""
    from ..sim._checks import check_positive_real
    from ..sim._noise import parse_noise

    if isinstance(noise, numbers.Real) and not isinstance(noise, bool):
        noise = float(noise)
    parse_noise(noise)  # the simulator's own rule and message
    if max_fr is not None:
        max_fr = check_positive_real(max_fr, "max_fr")
    return noise, max_fr


def preflight(populations, noise, max_fr, environment, dt, seed, n_samples) -> None:
    """Check every population now, so bad input fails before any real work with the simulator's message.

    A trajectory of a few bins is simulated in the requested environment (milliseconds) and
    each cell type (or mixture) is recorded along it at its smallest size (building large
    boundary-vector populations takes a second); sizes fixed by the environment (one speed
    cell; two head-direction cells in 1D) are checked for every requested size.
    """
    from .. import sim

    k = min(8, n_samples)
    short = sim.simulate_trajectory(minutes=k * dt / 60.0, dt=dt, environment=environment, random_state=seed,
                                    cache=False, progress=False)
    D = short.n_dims
    smallest: dict = {}
    for label, spec, n in populations:
        if isinstance(spec, str) and spec in sim.CELL_TYPES and sim.CELL_TYPES[spec].fixed_n is not None:
            fixed = sim.CELL_TYPES[spec].fixed_n(D)
            if fixed is not None and n != fixed:
                raise ValueError(f"n_cells: a {D}D environment has exactly {fixed} {spec!r} cell(s); got {n}.")
        if label not in smallest or n < smallest[label][1]:
            smallest[label] = (spec, n)
    for spec, n in smallest.values():
        sim.record(short, cells=spec, n_cells=n, noise=noise, max_fr=max_fr, random_state=0)
