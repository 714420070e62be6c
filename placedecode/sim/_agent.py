"""The Agent's motion parameters: checking them, the 1D defaults, and taking them from an Agent.

**1D tracks.** With solid ends, RatInABox's default mean speed (0.08 m/s, always in one
direction) drives the rat into the far end, where it stays (79 % of a 2-minute run within a
few cm of x = 1 m). For a 1D environment with solid ends placedecode therefore sets, unless
the user gives them,

- ``speed_mean = 0``: the velocity is an Ornstein-Uhlenbeck process around zero, so the rat
  runs back and forth;
- ``speed_std = 0.08 m/s x track length / 1 m``: RatInABox's default spread, scaled so a
  long track is crossed as often as a 1 m one.

Measured over 5 minutes at dt = 0.1 s: a 1 m track is 94-100 % covered (50 bins of 2 cm,
seeds 0-3) with 9-14 % of the time within 2 cm of an end, against 40-76 % covered and
76-86 % at one end with RatInABox's defaults; 2 m and 5 m tracks are 88-100 % covered (50
bins, seeds 0-2). Periodic 1D tracks keep RatInABox's defaults (no ends to get stuck at).
"""

from __future__ import annotations

import math
import numbers

from . import _ratinabox as rb

#: RatInABox's default speed spread (m/s) for a 1 m track, scaled with the track length.
SPEED_STD_PER_METRE = 0.08

# (lower bound, lower inclusive, upper bound, unit) of each numeric Agent parameter.
_RANGES = {
    "speed_mean": (-10.0, True, 10.0, "m/s"),  # 1D: signed drift; 2D: > 0 (motion_params)
    "speed_std": (0.0, True, 10.0, "m/s"),
    "speed_coherence_time": (0.0, False, math.inf, "s"),
    "rotational_velocity_coherence_time": (0.0, False, math.inf, "s"),
    "rotational_velocity_std": (0.0, True, 100.0, "rad/s"),
    "head_direction_smoothing_timescale": (0.0, True, math.inf, "s"),
    "thigmotaxis": (0.0, True, 1.0, ""),
    "wall_repel_distance": (0.0, False, math.inf, "m"),
    "wall_repel_strength": (0.0, True, math.inf, ""),
}


def _check_range(name: str, value) -> None:
    low, inclusive, high, unit = _RANGES[name]
    where = f"agent_params[{name!r}]"
    bracket = "[" if inclusive else "("
    valid = f"a number in {bracket}{low:g}, {high:g}]" + (f" {unit}" if unit else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where} must be {valid}; got {type(value).__name__} {value!r}.")
    value = float(value)
    ok = math.isfinite(value) and (value >= low if inclusive else value > low) and value <= high
    if not ok:
        raise ValueError(f"{where} must be {valid}; got {value!r}.")


def check_agent_params(agent_params) -> dict:
    """Validate the user's ``agent_params`` (names and ranges); return a copy."""
    if agent_params is None:
        return {}
    if not isinstance(agent_params, dict):
        raise TypeError(f"agent_params must be a dict or None; got {type(agent_params).__name__}. To use your "
                        "own RatInABox Agent, pass agent=<Agent>.")
    allowed = set(rb.agent_default_params())
    unknown = sorted(set(agent_params) - allowed)
    if unknown:
        raise ValueError(
            f"agent_params has unknown RatInABox Agent parameter(s) {unknown}; allowed: {sorted(allowed)}."
        )
    if "dt" in agent_params:
        raise ValueError("agent_params must not contain 'dt'; pass dt=... to the function instead.")
    for name, value in agent_params.items():
        if name in _RANGES:
            _check_range(name, value)
    return dict(agent_params)


def motion_params(env, agent_params: dict) -> dict:
    """The Agent parameters to simulate with in ``env``: the user's, plus placedecode's 1D defaults.

    Also refuses combinations RatInABox cannot move with (a zero mean speed in 2D, where
    ``speed_mean`` is the scale of the Rayleigh speed distribution).
    """
    params = dict(agent_params)
    if env.D == 1 and getattr(env, "boundary_conditions", "solid") == "solid":
        length = float(env.extent[1] - env.extent[0])
        params.setdefault("speed_mean", 0.0)
        params.setdefault("speed_std", SPEED_STD_PER_METRE * length)
    if env.D == 2 and float(params.get("speed_mean", rb.agent_default_params()["speed_mean"])) <= 0:
        raise ValueError(
            f"agent_params['speed_mean'] must be > 0 m/s in a 2D environment (it sets the Rayleigh speed "
            f"distribution); got {params['speed_mean']!r}."
        )
    return params


def from_agent(agent, environment, agent_params, dt):
    """``(environment, agent_params, dt)`` for ``simulate_trajectory(agent=...)``.

    The Agent's motion parameters are used (overridden by ``agent_params``), its Environment
    (``environment`` must be None or that same Environment) and its ``dt`` unless ``dt`` is
    given. The Agent itself is only read.
    """
    if not rb.is_agent(agent):
        raise TypeError(f"agent must be a ratinabox Agent; got {type(agent).__name__}.")
    if type(agent) is not rb.agent_class():
        raise TypeError(
            f"agent is a {type(agent).__name__}, a subclass of RatInABox's Agent whose own motion placedecode "
            "cannot reproduce; run it yourself and turn the run into a Recording with from_ratinabox(agent, neurons)."
        )
    if environment is not None and environment is not agent.Environment:
        raise ValueError(
            "agent belongs to another Environment than the environment you passed; pass environment=None "
            "(the Agent's own Environment is used) or an Agent of this environment."
        )
    params = check_agent_params({**rb.agent_parameters(agent), **(agent_params or {})})
    return agent.Environment, params, (float(agent.dt) if dt is None else dt)
