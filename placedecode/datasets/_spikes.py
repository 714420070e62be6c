"""Spike times + video tracking, as labs hold them -> a binned :class:`Recording`.

:func:`from_spike_times` does what every lab script does before decoding, once and with
the faults accounted for:

1. cut each epoch (running, rest, trials) into bins of ``bin_size`` seconds, from its
   start (a last incomplete bin is dropped), and count every unit's spikes in them with
   ``np.histogram`` (so a spike on an edge goes to the later bin, and one on an epoch's
   last edge to its last bin);
2. clean the tracking (:func:`~placedecode.datasets._tracking.clean_tracking`): repeated
   timestamps, NaN, frozen and out-of-arena samples, glitches;
3. read each bin's position at its centre (linear interpolation of the valid samples; no
   position inside a gap longer than ``max_gap``) and its velocity over ``speed_window``;
4. drop bins without a position, and (with ``min_speed``) those where the animal ran
   slower; keep silent units;
5. report what happened (a :class:`RecordingReport` in ``rec.metadata["report"]``, and a
   :class:`DataWarning` when something was faulty).

Bins of different epochs, and bins on either side of dropped ones, fall in different
blocks (``rec.blocks``), which windows, continuity priors and folds never cross.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .._units import check_span, metres_per_unit
from ._epochs import epoch_grid, parse_epochs
from ._errors import DataWarning
from ._report import RecordingReport
from ._tracking import clean_tracking, position_at, velocity_at

__all__ = ["from_spike_times"]


def _positive(value, name, allow_none=False, allow_zero=False):
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    if not ok or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a {'non-negative' if allow_zero else 'positive'} number; got {value!r}.")
    return float(value)


def _spike_trains(spike_times, unit_ids):
    """(list of sorted float arrays in seconds, list of ids) from the accepted forms."""
    if type(spike_times).__module__.startswith("pynapple") and hasattr(spike_times, "keys"):  # TsGroup
        ids = list(spike_times.keys())
        trains = [np.asarray(spike_times[k].t, dtype=np.float64) for k in ids]
    elif isinstance(spike_times, dict):
        ids, trains = list(spike_times.keys()), list(spike_times.values())
    elif isinstance(spike_times, np.ndarray) and spike_times.dtype != object:
        raise TypeError(
            f"spike_times must be a list with one array of spike times (s) per unit, or a dict "
            f"unit id -> times; got one {spike_times.dtype} array of shape {spike_times.shape}. "
            f"For a single unit pass [spike_times]."
        )
    elif isinstance(spike_times, (list, tuple, np.ndarray)):
        trains, ids = list(spike_times), None
    else:
        raise TypeError(
            f"spike_times must be a list of arrays (one per unit), a dict or a pynapple TsGroup; "
            f"got {type(spike_times).__name__}."
        )
    if len(trains) == 0:
        raise ValueError("spike_times holds no units; give one array of spike times (s) per unit.")
    if unit_ids is not None:
        if ids is not None and len(unit_ids) != len(ids):
            raise ValueError(f"unit_ids has {len(unit_ids)} entries for {len(ids)} units.")
        ids = list(unit_ids)
        if len(ids) != len(trains):
            raise ValueError(f"unit_ids has {len(ids)} entries for {len(trains)} units in spike_times.")
    if ids is None:
        ids = list(range(len(trains)))
    out = []
    for uid, train in zip(ids, trains):
        try:
            arr = np.asarray(train, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"spike_times of unit {uid!r} must be numbers (seconds); got {type(train).__name__}.") from None
        if arr.ndim > 1 and arr.size == max(arr.shape):  # MATLAB's (n, 1) columns
            arr = arr.ravel()
        if arr.ndim != 1:
            raise ValueError(f"spike_times of unit {uid!r} must be 1-D (n_spikes,); got shape {arr.shape}.")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"spike_times of unit {uid!r} contain NaN or inf; spike times must be finite seconds.")
        if arr.size and arr.min() < 0:
            raise ValueError(
                f"spike_times of unit {uid!r} contain negative times (first {arr[arr < 0][0]:g} s); "
                f"times are seconds on the recording's clock, >= 0. Shift the clock first."
            )
        if arr.size > 1 and np.any(np.diff(arr) < 0):
            k = int(np.flatnonzero(np.diff(arr) < 0)[0])
            raise ValueError(
                f"spike_times of unit {uid!r} are not sorted (spike {k + 1} at {arr[k + 1]:g} s "
                f"comes after {arr[k]:g} s); sort them with np.sort."
            )
        out.append(arr)
    return out, ids


def _tracking_arrays(position_times, positions):
    t = np.asarray(position_times, dtype=np.float64)
    P = np.asarray(positions, dtype=np.float64)
    if t.ndim != 1:
        raise ValueError(f"position_times must be 1-D (n_samples,) in seconds; got shape {t.shape}.")
    if P.ndim == 1:
        P = P[:, None]
    if P.ndim != 2 or P.shape[1] not in (1, 2, 3):
        raise ValueError(f"positions must be (n_samples,) or (n_samples, D) with D = 1-3; got shape {P.shape}.")
    if P.shape[0] != len(t):
        hint = " positions looks transposed: pass (n_samples, D)." if P.shape[1] == len(t) else ""
        raise ValueError(
            f"position_times has {len(t)} samples but positions has {P.shape[0]} rows; they must "
            f"be aligned sample for sample.{hint}"
        )
    if len(t) < 2:
        raise ValueError(f"need at least 2 tracking samples; got {len(t)}.")
    if not np.all(np.isfinite(t)):
        raise ValueError("position_times contain NaN or inf; tracking times must be finite seconds.")
    if t.min() < 0:
        raise ValueError("position_times contain negative times; times are seconds on the recording's clock, >= 0.")
    if np.any(np.diff(t) < 0):
        k = int(np.flatnonzero(np.diff(t) < 0)[0])
        raise ValueError(
            f"position_times are not sorted (sample {k + 1} at {t[k + 1]:g} s comes after "
            f"{t[k]:g} s); sort the samples by time first."
        )
    return t, P


def bin_positions(t_pos, P, centres, *, max_gap, speed_window, min_speed, allow_nan_position):
    """Position and velocity of every bin from cleaned tracking, and which bins to keep.

    Returns ``pos`` (T, D) metres (NaN without a position), ``vel`` (T, D) m/s, and the
    bool masks ``keep``, ``missing`` (no position) and ``below`` (slower than
    ``min_speed``), all (T,). Raises ValueError when no bin is kept.
    """
    pos = position_at(t_pos, P, centres, max_gap)
    vel = velocity_at(t_pos, P, centres, speed_window)
    missing = ~np.all(np.isfinite(pos), axis=1)
    vel[missing] = np.nan
    keep = np.ones(len(centres), dtype=bool) if allow_nan_position else ~missing
    below = np.zeros(len(centres), dtype=bool)
    if min_speed is not None:
        speed = np.sqrt(np.sum(vel**2, axis=1))
        below = ~missing & (speed < min_speed)
        keep &= ~below
    if not keep.any():
        raise ValueError(
            f"no bin is left: {int(missing.sum())} of {len(centres)} bins have no position"
            + (f" and {int(below.sum())} are below min_speed={min_speed:g} m/s" if min_speed is not None else "")
            + ". Check the epochs against the tracking, max_gap, or min_speed."
        )
    return pos, vel, keep, missing, below


def from_spike_times(
    spike_times,
    position_times,
    positions,
    bin_size: float,
    *,
    epochs=None,
    min_speed=None,
    position_unit="m",
    scale=None,
    unit_ids=None,
    cell_types=None,
    arena=None,
    max_gap: float = 1.0,
    max_frozen=5.0,
    max_speed=5.0,
    speed_window: float = 0.25,
    allow_nan_position: bool = False,
):
    """Sorted spike times and tracked positions -> a binned :class:`~placedecode.sim.Recording`.

    See the module docstring (:mod:`placedecode.datasets._spikes`) for the steps.

    Parameters
    ----------
    spike_times : list of array-like, dict, or pynapple TsGroup
        One array of spike times in seconds per unit (sorted, >= 0), on the same clock as
        ``position_times``; a dict maps unit ids to them. Units without spikes are kept.
    position_times : array-like of shape (n_samples,)
        Tracking sample times in seconds, sorted (repeated timestamps are dropped).
    positions : array-like of shape (n_samples, D) or (n_samples,)
        Tracked positions in ``position_unit``; NaN where the tracker lost the animal.
    bin_size : float
        Bin width in seconds.
    epochs : array-like of shape (n, 2), dict of name to (start, stop), IntervalSet, optional
        The intervals to bin, in seconds (default: the whole tracked span). Only bins inside
        them are kept; each bin's epoch is ``rec.epoch`` (the index into
        ``rec.metadata["epochs"]``, named in ``rec.metadata["epoch_names"]``).
    min_speed : float, optional
        Keep only bins where the animal ran at least this fast, in m/s.
    position_unit : {"m", "cm", "mm", "px"} or float, default="m"
        Unit of ``positions``; ``"px"`` needs ``scale``. The Recording holds metres (errors
        come out in cm). Positions spanning under 5 cm after conversion are refused, over
        100 m warned about: both are the sign of a wrong unit.
    scale : float, optional
        Camera pixels per metre, with ``position_unit="px"``.
    unit_ids : sequence, optional
        Ids of the units (default: the dict's keys, or 0..N-1); stored in
        ``rec.cell_params["unit_id"]``.
    cell_types : sequence of str, optional
        A label per unit (default ``"unit"``).
    arena : sequence of float, optional
        ``(x_min, x_max[, y_min, y_max])`` in ``position_unit``: tracking samples outside
        are faulty.
    max_gap : float, default=1.0
        Longest tracking gap in seconds bridged by interpolation; bins centred in a longer
        one have no position.
    max_frozen : float or None, default=5.0
        Runs of one exactly repeated position longer than this (seconds) are frozen
        tracking (the animal out of view), not an animal sitting still. None: keep them.
    max_speed : float or None, default=5.0
        Speed in m/s no rodent reaches: short excursions (up to 0.5 s) entered and left
        faster are tracking glitches. None: no check.
    speed_window : float, default=0.25
        Seconds over which each bin's velocity is measured (at least ``bin_size``), centred.
    allow_nan_position : bool, default=False
        Keep bins without a position (NaN), e.g. to decode a rest epoch without tracking;
        by default they are dropped. Drop them before fitting a decoder.

    Returns
    -------
    Recording
        ``rates`` (N_units, T) in Hz (``rec.spike_counts`` gives the counts), ``position``
        (D, T) in metres at the bin centres, ``velocity`` (D, T) in m/s (``rec.speed``),
        ``t`` the bin start times in seconds, ``dt = bin_size``, ``epoch`` (T,), and
        ``metadata`` with ``"epochs"``, ``"epoch_names"``, ``"report"`` (a
        :class:`RecordingReport`), ``"position_unit"``, ``"scale"``.

    Raises
    ------
    ValueError
        Unsorted, negative or non-finite spike or tracking times; positions and times of
        different lengths; no units; a bin longer than an epoch; epochs outside the
        tracked span or overlapping; no valid tracking sample; positions spanning under
        5 cm; no bin left.
    TypeError
        ``spike_times`` in a form not listed above.

    Warns
    -----
    DataWarning
        When tracking samples were faulty, bins had no position, or units never fire.

    Examples
    --------
    >>> import numpy as np
    >>> import placedecode as pdc
    >>> t = np.arange(0, 60, 1 / 30)                          # 30-Hz tracking, 1 min
    >>> x = 0.5 + 0.4 * np.sin(2 * np.pi * t / 20)            # m, back and forth on a track
    >>> rng = np.random.default_rng(0)
    >>> spikes = [np.sort(rng.uniform(0, 60, 100)), np.sort(rng.uniform(0, 60, 30))]
    >>> rec = pdc.datasets.from_spike_times(spikes, t, x, bin_size=0.25)
    >>> rec.n_cells, rec.n_samples, rec.dt
    (2, 239, 0.25)
    >>> edges = 0.25 * np.arange(240)                          # from the tracking's start, 0 s
    >>> bool(np.array_equal(rec.spike_counts[0], np.histogram(spikes[0], edges)[0]))
    True
    """
    bin_size = _positive(bin_size, "bin_size")
    max_gap = _positive(max_gap, "max_gap", allow_zero=True)
    min_speed = _positive(min_speed, "min_speed", allow_none=True, allow_zero=True)
    max_frozen = _positive(max_frozen, "max_frozen", allow_none=True)
    max_speed = _positive(max_speed, "max_speed", allow_none=True)
    speed_window = max(_positive(speed_window, "speed_window"), bin_size)
    trains, ids = _spike_trains(spike_times, unit_ids)
    t_pos, P, counts = clean_positions(position_times, positions, position_unit=position_unit, scale=scale,
                                       arena=arena, max_frozen=max_frozen, max_speed=max_speed)
    intervals, names = parse_epochs(epochs, float(t_pos[0]), float(t_pos[-1]), bin_size)
    grids = epoch_grid(intervals, bin_size)
    starts = np.concatenate([g[:-1] for g in grids])
    epoch = np.concatenate([np.full(len(g) - 1, k, dtype=np.int64) for k, g in enumerate(grids)])
    C = np.empty((len(starts), len(trains)), dtype=np.float64)
    row = 0
    for edges in grids:
        n = len(edges) - 1
        for j, train in enumerate(trains):
            lo = np.searchsorted(train, edges[0], side="left")  # np.histogram ignores the rest
            hi = np.searchsorted(train, edges[-1], side="right")
            C[row:row + n, j] = np.histogram(train[lo:hi], bins=edges)[0]
        row += n
    return assemble(C, ids, starts, epoch, bin_size, t_pos, P, counts, intervals=intervals, names=names,
                    cell_types=cell_types, position_unit=position_unit, scale=scale, max_gap=max_gap,
                    speed_window=speed_window, min_speed=min_speed, allow_nan_position=allow_nan_position,
                    source="spike times", caller="from_spike_times")


def clean_positions(position_times, positions, *, position_unit, scale, arena, max_frozen, max_speed):
    """Checked tracking in metres, faulty samples NaN: ``(t (n,), P (n, D), counts)``."""
    factor = metres_per_unit(position_unit, scale)
    t_pos, P = _tracking_arrays(position_times, positions)
    arena_m = None if arena is None else np.asarray(arena, dtype=np.float64) * factor
    t_pos, P, counts = clean_tracking(t_pos, P * factor, max_frozen=max_frozen, max_speed=max_speed, arena=arena_m)
    if counts["valid"] == 0:
        raise ValueError(
            f"positions has no valid sample: all {counts['n_samples']} tracking samples are NaN, "
            f"frozen, out of the arena or glitches ({counts}); nothing can be decoded."
        )
    check_span(P, position_unit, stacklevel=4)
    return t_pos, P, counts


def assemble(C, ids, starts, epoch, bin_size, t_pos, P, counts, *, intervals, names, cell_types, position_unit,
             scale, max_gap, speed_window, min_speed, allow_nan_position, source, caller):
    """Bins of counts ``C`` (T, N) starting at ``starts`` + cleaned tracking -> the Recording.

    Reads each bin's position and velocity, drops the bins to drop, writes the report and
    warns about faults.
    """
    from ._real import binned_recording

    centres = starts + 0.5 * bin_size
    pos, vel, keep, missing, below = bin_positions(t_pos, P, centres, max_gap=max_gap, speed_window=speed_window,
                                                   min_speed=min_speed, allow_nan_position=allow_nan_position)
    C = C[keep]
    silent = tuple(uid for uid, total in zip(ids, C.sum(axis=0)) if total == 0)
    report = RecordingReport(
        n_samples=counts["n_samples"], duplicated=counts["duplicated"], nan=counts["nan"],
        out_of_arena=counts["out_of_arena"], frozen=counts["frozen"],
        frozen_seconds=counts["frozen_seconds"], jumps=counts["jumps"], n_bins=len(starts),
        no_position=int(np.count_nonzero(missing)), below_speed=int(np.count_nonzero(below)),
        kept=int(np.count_nonzero(keep)), silent_units=silent,
    )
    if report.faults():
        warnings.warn(f"{caller}: {report.summary()} (rec.metadata['report'])", DataWarning, stacklevel=3)
    return binned_recording(
        C, pos[keep], bin_size, starts[keep], cell_types, np.asarray(ids),
        velocity=vel[keep].T.copy(), epoch=epoch[keep],
        metadata={"source": source, "epochs": intervals, "epoch_names": names,
                  "position_unit": position_unit, "scale": scale, "report": report},
    )
