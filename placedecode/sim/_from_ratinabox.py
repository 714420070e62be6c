"""Turning a simulation the user ran in RatInABox into a Recording."""

from __future__ import annotations

import numpy as np

from . import _ratinabox as rb
from ._cell_params import cell_parameters, stack_params
from ._cells import type_of_class
from ._coverage import check_coverage
from ._recording import Population, Recording


def _populations(neurons) -> list[tuple[str | None, object]]:
    if rb.is_neurons(neurons):
        return [(None, neurons)]
    if isinstance(neurons, dict):
        items = list(neurons.items())
    elif isinstance(neurons, (list, tuple)):
        items = [(None, n) for n in neurons]
    else:
        raise TypeError(
            "neurons must be a RatInABox Neurons object, a list of them, or a dict of label -> Neurons; got "
            f"{type(neurons).__name__}."
        )
    if not items:
        raise ValueError("neurons is empty; pass at least one RatInABox Neurons object.")
    for index, (label, layer) in enumerate(items):
        where = f"neurons[{label!r}]" if label is not None else f"neurons[{index}]"
        if not rb.is_neurons(layer):
            raise TypeError(f"{where} must be a RatInABox Neurons object; got {type(layer).__name__}.")
        if label is not None and (not isinstance(label, str) or not label):
            raise TypeError(f"neurons labels must be non-empty strings; got {label!r}.")
    return items


def from_ratinabox(agent, neurons) -> Recording:
    """A Recording of a simulation you ran with RatInABox yourself.

    Positions, velocities and head directions come from ``agent.history``; the rates of
    each population from its ``history["firingrate"]``. The Recording has the layout,
    units, cell labels and parameters of a simulated one (``rates`` (N_cells, T) in Hz,
    ``position`` (D, T) in metres, ``cell_types``, ``cell_params`` such as place-field
    centres), so every split, decoder, metric and plot works on it unchanged. The Agent
    and the Neurons are only read.

    Parameters
    ----------
    agent : ratinabox Agent
        The Agent you moved (``agent.update()`` in a loop, with ``save_history=True``).
    neurons : Neurons, list of Neurons or dict of str to Neurons
        The populations to read, each belonging to ``agent`` and updated at every step
        since the Agent started. Labels: RatInABox classes placedecode registers get their
        registered name (``PlaceCells`` -> ``"place"``), a class you registered its name,
        any other class its class name; a dict gives your own labels.

    Returns
    -------
    Recording
        ``t`` (T,) the Agent's history times in seconds, ``dt`` its time step;
        ``true_rates`` is ``rates`` (RatInABox's own rate noise, if any, is in both) and
        ``noise`` describes that noise; ``populations[i].path`` is ``"history"``.

    Examples
    --------
    >>> import placedecode as pdc
    >>> from ratinabox.Agent import Agent
    >>> from ratinabox.Environment import Environment
    >>> from ratinabox.Neurons import PlaceCells
    >>> agent = Agent(Environment(), {"dt": 0.1})
    >>> cells = PlaceCells(agent, {"n": 9, "max_fr": 10})
    >>> for _ in range(50):
    ...     agent.update()
    ...     cells.update()
    >>> rec = pdc.from_ratinabox(agent, cells)
    >>> rec.rates.shape, rec.position.shape, rec.cell_types.tolist()[:2]
    ((9, 50), (2, 50), ['place', 'place'])
    """
    if not rb.is_agent(agent):
        hint = " (the arguments are (agent, neurons))" if rb.is_neurons(agent) else ""
        raise TypeError(f"agent must be a RatInABox Agent{hint}; got {type(agent).__name__}.")
    items = _populations(neurons)
    for index, (label, layer) in enumerate(items):
        if layer.Agent is not agent:
            where = f"neurons[{label!r}]" if label is not None else f"neurons[{index}]"
            raise ValueError(
                f"{where} ({type(layer).__name__}) belongs to another Agent than agent; pass the Agent its "
                "Neurons were created with."
            )
    path = rb.agent_history(agent)
    t = path["t"]
    if t.shape[0] == 0 or path["position"] is None:
        raise ValueError(
            "agent has no history: create it with save_history=True (RatInABox's default) and call "
            "agent.update() (and each population's update()) in a loop before from_ratinabox."
        )
    T = t.shape[0]
    steps = np.diff(t)
    dt = float(np.median(steps)) if T > 1 else float(agent.dt)
    if T > 1 and not np.allclose(steps, dt, rtol=1e-6, atol=1e-9):
        raise ValueError(
            f"agent's history has irregular time steps ({steps.min():g} to {steps.max():g} s); from_ratinabox "
            "needs a constant dt (call agent.update() without changing dt)."
        )
    env = agent.Environment
    blocks, per_cell, populations, labels, noises = [], [], [], [], []
    start = 0
    for index, (label, layer) in enumerate(items):
        where = f"neurons[{label!r}]" if label is not None else f"neurons[{index}]"
        times, rates = rb.firingrate_history(layer)
        if times.shape[0] != T or not np.allclose(times, t, rtol=0, atol=1e-9 + 1e-6 * dt):
            raise ValueError(
                f"{where} ({type(layer).__name__}) has {times.shape[0]} firing-rate samples but agent has {T} "
                "positions: create every population before moving the Agent and call its update() after every "
                "agent.update() (with save_history=True)."
            )
        kind = type_of_class(type(layer))
        name = label if label is not None else kind.name
        with rb.seeded_global_numpy(index):
            per_cell.append(cell_parameters(layer, kind, env))
        rows = np.arange(start, start + layer.n)
        populations.append(Population(name, layer, rows, np.arange(layer.n), kind=kind, path="history"))
        labels += [name] * layer.n
        blocks.append(rates)
        noises.append(rb.noise_std(layer))
        start += layer.n
    rates = np.concatenate(blocks, axis=0)
    if not np.all(np.isfinite(rates)):
        raise ValueError("the populations' firing-rate histories contain NaN or infinite values (the Agent left "
                         "the environment, or a population's get_state failed); drop those steps first.")
    check_coverage(path["position"], T * dt, env)
    noise = "none" if not any(noises) else f"ratinabox(noise_std={max(noises):g} Hz)"
    return Recording(
        rates=rates,
        true_rates=rates,
        position=path["position"],
        t=t,
        dt=dt,
        cell_types=np.array(labels, dtype=str),
        cell_params=stack_params(per_cell, [layer.n for _, layer in items]),
        velocity=path["velocity"],
        head_direction=path["head_direction"],
        environment=env,
        noise=noise,
        seed=None,
        populations=populations,
    )
