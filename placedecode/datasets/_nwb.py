"""Neurodata Without Borders (NWB) files: spike-sorted units + tracked position -> Recording.

NWB is the field's standard format for neurophysiology (https://nwb.org). An NWB file of
a foraging animal typically holds

* ``nwbfile.units``: the spike-sorted units, one row per unit, with a ragged column
  ``spike_times`` (seconds from the session start);
* a ``Position`` interface in a processing module (conventionally
  ``nwbfile.processing["behavior"]["Position"]``) holding one or more ``SpatialSeries``:
  tracked (x, y) samples with ``timestamps`` (or ``starting_time`` + ``rate``) and a
  ``unit`` (``"meters"`` by default, often ``"cm"``) and ``conversion`` factor.

:func:`load_nwb` bins the spikes into counts per ``bin_size`` seconds over the span of
the position data, samples the position at each bin's centre and hands both to
:func:`~placedecode.datasets.load_binned`, so the result is an ordinary
:class:`~placedecode.sim.Recording` (rates in Hz, positions in metres).

Reading NWB files needs the optional dependency ``pynwb``:
``pip install "placedecode[nwb]"`` (or ``pip install pynwb``); it is imported only when
:func:`load_nwb` is called.
"""

from __future__ import annotations

import numbers
import os
from pathlib import Path

import numpy as np

from .._units import METRES_PER_UNIT, metres_per_unit
from ._errors import DatasetError
from ._tracking import position_at

__all__ = ["load_nwb"]

_INSTALL_HINT = 'Reading NWB files needs pynwb: pip install "placedecode[nwb]" (or pip install pynwb).'


def _import_pynwb():
    try:
        import pynwb
    except ImportError as exc:
        raise ImportError(f"{_INSTALL_HINT} ({exc})") from exc
    return pynwb


def _metres_per_unit(unit, given):
    """Metres per data unit: from ``given`` (name or number) if set, else the file's ``unit``."""
    if given is not None:
        return metres_per_unit(given)
    key = str(unit).strip().lower()
    if key not in METRES_PER_UNIT:
        raise ValueError(
            f"the position series' unit is {unit!r}, which is not a known length unit "
            f"(known: {sorted(set(METRES_PER_UNIT))}). Pass position_unit= the unit of the "
            f"data (e.g. 'cm') or a number of metres per unit (e.g. 1/350 for 350 px/m)."
        )
    return METRES_PER_UNIT[key]


def _position_series(nwbfile):
    """Every SpatialSeries that may hold a position: list of (path, series).

    Paths are ``"<module>/<interface>/<series>"`` for a series inside a ``Position`` in a
    processing module, ``"<module>/<series>"`` for a series directly in a module, and
    ``"acquisition/..."`` likewise; processing modules come first (``"behavior"`` first of
    all), in the file's order otherwise. Series inside ``CompassDirection`` (angles) are
    left out.
    """
    from pynwb.behavior import CompassDirection, Position, SpatialSeries

    def walk(prefix, interfaces):
        found = []
        for name, obj in interfaces.items():
            if isinstance(obj, Position):
                found += [(f"{prefix}/{name}/{s}", series) for s, series in obj.spatial_series.items()]
            elif isinstance(obj, SpatialSeries):
                found.append((f"{prefix}/{name}", obj))
            elif isinstance(obj, CompassDirection):
                continue
        return found

    modules = dict(nwbfile.processing)
    order = sorted(modules, key=lambda m: m != "behavior")  # stable: "behavior" first
    found = []
    for module in order:
        found += walk(module, modules[module].data_interfaces)
    found += walk("acquisition", nwbfile.acquisition)
    return found


def _choose_series(candidates, position):
    """The SpatialSeries named by ``position`` (full path, interface name or series name)."""
    if not candidates:
        raise DatasetError(
            "the NWB file has no position data: no SpatialSeries in a Position interface of a "
            "processing module (e.g. processing['behavior']['Position']) or in acquisition."
        )
    available = ", ".join(repr(p) for p, _ in candidates)
    if position is None:
        return candidates[0]
    if not isinstance(position, str):
        raise TypeError(f"position must be the name of a SpatialSeries or Position interface; got {position!r}.")
    name = position.strip("/")
    for path, series in candidates:  # exact path
        if path == name:
            return path, series

    def named(path):
        parts = path.split("/")
        if path.endswith("/" + name):  # "xy", "Position/xy", "behavior/Position/xy"
            return True
        # the Position interface holding the series: "Position" or "behavior/Position"
        return len(parts) == 3 and name in (parts[1], "/".join(parts[:2]))

    matches = [(p, s) for p, s in candidates if named(p)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ValueError(
            f"position={position!r} matches {len(matches)} series "
            f"({', '.join(repr(p) for p, _ in matches)}); pass one of their full paths."
        )
    raise ValueError(f"no position series named {position!r} in the NWB file; available: {available}.")


def _spike_trains(units_table, units):
    """Spike times of the chosen units: (list of 1-D float arrays in s, ids array)."""
    ids = np.asarray(units_table.id[:])
    if "spike_times" not in units_table.colnames:
        raise DatasetError("the NWB file's units table has no 'spike_times' column.")
    if units is None:
        rows = np.arange(len(ids))
    else:
        wanted = np.atleast_1d(np.asarray(units))
        if wanted.dtype == bool:
            if wanted.shape != ids.shape:
                raise ValueError(f"a boolean units mask must have shape ({len(ids)},); got {wanted.shape}.")
            rows = np.flatnonzero(wanted)
        else:
            lookup = {int(v): r for r, v in enumerate(ids.tolist())}
            missing = [v for v in wanted.tolist() if v not in lookup]
            if missing:
                raise ValueError(
                    f"units {missing} are not ids of the NWB units table; its ids are "
                    f"{ids.tolist() if len(ids) <= 20 else ids[:20].tolist() + ['...']}."
                )
            rows = np.array([lookup[int(v)] for v in wanted.tolist()], dtype=int)
        if rows.size == 0:
            raise ValueError("units selects no unit.")
    index = units_table["spike_times"]  # VectorIndex over the flat spike_times column
    ends = np.asarray(index.data[:], dtype=np.int64)
    flat = np.asarray(index.target.data[:], dtype=np.float64)
    starts = np.r_[0, ends[:-1]]
    trains = [flat[starts[r]:ends[r]] for r in rows]
    return trains, ids[rows]


def load_nwb(
    path,
    bin_size: float = 0.2,
    *,
    position=None,
    units=None,
    t_start=None,
    t_stop=None,
    position_unit=None,
    max_gap: float = 1.0,
    allow_nan_position: bool = False,
):
    """Units and position of an NWB file, binned -> a :class:`~placedecode.sim.Recording`.

    Spikes of the ``units`` table are counted in consecutive bins of ``bin_size`` seconds
    over the span of the position data (``[t_start, t_stop)``); bin ``k`` covers
    ``[t_start + k * bin_size, t_start + (k + 1) * bin_size)`` (a spike on an edge goes to
    the bin that starts there; a last, incomplete bin is dropped). The position of each bin
    is the position series linearly interpolated at the bin's centre, converted to metres.

    Parameters
    ----------
    path : str or Path (or an open ``pynwb.NWBFile``)
        The ``.nwb`` file (HDF5).
    bin_size : float, default=0.2
        Bin width in seconds (> 0).
    position : str, optional
        Which position series to use: its full path as listed in errors (e.g.
        ``"behavior/Position/xy"``), the name of the ``Position`` interface (if it holds
        a single series) or the series' name. Default: the first series found, looking in
        processing modules first (``processing["behavior"]["Position"]``), then in
        ``acquisition``.
    units : array-like of int or bool, optional
        Ids of the units to keep (values of ``nwbfile.units.id``, which are 0..n-1 unless
        the file sets them), in the order given, or a boolean mask over the units table.
        Default: every unit. Observation intervals (``obs_intervals``) are not applied.
    t_start, t_stop : float, optional
        Time span in seconds (the file's clock); default the first and last position
        sample. Must lie within the position data.
    position_unit : str or float, optional
        Unit of the position data, overriding the series' ``unit`` attribute: ``"m"``,
        ``"cm"``, ``"mm"`` (and spelled-out forms), or a number of metres per unit (e.g.
        ``1/350`` for camera pixels at 350 px/m). The series' ``conversion`` and ``offset``
        are applied first either way.
    max_gap : float, default=1.0
        Longest stretch in seconds without a valid position sample (NaN samples, i.e.
        tracking lost) that is bridged by linear interpolation. Bins whose centre lies in
        a longer gap have no position: they raise an error unless ``allow_nan_position``.
    allow_nan_position : bool, default=False
        Keep bins in long tracking gaps with NaN positions (time stays contiguous); drop
        them with ``rec[np.isfinite(rec.y).all(axis=1)]`` before fitting a decoder.

    Returns
    -------
    Recording
        ``rates`` (N_units, T) in Hz (= counts / ``bin_size``; ``rec.spike_counts`` gives
        the counts back), ``position`` (D, T) in metres (D = columns of the series, 1-3),
        ``dt = bin_size``, ``t`` the bin start times in seconds, the unit ids in
        ``rec.cell_params["unit_id"]`` and cell type ``"unit"``.

    Raises
    ------
    ImportError
        pynwb is not installed (the message says how to install it).
    FileNotFoundError
        ``path`` does not exist.
    DatasetError
        The file cannot be read as NWB, has no units table, no spike times or no
        position series.
    ValueError
        An unknown ``position`` name (the message lists the available series), an
        unknown length unit, bad ``units``, ``bin_size``, ``t_start``/``t_stop`` outside
        the position data, or bins in long tracking gaps (unless allowed).

    Examples
    --------
    >>> from placedecode.datasets import load_nwb                    # doctest: +SKIP
    >>> rec = load_nwb("session.nwb", bin_size=0.2)                  # doctest: +SKIP
    >>> train, test = rec.split(0.8)                                 # doctest: +SKIP
    """
    pynwb = _import_pynwb()
    from ._real import load_binned

    if isinstance(bin_size, bool) or not isinstance(bin_size, numbers.Real) or not np.isfinite(bin_size) \
            or bin_size <= 0:
        raise ValueError(f"bin_size must be a positive number of seconds; got {bin_size!r}.")
    if isinstance(max_gap, bool) or not isinstance(max_gap, numbers.Real) or not max_gap >= 0:
        raise ValueError(f"max_gap must be a number of seconds >= 0; got {max_gap!r}.")
    bin_size = float(bin_size)

    if isinstance(path, pynwb.NWBFile):
        return _load(path, bin_size, position, units, t_start, t_stop, position_unit, max_gap,
                     allow_nan_position, load_binned, source="the NWBFile")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path or a pynwb.NWBFile; got {type(path).__name__}.")
    file = Path(path).expanduser()
    if not file.is_file():
        raise FileNotFoundError(f"NWB file not found: {file}")
    io = None
    try:
        io = pynwb.NWBHDF5IO(str(file), mode="r")
        nwbfile = io.read()
    except Exception as exc:  # h5py OSError, hdmf errors: not an (NWB) HDF5 file
        if io is not None:
            io.close()
        raise DatasetError(f"could not read {file} as an NWB file: {type(exc).__name__}: {exc}") from exc
    try:
        return _load(nwbfile, bin_size, position, units, t_start, t_stop, position_unit, max_gap,
                     allow_nan_position, load_binned, source=str(file))
    finally:
        io.close()


def _load(nwbfile, bin_size, position, units, t_start, t_stop, position_unit, max_gap,
          allow_nan_position, load_binned, source):
    """The body of :func:`load_nwb` on an open NWBFile (its datasets are read here)."""
    table = nwbfile.units
    if table is None:
        raise DatasetError(
            f"{source} has no units table (nwbfile.units): spike-sorted units with spike "
            f"times are needed to decode."
        )
    if len(table.id) == 0:
        raise DatasetError(f"the units table of {source} is empty.")
    trains, ids = _spike_trains(table, units)

    path, series = _choose_series(_position_series(nwbfile), position)
    scale = _metres_per_unit(series.unit, position_unit)
    data = np.asarray(series.get_data_in_units(), dtype=np.float64)  # data * conversion + offset
    if data.ndim == 1:
        data = data[:, None]
    if data.ndim != 2 or data.shape[1] not in (1, 2, 3) or len(data) < 2:
        raise DatasetError(
            f"position series {path!r} must be (n_samples >= 2, D) with D = 1-3; got shape {data.shape}."
        )
    data = data * scale
    ts = np.asarray(series.get_timestamps(), dtype=np.float64)
    if ts.shape != (len(data),):
        raise DatasetError(f"position series {path!r} has {len(data)} samples but {ts.size} timestamps.")
    if np.any(np.diff(ts) <= 0):
        raise DatasetError(f"the timestamps of position series {path!r} are not strictly increasing.")

    lo, hi = float(ts[0]), float(ts[-1])
    t0 = lo if t_start is None else float(t_start)
    t1 = hi if t_stop is None else float(t_stop)
    tol = 1e-9 * max(1.0, abs(lo), abs(hi))
    if t0 < lo - tol or t1 > hi + tol:
        raise ValueError(
            f"t_start/t_stop = {t0:g}/{t1:g} s lie outside the position data of {path!r} "
            f"({lo:g} to {hi:g} s)."
        )
    n_bins = int(np.floor((t1 - t0) / bin_size + 1e-9))
    if n_bins < 1:
        raise ValueError(f"the span {t0:g} to {t1:g} s is shorter than one bin of {bin_size:g} s.")

    counts = np.zeros((n_bins, len(trains)), dtype=np.int64)
    for j, spikes in enumerate(trains):
        k = np.floor((spikes - t0) / bin_size + 1e-9).astype(np.int64)  # edge -> the next bin
        k = k[(k >= 0) & (k < n_bins)]
        counts[:, j] = np.bincount(k, minlength=n_bins)

    centres = t0 + (np.arange(n_bins) + 0.5) * bin_size
    pos = position_at(ts, data, centres, float(max_gap))
    missing = ~np.all(np.isfinite(pos), axis=1)
    if missing.any() and not allow_nan_position:
        first = int(np.flatnonzero(missing)[0])
        raise ValueError(
            f"{int(missing.sum())} of {n_bins} bins have no position: their centre lies in a gap of "
            f"more than max_gap={max_gap:g} s without valid samples in {path!r} (first at "
            f"t = {centres[first]:.3f} s). Raise max_gap to interpolate over it, restrict "
            f"t_start/t_stop, or pass allow_nan_position=True and drop those bins."
        )
    return load_binned(counts, pos, dt=bin_size, position_unit="m", t0=t0, cell_ids=ids,
                       allow_nan_position=allow_nan_position)
