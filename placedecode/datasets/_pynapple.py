"""pynapple objects <-> :class:`~placedecode.sim.Recording` (optional: ``pip install placedecode[pynapple]``).

pynapple (https://pynapple.org) holds a session as time series with a *time support*, an
``IntervalSet`` of the epochs where the data are defined. The correspondence:

==========================  ===============================================================
pynapple                    Recording
==========================  ===============================================================
``TsGroup`` of spike times  binned by :func:`~placedecode.datasets.from_spike_times`
``TsdFrame`` of counts      ``rates`` = counts / dt (Hz), one row per bin
position ``Tsd``/``TsdFrame``  ``position`` in metres at the bin centres (cleaned,
                            interpolated, as for spike times)
time index (bin centres)    ``t`` = bin starts = index - dt / 2
time support intervals      ``epoch`` labels; with gaps, ``blocks``
==========================  ===============================================================

pynapple's ``count(bin_size)`` puts a bin's time at its centre; a Recording's ``t`` is the
bin's start (as ``load_binned``/``from_spike_times``), so :func:`to_pynapple` writes
``t + dt / 2`` and :func:`from_pynapple` reads ``index - dt / 2``: a round trip gives the
same bins back. Estimators given pynapple objects return pynapple objects; that is
:mod:`placedecode._pynapple`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._blocks import support_labels as _support_labels

__all__ = ["from_pynapple", "to_pynapple", "PynappleRecording"]

_INSTALL_HINT = 'pynapple is needed for this: pip install "placedecode[pynapple]" (or pip install pynapple).'


def import_pynapple():
    """``import pynapple`` with a message that says how to install it."""
    try:
        import pynapple
    except ImportError as exc:
        raise ImportError(f"{_INSTALL_HINT} ({exc})") from exc
    return pynapple


class PynappleRecording(NamedTuple):
    """A Recording as pynapple objects (see :func:`to_pynapple`).

    Attributes
    ----------
    rates : TsdFrame
        (T, N_cells) rates in Hz, columns the unit ids (or 0..N-1).
    counts : TsdFrame or None
        (T, N_cells) spike counts per bin (Poisson/real recordings only).
    position : Tsd or TsdFrame
        Position in metres: a Tsd on a track, else a TsdFrame with columns x, y (, z).
    epochs : IntervalSet
        One interval per block of consecutive bins (the time support of every series).
    """

    rates: object
    counts: object
    position: object
    epochs: object


def from_pynapple(data, position, *, bin_size=None, epochs=None, position_unit="m", scale=None, **kwargs):
    """pynapple spikes (or binned counts) and a position series -> a Recording.

    Parameters
    ----------
    data : TsGroup or TsdFrame
        A ``TsGroup`` of spike times (binned here, by
        :func:`~placedecode.datasets.from_spike_times`, needs ``bin_size``), or a
        ``TsdFrame`` of spike counts per bin (e.g. ``units.count(0.2, ep)``: rows at the bin
        centres, its time support the epochs).
    position : Tsd or TsdFrame
        Tracked position (n_samples,) or (n_samples, D) in ``position_unit``, at its own
        (camera) rate; NaN where tracking was lost.
    bin_size : float, optional
        Bin width in seconds: required with a TsGroup; with a TsdFrame the median step of
        its index.
    epochs : IntervalSet or array-like of shape (n, 2), optional
        Epochs to keep. Default: ``position``'s time support (TsGroup), ``data``'s time
        support (TsdFrame).
    position_unit, scale
        As in :func:`~placedecode.datasets.from_spike_times` (pixels need ``scale``).
    **kwargs
        Passed on: ``min_speed``, ``arena``, ``max_gap``, ``max_frozen``, ``max_speed``,
        ``speed_window``, ``allow_nan_position``, ``cell_types``.

    Returns
    -------
    Recording
        As :func:`~placedecode.datasets.from_spike_times` returns it; unit ids from the
        TsGroup's keys or the TsdFrame's columns.

    Raises
    ------
    ImportError
        pynapple is not installed.
    TypeError
        ``data`` is neither a TsGroup nor a TsdFrame, or ``position`` not a Tsd/TsdFrame.
    ValueError
        A TsGroup without ``bin_size``; counts that are negative or not whole numbers; and
        the errors of :func:`~placedecode.datasets.from_spike_times`.
    """
    nap = import_pynapple()
    from ._spikes import assemble, clean_positions, from_spike_times

    if not isinstance(position, (nap.Tsd, nap.TsdFrame)):
        raise TypeError(f"position must be a pynapple Tsd or TsdFrame; got {type(position).__name__}.")
    P = np.asarray(position.values, dtype=np.float64)
    t_pos = np.asarray(position.t, dtype=np.float64)
    if isinstance(data, nap.TsGroup):
        if bin_size is None:
            raise ValueError("from_pynapple needs bin_size= (seconds) to bin a TsGroup of spike times.")
        if epochs is None:
            support = position.time_support
            epochs = np.c_[np.maximum(support.start, t_pos[0]), np.minimum(support.end, t_pos[-1])]
        return from_spike_times(data, t_pos, P, bin_size, epochs=epochs, position_unit=position_unit,
                                scale=scale, **kwargs)
    if not isinstance(data, nap.TsdFrame):
        raise TypeError(f"data must be a pynapple TsGroup (spike times) or TsdFrame (counts); got {type(data).__name__}.")
    index = np.asarray(data.t, dtype=np.float64)
    if len(index) < 2 and bin_size is None:
        raise ValueError("a TsdFrame with fewer than 2 rows needs bin_size=.")
    dt = float(np.median(np.diff(index))) if bin_size is None else float(bin_size)
    C = np.asarray(data.values, dtype=np.float64)
    if not np.all(np.isfinite(C)) or np.any(C < 0) or not np.array_equal(C, np.rint(C)):
        raise ValueError("data must hold spike counts per bin (whole numbers >= 0), e.g. units.count(bin_size).")
    support = data.time_support if epochs is None else epochs
    if not (hasattr(support, "start") and hasattr(support, "end")):
        support = nap.IntervalSet(start=np.asarray(support)[:, 0], end=np.asarray(support)[:, 1])
    label = _support_labels(index, support)
    inside = label >= 0
    intervals = np.c_[np.asarray(support.start, dtype=np.float64), np.asarray(support.end, dtype=np.float64)]
    options = {"arena": None, "max_frozen": 5.0, "max_speed": 5.0, "speed_window": 0.25, "cell_types": None,
               "max_gap": 1.0, "min_speed": None, "allow_nan_position": False}
    unknown = sorted(set(kwargs) - set(options))
    if unknown:
        raise TypeError(f"from_pynapple got unexpected keyword arguments {unknown}; known: {sorted(options)}.")
    options.update(kwargs)
    t_clean, P_clean, counts = clean_positions(
        t_pos, P, position_unit=position_unit, scale=scale, arena=options["arena"],
        max_frozen=options["max_frozen"], max_speed=options["max_speed"])
    return assemble(
        C[inside], list(data.columns), index[inside] - dt / 2, label[inside].astype(np.int64), dt, t_clean, P_clean,
        counts, intervals=intervals, names=[f"epoch {i}" for i in range(len(intervals))],
        cell_types=options["cell_types"], position_unit=position_unit, scale=scale,
        max_gap=float(options["max_gap"]), speed_window=max(float(options["speed_window"]), dt),
        min_speed=options["min_speed"], allow_nan_position=bool(options["allow_nan_position"]),
        source="pynapple TsdFrame", caller="from_pynapple",
    )


def block_support(t, dt, blocks):
    """IntervalSet-ready ``(starts, ends)`` of the blocks: first bin start to last bin end.

    Touching blocks (an epoch change with no gap) are shortened by 1 µs, so that pynapple
    keeps them apart instead of removing a microsecond with a warning.
    """
    t = np.asarray(t, dtype=np.float64)
    first = np.r_[0, np.flatnonzero(np.diff(blocks)) + 1]
    last = np.r_[first[1:] - 1, len(t) - 1]
    starts, ends = t[first], t[last] + dt
    ends[:-1] = np.minimum(ends[:-1], starts[1:] - 1e-6)
    return starts, ends


def to_pynapple(rec) -> PynappleRecording:
    """A Recording as pynapple objects: rates, counts, position and its blocks as epochs.

    Parameters
    ----------
    rec : Recording

    Returns
    -------
    PynappleRecording
        ``rates`` and ``counts`` TsdFrames (T, N), ``position`` (Tsd in 1D, TsdFrame
        with columns x, y in 2D; metres), all indexed by the bin centres ``t + dt / 2``
        with the blocks as time support; ``epochs`` that IntervalSet.

    Examples
    --------
    >>> import placedecode as pdc                                     # doctest: +SKIP
    >>> nap_rec = rec.to_pynapple()                                   # doctest: +SKIP
    >>> model = pdc.BayesianDecoder(dt=rec.dt).fit(nap_rec.rates, nap_rec.position)  # doctest: +SKIP
    >>> model.predict(nap_rec.rates)          # a pynapple Tsd/TsdFrame  # doctest: +SKIP
    """
    nap = import_pynapple()
    if rec.n_samples == 0:
        raise ValueError("the Recording is empty (T = 0).")
    starts, ends = block_support(rec.t, rec.dt, rec.blocks)
    support = nap.IntervalSet(start=starts, end=ends)
    index = rec.t + rec.dt / 2
    ids = rec.cell_params.get("unit_id")
    columns = list(np.asarray(ids).tolist()) if ids is not None else list(range(rec.n_cells))
    rates = nap.TsdFrame(t=index, d=rec.X, time_support=support, columns=columns)
    counts = None
    if rec.noise == "poisson":
        counts = nap.TsdFrame(t=index, d=rec.spike_counts.T, time_support=support, columns=columns)
    if rec.n_dims == 1:
        position = nap.Tsd(t=index, d=rec.position[0], time_support=support)
    else:
        position = nap.TsdFrame(t=index, d=rec.y, time_support=support, columns=list("xyz"[: rec.n_dims]))
    return PynappleRecording(rates, counts, position, support)
