"""The nelpy linear-track session: sorted spike times + 60-Hz video tracking, in pixels.

One rat (Kemere lab, hippocampal CA1 units sorted with MatClust; the nelpy example data)
runs back and forth on a straight track for ~16 min, then rests ~16 min out of the
camera's view. The two files, as the lab's software wrote them:

* ``spikes.mat``: MATLAB cell array ``spikes{day}{epoch}{tetrode}{cell}``, each unit a
  struct whose ``time`` holds its spike times in seconds. 37 units on 6 tetrodes; 31 fire,
  6 are defined but silent (kept, and reported).
* ``trajectory.videoPositionTracking``: an ASCII header, then 12-byte records
  ``<time uint32><x uint16><y uint16><x2 uint16><y2 uint16>``; time in ticks of the 30-kHz
  acquisition clock, x/y in camera pixels (640 x 480; one LED, so x2 = y2 = 0).

The tracking shows what real data hold: 25 s frozen at the start (the rat not yet on the
track) and from 5382.25 s to the end (resting out of view), one repeated timestamp, and the
rat carried on and off the track. :func:`load_linear_track` bins it with
:func:`~placedecode.datasets.from_spike_times` (which drops the frozen stretches) and
projects it on the track with :func:`~placedecode.datasets.linearize` (which drops the
carrying, off the track).

The header's pixel scale is "0 pix/cm" (not calibrated). The data's authors give the track
as about 117 cm long (nelpy's LinearTrackDemo notebook), and the tracked positions span
431 px along the track's axis during the run, hence :data:`LINEAR_TRACK_SCALE` = 368 px/m
(3.68 px/cm). Errors in cm rest on that estimate; pass ``scale=`` to use another.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from ._errors import DatasetError

__all__ = ["LINEAR_TRACK_FOLDER", "LINEAR_TRACK_SCALE", "LinearTrackFiles", "read_linear_track", "load_linear_track"]

LINEAR_TRACK_FOLDER = "nelpy-linear-track-1d"
#: Camera pixels per metre: 431 px of tracked run along the ~1.17 m track (see the module docstring).
LINEAR_TRACK_SCALE = 368.0
_RUN_END = 5382.25  # s: the tracking freezes from here on (rest out of view)
_TRACKING = "trajectory.videoPositionTracking"
_SPIKES = "spikes.mat"
_RECORD = np.dtype([("time", "<u4"), ("x", "<u2"), ("y", "<u2"), ("x2", "<u2"), ("y2", "<u2")])


class LinearTrackFiles(NamedTuple):
    """The linear-track session as arrays, before any binning.

    Attributes
    ----------
    spike_times : list of ndarray
        Spike times in seconds, one sorted array per unit (37 units, 6 silent).
    unit_ids : list of str
        ``"T<tetrode>.<cell>"``, counted from 1 as in the MATLAB file.
    position_times : ndarray of shape (n_samples,)
        Tracking times in seconds (ticks / 30,000).
    positions : ndarray of shape (n_samples, 2)
        (x, y) in camera pixels.
    epochs : dict of str to (float, float)
        ``"run"`` (on the track, tracked) and ``"rest"`` (out of view, tracking frozen),
        start and stop in seconds.
    """

    spike_times: list
    unit_ids: list
    position_times: np.ndarray
    positions: np.ndarray
    epochs: dict


def _folder(root) -> Path:
    from ._real import find_data_folder

    return find_data_folder(
        root, LINEAR_TRACK_FOLDER,
        lambda folder: (folder / _SPIKES).is_file() and (folder / _TRACKING).is_file(),
        f"the nelpy linear-track files ({_SPIKES}, {_TRACKING})",
    )


def _read_tracking(path):
    raw = path.read_bytes()
    end = b"<End settings>\n"
    if not raw.startswith(b"<Start settings>") or end not in raw:
        raise DatasetError(f"{path} does not start with a '<Start settings>' ... '<End settings>' header.")
    offset = raw.index(end) + len(end)
    header = raw[:offset].decode("ascii", errors="replace")
    clock = 30000.0
    for line in header.splitlines():
        if line.startswith("clockrate:"):
            clock = float(line.split(":", 1)[1])
    body = raw[offset:]
    if len(body) % _RECORD.itemsize:
        raise DatasetError(f"{path}: {len(body)} bytes after the header is not a whole number of "
                           f"{_RECORD.itemsize}-byte records (truncated file?).")
    rec = np.frombuffer(body, dtype=_RECORD)
    return rec["time"] / clock, np.c_[rec["x"], rec["y"]].astype(np.float64)


def _read_spikes(path):
    import scipy.io

    try:
        tetrodes = scipy.io.loadmat(path)["spikes"][0, 0][0, 0]
    except (KeyError, IndexError, ValueError) as exc:
        raise DatasetError(f"{path} is not the MatClust spikes{{day}}{{epoch}}{{tetrode}}{{cell}} file: {exc}") from None
    trains, ids = [], []
    for ti in range(tetrodes.shape[1]):
        for ci, cell in enumerate(np.asarray(tetrodes[0, ti]).ravel()):
            if not isinstance(cell, np.ndarray) or cell.size == 0 or cell.dtype.names is None:
                continue  # no cluster in this slot
            trains.append(np.sort(np.asarray(cell["time"][0, 0], dtype=np.float64).ravel()))
            ids.append(f"T{ti + 1}.{ci + 1}")
    if not trains:
        raise DatasetError(f"{path} holds no sorted unit.")
    return trains, ids


def read_linear_track(root=None) -> LinearTrackFiles:
    """The nelpy linear-track session's files, read into arrays (no binning, no cleaning).

    Parameters
    ----------
    root : str or Path, optional
        The folder with ``spikes.mat`` and ``trajectory.videoPositionTracking``, or a
        parent of it (``<root>/nelpy-linear-track-1d`` or
        ``<root>/hippocampus/nelpy-linear-track-1d``). Default: ``$PLACEDECODE_DATA``
        (same rule), else ``~/.cache/placedecode/data``, then, in a source checkout,
        ``../shared/data`` beside the repository.

    Returns
    -------
    LinearTrackFiles
        Spike times (s) per unit, unit ids, tracking times (s), positions (n, 2) in
        pixels, and the run and rest epochs.

    Raises
    ------
    FileNotFoundError
        The files are not found (the message names where it looked).
    DatasetError
        A file is not in the expected format.
    """
    folder = _folder(root)
    t, xy = _read_tracking(folder / _TRACKING)
    trains, ids = _read_spikes(folder / _SPIKES)
    epochs = {"run": (float(t[0]), _RUN_END), "rest": (_RUN_END, float(t[-1]))}
    return LinearTrackFiles(trains, ids, t, xy, epochs)


def load_linear_track(root=None, *, bin_size=0.2, epochs=("run",), min_speed=None, scale=LINEAR_TRACK_SCALE,
                      max_distance=0.2):
    """The nelpy linear-track session, binned and linearized: a 1D Recording in metres.

    Parameters
    ----------
    root : str or Path, optional
        Where the files are (see :func:`read_linear_track`).
    bin_size : float, default=0.2
        Bin width in seconds.
    epochs : sequence of {"run", "rest"}, default=("run",)
        Epochs to bin. The rest has no tracking (the rat is out of view), so its bins have
        no position and are dropped; decode rest with ``from_spike_times(...,
        allow_nan_position=True)`` on :func:`read_linear_track`'s arrays.
    min_speed : float, optional
        Keep only bins where the rat ran at least this fast, in m/s (e.g. 0.05).
    scale : float, default=LINEAR_TRACK_SCALE
        Camera pixels per metre (368, estimated: see the module docstring).
    max_distance : float, default=0.2
        Bins farther than this (m) from the track's axis are dropped (the rat carried on or
        off the track).

    Returns
    -------
    Recording
        37 units (6 silent), ``position`` (1, T) in metres along the track (0 at its
        lower-left end in the image), ``velocity`` (1, T) m/s along the track, ``dt`` =
        ``bin_size``, ``t`` bin starts in seconds on the session's clock, the tracking
        report in ``metadata["report"]`` and the track's axis in ``metadata["track"]``
        (metres). The frozen start, the repeated timestamp, the silent units and the
        carrying are reported in :class:`~placedecode.datasets.DataWarning` warnings.

    Examples
    --------
    >>> import placedecode as pdc                                     # doctest: +SKIP
    >>> rec = pdc.datasets.load_linear_track(min_speed=0.05)          # doctest: +SKIP
    >>> train, test = rec.split(0.8)                                  # doctest: +SKIP
    """
    from ._linearize import linearize
    from ._spikes import from_spike_times

    files = read_linear_track(root)
    names = [epochs] if isinstance(epochs, str) else list(epochs)
    unknown = sorted(set(names) - set(files.epochs))
    if unknown or not names:
        raise ValueError(f"epochs must name some of {sorted(files.epochs)}; got {epochs!r}.")
    rec = from_spike_times(
        files.spike_times, files.position_times, files.positions, bin_size,
        epochs={name: files.epochs[name] for name in names}, min_speed=min_speed,
        position_unit="px", scale=scale, unit_ids=files.unit_ids,
    )
    rec = linearize(rec, max_distance=max_distance)
    rec.metadata["source"] = f"nelpy linear track ({LINEAR_TRACK_FOLDER})"
    return rec
