"""Simulated recordings from RatInABox: trajectories, cell populations, noise, splits.

Data flow: :func:`simulate_trajectory` moves a RatInABox Agent once (compiled, or RatInABox's
own loop; cached on disk; :func:`simulate_trajectories` for many seeds at once) ->
:func:`record` evaluates any cell populations on that path for all time points at once ->
a :class:`Recording` (``rates`` (N_cells, T) in Hz, ``position`` (D, T) in metres) ->
``Recording.split`` / :class:`BlockedTimeSeriesSplit` for decoders.
"""

from ._cache import cache_dir
from ._cells import CELL_TYPES, CellType, register_cell_type
from ._motion_batch import simulate_trajectories
from ._noise import Noise
from ._record import record, simulate
from ._recording import RateMaps, Recording
from ._split import BlockedTimeSeriesSplit
from ._trajectory import BUILTIN_SOURCES, Trajectory, simulate_trajectory

__all__ = [
    "BUILTIN_SOURCES",
    "BlockedTimeSeriesSplit",
    "CELL_TYPES",
    "CellType",
    "Noise",
    "RateMaps",
    "Recording",
    "Trajectory",
    "cache_dir",
    "record",
    "register_cell_type",
    "simulate",
    "simulate_trajectories",
    "simulate_trajectory",
]
