"""How much memory a simulation needs, and refusing one the machine cannot hold.

:func:`estimate_memory` adds up the arrays a request allocates (float64 throughout):

- ``trajectory``: the per-step buffers (T, D) x 4 and the (D, T) x 4 arrays plus ``t`` they
  are transposed into (both alive at the end of the loop): ``8 T (8 D + 1)`` bytes;
- ``rates``: the noiseless rates, ``8 N T``; ``noisy rates``: another ``8 N T`` with noise;
- ``temporaries``: chunked evaluation (at most
  :data:`~placedecode.sim._evaluate.CHUNK_BYTES`, about ``32 D N T`` bytes for short
  recordings) and the cells' own parameters (about :data:`BYTES_PER_CELL` each).

:func:`available_memory` reads what the operating system can still give (``MemAvailable``
of ``/proc/meminfo``, capped by a cgroup limit when the process runs in a container; else
``os.sysconf``); :func:`check_memory` raises :class:`InsufficientMemoryError` before
anything is allocated when the estimate exceeds it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ._evaluate import CHUNK_BYTES

#: Parameters, tuning arrays and RatInABox bookkeeping per cell (bytes, generous).
BYTES_PER_CELL = 4096
GIB = 2**30


class InsufficientMemoryError(MemoryError):
    """A simulation needs more memory than is available (raised before allocating)."""


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes a request needs, by part (``parts``), and what to change to need less (``levers``)."""

    parts: dict = field(default_factory=dict)
    levers: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Bytes in all."""
        return int(sum(self.parts.values()))

    @property
    def gib(self) -> float:
        """Total in GiB (2**30 bytes)."""
        return self.total / GIB

    def __str__(self) -> str:
        detail = ", ".join(f"{name} {value / GIB:.3g} GiB" for name, value in self.parts.items() if value)
        return f"{self.gib:.3g} GiB ({detail})"


def n_bins(minutes: float, dt: float) -> int:
    """Time bins of a simulation: ``round(minutes * 60 / dt)``."""
    return int(round(float(minutes) * 60.0 / float(dt)))


def estimate_memory(minutes: float = 10.0, dt: float = 0.1, n_cells: int = 25, n_dims: int = 2, noise=None,
                    trajectory: bool = True, n_samples: int | None = None) -> MemoryEstimate:
    """Estimate the memory ``simulate`` (or ``record`` on an existing trajectory) needs.

    Parameters
    ----------
    minutes, dt : float
        Duration (min) and time step (s); ``T = round(minutes * 60 / dt)`` bins.
    n_cells : int
        Total number of cells N (all populations).
    n_dims : int
        Spatial dimensionality D (1 or 2).
    noise : None, float, "poisson" or dict
        Observation noise (anything but none doubles the rates).
    trajectory : bool, default=True
        Whether the trajectory is simulated too (False for ``record`` on a given one).
    n_samples : int, optional
        T directly (overrides ``minutes`` / ``dt``).

    Returns
    -------
    MemoryEstimate
        ``total`` bytes, ``gib``, ``parts`` and the ``levers`` (parameter -> what to do).

    Examples
    --------
    >>> import placedecode as pdc
    >>> est = pdc.sim.estimate_memory(minutes=60, dt=0.1, n_cells=100)
    >>> est.parts["rates"] == 8 * 100 * 36_000  # one hour at 0.1 s is 36,000 bins
    True
    >>> print(est)
    0.0943 GiB (trajectory 0.00456 GiB, rates 0.0268 GiB, temporaries 0.0629 GiB)
    """
    T = n_bins(minutes, dt) if n_samples is None else int(n_samples)
    N, D = int(n_cells), int(n_dims)
    noisy = not (noise is None or noise == "none" or (isinstance(noise, (int, float)) and not isinstance(noise, bool)
                                                       and noise == 0))
    parts = {
        "trajectory": 8 * T * (8 * D + 1) if trajectory else 0,
        "rates": 8 * N * T,
        "noisy rates": 8 * N * T if noisy else 0,
        "temporaries": min(CHUNK_BYTES, 32 * max(1, D) * N * T) + BYTES_PER_CELL * N,
    }
    levers = {}
    cells_first = parts["rates"] + parts["noisy rates"] >= parts["trajectory"]
    if N and cells_first:
        levers["n_cells"] = f"fewer cells (now {N})"
    levers["minutes"] = f"a shorter recording (now {T} time bins)"
    levers["dt"] = "a larger time step (fewer time bins)"
    if N and not cells_first:
        levers["n_cells"] = f"fewer cells (now {N})"
    return MemoryEstimate(parts, levers)


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def available_memory() -> int | None:
    """Bytes the process can still allocate, or None when it cannot be told.

    ``MemAvailable`` from ``/proc/meminfo`` (Linux), capped by a cgroup v2/v1 memory limit
    minus current usage; otherwise ``os.sysconf("SC_AVPHYS_PAGES") * SC_PAGE_SIZE``.
    """
    candidates = []
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    candidates.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        pass
    for limit_file, usage_file in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                   ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                                    "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        limit, usage = _read_int(Path(limit_file)), _read_int(Path(usage_file))
        if limit is not None and usage is not None and limit < 2**60:
            candidates.append(max(0, limit - usage))
    if not candidates:
        try:
            candidates.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            return None
    return int(min(candidates))


def check_memory(estimate: MemoryEstimate, call: str, available: int | None = None) -> None:
    """Raise :class:`InsufficientMemoryError` if ``estimate`` exceeds the available memory.

    Parameters
    ----------
    estimate : MemoryEstimate
    call : str
        The request, as the user wrote it (``"simulate(minutes=600, dt=0.001, n_cells=25)"``).
    available : int, optional
        Bytes available (default: :func:`available_memory`; no check when unknown).
    """
    available = available_memory() if available is None else available
    if available is None or estimate.total <= available:
        return
    levers = ", ".join(f"{what} ({name})" for name, what in estimate.levers.items())
    raise InsufficientMemoryError(
        f"{call} needs about {estimate} but only {available / GIB:.3g} GiB of memory is available; ask for "
        f"{levers}, or record in parts."
    )
