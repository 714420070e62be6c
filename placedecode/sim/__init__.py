"""Simulated recordings from RatInABox: trajectories, cell populations, noise, splits.

Data flow: :func:`simulate_trajectory` moves a RatInABox Agent once (compiled, or RatInABox's
own loop; cached on disk; :func:`simulate_trajectories` for many seeds at once) ->
:func:`record` evaluates any cell populations on that path, for all time points at once
where valid (built-in types, your own Neurons classes) -> a :class:`Recording` (``rates``
(N_cells, T) in Hz, ``position`` (D, T) in metres) -> ``Recording.split`` /
:class:`BlockedTimeSeriesSplit` for decoders. :func:`from_ratinabox` turns a run you did in
RatInABox yourself into a Recording.

Every touch of RatInABox's internals is in :mod:`placedecode.sim._ratinabox`; the compiled
motion model is in :mod:`placedecode.sim._motion`.
"""

from ._cache import cache_dir
from ._cells import CELL_TYPES, CellType, register_cell_type
from ._coverage import PoorCoverageWarning
from ._from_ratinabox import from_ratinabox
from ._memory import InsufficientMemoryError, MemoryEstimate, available_memory, check_memory, estimate_memory
from ._motion_batch import simulate_trajectories
from ._noise import Noise
from ._ratinabox import TESTED_VERSIONS, UntestedRatInABoxWarning
from ._record import record, simulate
from ._recording import RateMaps, Recording
from ._split import BlockedTimeSeriesSplit
from ._trajectory import BUILTIN_SOURCES, Trajectory, simulate_trajectory

__all__ = [
    "BUILTIN_SOURCES",
    "BlockedTimeSeriesSplit",
    "CELL_TYPES",
    "CellType",
    "InsufficientMemoryError",
    "MemoryEstimate",
    "Noise",
    "PoorCoverageWarning",
    "RateMaps",
    "Recording",
    "TESTED_VERSIONS",
    "Trajectory",
    "UntestedRatInABoxWarning",
    "available_memory",
    "cache_dir",
    "check_memory",
    "estimate_memory",
    "from_ratinabox",
    "record",
    "register_cell_type",
    "simulate",
    "simulate_trajectories",
    "simulate_trajectory",
]
