"""Real recordings: binned spike counts with tracked positions, as a :class:`Recording`.

A real session enters placedecode as a :class:`~placedecode.sim.Recording`, so that it
flows through the same splits (``Recording.split``, ``BlockedTimeSeriesSplit``), decoders,
metrics and plots as a simulation. The conventions are those of a Poisson simulation:

* ``rates`` is ``counts / dt`` in Hz, ``(N_cells, T)``; ``true_rates`` is the same array
  (the noiseless rates of a real cell are unknown);
* ``noise="poisson"``, so ``rec.spike_counts`` gives the integer counts back;
* ``position`` is ``(D, T)`` in metres (converted from ``position_unit``, which must be
  given: ``"m"``, ``"cm"``, ``"mm"`` or ``"px"`` with ``scale`` pixels per metre; positions
  spanning under 5 cm after conversion are refused and over 100 m warned about);
* ``t`` is the start time of each bin in seconds (``t0 + dt * arange(T)`` unless given);
* ``cell_types`` is ``"unit"`` for every cell (real units carry no type label) unless
  given; ``environment`` is None (rate maps use the range of the positions).

=======================  ==================================================================
``load_binned``          arrays or text/.npy files of counts (T, N) and positions (T, D)
``from_spike_times``     spike times per unit + tracked positions -> binned (see there)
``load_tampuu2019``      one rat of Tampuu et al. 2019 (4 rats, 26-63 hippocampal units,
                         200-ms bins, 1 m open field)
``TAMPUU2019_RATS``      the rats' names, ``("R2192", "R2217", "R2336", "R2337")``
=======================  ==================================================================
"""

from __future__ import annotations

import numbers
import os
from pathlib import Path

import numpy as np

from .._units import check_span, metres_per_unit
from ._errors import DatasetError

__all__ = ["load_binned", "load_tampuu2019", "TAMPUU2019_RATS", "TAMPUU2019_FOLDER"]

TAMPUU2019_RATS = ("R2192", "R2217", "R2336", "R2337")
TAMPUU2019_FOLDER = "tampuu2019-openfield-2d"
_TAMPUU_STEM = "{rat}_1x200_at5_step200_bin100-RAW"
_TAMPUU_DT = 0.2  # seconds per bin


def _read_array(value, name):
    """An array, or a path to a ``.npy`` or whitespace/comma-separated text file."""
    if isinstance(value, (str, os.PathLike)):
        path = Path(value)
        if not path.is_file():
            raise FileNotFoundError(f"{name} file not found: {path}")
        try:
            if path.suffix == ".npy":
                return np.load(path, allow_pickle=False)
            delimiter = "," if path.suffix == ".csv" else None
            return np.loadtxt(path, delimiter=delimiter, ndmin=2)
        except ValueError as exc:
            raise DatasetError(f"could not read {name} from {path}: {exc}") from None
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array or a file path; could not convert it ({exc}).") from None


def load_binned(
    counts,
    position,
    dt: float,
    *,
    position_unit=None,
    scale=None,
    t0: float = 0.0,
    t=None,
    cell_types=None,
    cell_ids=None,
    allow_nan_position: bool = False,
    check_integer: bool = True,
):
    """Binned spike counts and tracked positions -> a :class:`~placedecode.sim.Recording`.

    Parameters
    ----------
    counts : array-like of shape (T, N_cells), or a file path
        Spike counts per time bin and cell (scikit-learn's layout, one row per bin), whole
        numbers >= 0. A path is read with ``np.load`` (``.npy``) or ``np.loadtxt`` (text;
        comma-separated for ``.csv``).
    position : array-like of shape (T, D) or (T,), or a file path
        Position of the animal in each bin, in ``position_unit``; D = 1 (track) or 2.
    dt : float
        Bin width in seconds (> 0).
    position_unit : {"m", "cm", "mm", "px"} or float
        Unit of ``position`` (required: no default can guess it); the Recording holds
        metres. ``"px"`` needs ``scale``; a number is metres per unit. Positions spanning
        under 5 cm after conversion raise an error, over 100 m a warning: both mean a
        wrong unit.
    scale : float, optional
        Pixels per metre, with ``position_unit="px"``.
    t0 : float, default=0.0
        Start time of the first bin in seconds (ignored when ``t`` is given).
    t : array-like of shape (T,), optional
        Bin times in seconds (strictly increasing); default ``t0 + dt * arange(T)``.
    cell_types : array-like of shape (N_cells,) of str, optional
        A label per cell; default ``"unit"`` for every cell.
    cell_ids : array-like of shape (N_cells,), optional
        Identifiers of the units (e.g. cluster ids), stored in
        ``recording.cell_params["unit_id"]``.
    allow_nan_position : bool, default=False
        Keep bins whose position is NaN (tracking lost); by default they raise an error.
        Such bins must be dropped (``rec[mask]``) before fitting a decoder.
    check_integer : bool, default=True
        Require whole-number counts (set False for already-smoothed counts).

    Returns
    -------
    Recording
        ``rates`` = ``counts.T / dt`` (Hz), ``position`` (D, T) in metres,
        ``noise="poisson"`` (so ``rec.spike_counts`` returns the counts), ``dt``, ``t``.

    Raises
    ------
    ValueError
        Shapes that do not match (the message says which axis), negative, non-integer or
        non-finite counts, NaN positions (unless allowed), a bad ``dt`` or unit, a missing
        ``position_unit``, positions spanning under 5 cm after conversion.
    FileNotFoundError
        A path that does not exist.

    Examples
    --------
    >>> import numpy as np
    >>> from placedecode.datasets import load_binned
    >>> counts = np.array([[0, 2], [1, 0], [3, 1]])      # 3 bins, 2 cells
    >>> pos = np.array([[10.0, 20.0], [42.0, 21.0], [15.0, 60.0]])   # cm
    >>> rec = load_binned(counts, pos, dt=0.2, position_unit="cm")
    >>> rec.rates[:, 0], rec.position[:, 0], rec.spike_counts[1]
    (array([ 0., 10.]), array([0.1, 0.2]), array([2, 0, 1]))
    """
    if isinstance(dt, bool) or not isinstance(dt, numbers.Real) or not np.isfinite(dt) or dt <= 0:
        raise ValueError(f"dt must be a positive number of seconds; got {dt!r}.")
    if position_unit is None:
        raise ValueError(
            "load_binned needs position_unit=, the unit of position: 'm', 'cm', 'mm', or 'px' "
            "with scale= pixels per metre (e.g. position_unit='cm' for the Tampuu et al. files)."
        )
    factor = metres_per_unit(position_unit, scale)
    C = _read_array(counts, "counts")
    P = _read_array(position, "position")
    if C.ndim != 2:
        raise ValueError(f"counts must be 2-D (T bins, N_cells); got shape {C.shape}.")
    if P.ndim == 1:
        P = P[:, None]
    if P.ndim != 2:
        raise ValueError(f"position must be (T,) or (T, D); got shape {P.shape}.")
    T, N = C.shape
    if P.shape[0] != T:
        hint = ""
        if P.shape[1] == T:
            hint = " It looks transposed: pass position as (T, D), one row per bin."
        elif C.shape[1] == P.shape[0]:
            hint = " counts may be transposed: pass counts as (T, N_cells), one row per bin."
        raise ValueError(
            f"counts has {T} bins (rows) but position has {P.shape[0]} rows; they must be "
            f"aligned row for row.{hint}"
        )
    if P.shape[1] not in (1, 2, 3):
        raise ValueError(f"position must have 1, 2 or 3 columns (D); got {P.shape[1]}.")
    if T < 1 or N < 1:
        raise ValueError(f"counts must have at least one bin and one cell; got shape {C.shape}.")
    C = np.asarray(C, dtype=np.float64)
    if not np.all(np.isfinite(C)):
        bad = np.argwhere(~np.isfinite(C))[0]
        raise ValueError(
            f"counts contain {np.count_nonzero(~np.isfinite(C))} NaN/inf value(s) (first at "
            f"bin {bad[0]}, cell {bad[1]}); counts must be finite."
        )
    if np.any(C < 0):
        bad = np.argwhere(C < 0)[0]
        raise ValueError(f"counts must be >= 0; got {C[tuple(bad)]} at bin {bad[0]}, cell {bad[1]}.")
    if check_integer and not np.array_equal(C, np.rint(C)):
        bad = np.argwhere(C != np.rint(C))[0]
        raise ValueError(
            f"counts must be whole numbers (spikes per bin); got {C[tuple(bad)]} at bin "
            f"{bad[0]}, cell {bad[1]}. Pass check_integer=False for smoothed counts."
        )
    P = np.asarray(P, dtype=np.float64) * factor
    nan_rows = ~np.all(np.isfinite(P), axis=1)
    if nan_rows.any() and not allow_nan_position:
        raise ValueError(
            f"position has NaN/inf in {int(nan_rows.sum())} of {T} bins (first: bin "
            f"{int(np.flatnonzero(nan_rows)[0])}). Drop those bins, or pass "
            f"allow_nan_position=True and remove them before fitting."
        )
    check_span(P, position_unit)
    if t is None:
        times = float(t0) + float(dt) * np.arange(T)
    else:
        times = np.asarray(t, dtype=np.float64)
        if times.shape != (T,):
            raise ValueError(f"t must have shape (T,) = ({T},); got {times.shape}.")
        if T > 1 and not np.all(np.diff(times) > 0):
            raise ValueError("t must be strictly increasing (bin times in seconds).")
    return binned_recording(C, P, float(dt), times, cell_types, cell_ids)


def binned_recording(counts, position, dt, t, cell_types=None, cell_ids=None, **fields):
    """The Recording of checked arrays: counts (T, N), position (T, D) metres, t (T,) s.

    The one place that sets the conventions of real data (rates = counts / dt in Hz,
    ``noise="poisson"``, cell type ``"unit"``, ids in ``cell_params["unit_id"]``);
    ``fields`` go to the Recording unchanged (``epoch``, ``velocity``, ``metadata``).
    """
    from ..sim import Recording

    C = np.asarray(counts, dtype=np.float64)
    N = C.shape[1]
    if cell_types is None:
        types = np.full(N, "unit")
    else:
        types = np.asarray(cell_types).astype(str)
        if types.shape != (N,):
            raise ValueError(f"cell_types must have shape (N_cells,) = ({N},); got {types.shape}.")
    params = {}
    if cell_ids is not None:
        ids = np.asarray(cell_ids)
        if ids.shape != (N,):
            raise ValueError(f"cell_ids must have shape (N_cells,) = ({N},); got {ids.shape}.")
        params["unit_id"] = ids
    rates = C.T / float(dt)
    return Recording(
        rates=rates,
        true_rates=rates,
        position=np.asarray(position, dtype=np.float64).T.copy(),
        t=np.asarray(t, dtype=np.float64),
        dt=float(dt),
        cell_types=types,
        cell_params=params,
        noise="poisson",
        **fields,
    )


def find_data_folder(root, folder_name, holds, what) -> Path:
    """The folder ``folder_name`` of a shared dataset, by the one data-folder rule.

    The candidates are :func:`placedecode._paths.dataset_folders` (``root``, else
    ``$PLACEDECODE_DATA``, else the data home and a checkout's ``../shared/data``; each
    also under ``hippocampus/``); ``holds(folder)`` says whether a candidate has the
    files. The error names ``what`` and every folder tried.
    """
    from .._paths import dataset_folders

    candidates = dataset_folders(folder_name, root, groups=("hippocampus",))
    for folder in candidates:
        if holds(folder):
            return folder
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(
        f"{what} not found; looked in: {tried}. Pass root= the folder that holds them (e.g. "
        f"'shared/data/hippocampus/{folder_name}')."
    )


def _tampuu_folder(root) -> Path:
    """The folder holding the Tampuu et al. 2019 files (see :func:`load_tampuu2019`)."""
    return find_data_folder(
        root, TAMPUU2019_FOLDER,
        lambda folder: (folder / f"{_TAMPUU_STEM.format(rat=TAMPUU2019_RATS[0])}_feat.dat").is_file()
        or any(folder.glob("*_1x200_*_feat.dat")),
        "Tampuu et al. 2019 open-field files (*_feat.dat, *_pos.dat)",
    )


def load_tampuu2019(rat: str = "R2192", root=None):
    """One rat of the open-field recordings of Tampuu et al. (2019) as a Recording.

    Hippocampal units of rats foraging in a ~1 m x 1 m box (Barry lab): spike counts in
    consecutive 200-ms bins (``*_feat.dat``, (T, N) text) and the (x, y) position in cm of
    each bin (``*_pos.dat``, (T, 2) text).

    ========  ======  =======  ==========
    rat       bins    units    duration
    ========  ======  =======  ==========
    R2192     5410    63       1082 s
    R2217     7510    26       1502 s
    R2336     6180    48       1236 s
    R2337     7290    43       1458 s
    ========  ======  =======  ==========

    Parameters
    ----------
    rat : {"R2192", "R2217", "R2336", "R2337"}, default="R2192"
    root : str or Path, optional
        The folder with the files, or a parent of it (``<root>/tampuu2019-openfield-2d``
        or ``<root>/hippocampus/tampuu2019-openfield-2d``). Default:
        ``$PLACEDECODE_DATA`` (same rule), else ``~/.cache/placedecode/data``, then, in a
        source checkout, ``../shared/data`` beside the repository.

    Returns
    -------
    Recording
        ``rates`` (N, T) Hz (= counts / 0.2 s), ``position`` (2, T) metres, ``dt`` 0.2 s,
        ``t`` bin start times from 0, ``noise="poisson"``, cell types ``"unit"``.

    Raises
    ------
    ValueError
        Unknown rat.
    FileNotFoundError
        The folder or a file is missing (the message names where it looked).

    References
    ----------
    Tampuu A, Matiisen T, Ólafsdóttir HF, Barry C, Vicente R (2019). Efficient neural
    decoding of self-location with a deep recurrent network. PLoS Comput Biol 15(2): e1006822.
    """
    if rat not in TAMPUU2019_RATS:
        raise ValueError(f"rat must be one of {TAMPUU2019_RATS}; got {rat!r}.")
    folder = _tampuu_folder(root)
    stem = _TAMPUU_STEM.format(rat=rat)
    feat, pos = folder / f"{stem}_feat.dat", folder / f"{stem}_pos.dat"
    for path in (feat, pos):
        if not path.is_file():
            raise FileNotFoundError(f"{path.name} not found in {folder} (rat {rat}).")
    rec = load_binned(feat, pos, dt=_TAMPUU_DT, position_unit="cm")
    if rec.n_dims != 2:
        raise DatasetError(f"{pos} should have 2 columns (x, y in cm); got {rec.n_dims}.")
    return rec
