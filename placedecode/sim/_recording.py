"""The Recording: firing rates and positions of one session, simulated or real."""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np

from ._checks import check_fraction


class RateMaps(NamedTuple):
    """Rate maps of a Recording's cells.

    ``maps`` is ``(N_cells, n_bins_x)`` in 1D and ``(N_cells, n_bins_y, n_bins_x)`` in 2D
    (row = y, so ``imshow(maps[i], origin="lower", extent=extent)`` draws it the right way
    up), in Hz; NaN where undefined (an unvisited bin, or a non-spatial cell).
    ``edges`` holds the bin edges in metres per axis (x, then y); ``extent`` is
    ``(x_min, x_max[, y_min, y_max])``.
    """

    maps: np.ndarray
    edges: tuple
    extent: tuple


@dataclass(eq=False)
class Recording:
    """Firing rates of ``N`` cells and the animal's position over ``T`` time bins.

    The neuroscience layout is kept (cells x time, dims x time); :attr:`X` and :attr:`y`
    give scikit-learn's layout. That transpose happens here and nowhere else.

    Attributes
    ----------
    rates : ndarray of shape (N_cells, T)
        Observed firing rates in Hz (with noise, if any; with Poisson noise, spike counts
        divided by ``dt``).
    true_rates : ndarray of shape (N_cells, T)
        Noiseless rates in Hz (the same array as ``rates`` when there is no noise; equal
        to ``rates`` for real data).
    position : ndarray of shape (D, T)
        Position in metres.
    t : ndarray of shape (T,)
        Bin times in seconds.
    dt : float
        Bin width in seconds.
    cell_types : ndarray of shape (N_cells,)
        Cell-type label of each cell (``"place"``, ``"grid"`` ...).
    cell_params : dict of str to ndarray
        Per-cell parameters, each with first axis N_cells, NaN where a parameter does not
        apply: ``centre`` (N, D) metres (place-field centre, or rate-map peak for other
        spatial cells), ``width`` (m), ``gridscale`` (m), ``orientation`` (rad),
        ``phase_offset``, ``preferred_angle`` (rad), ``tuning_distance`` ... ``max_fr`` (Hz).
    velocity, head_direction : ndarray of shape (D, T) or None
        From the trajectory (m/s; unit heading vectors).
    environment : ratinabox Environment or None
    noise : str
        Description of the observation noise (``"none"``, ``"poisson"``, ``"gaussian(...)"``).
    seed : int or None
        Seed of the cells and noise (``record``'s ``random_state``).
    populations : list of Population
        The RatInABox Neurons behind the rows (simulations only).
    epoch : ndarray of int, shape (T,)
        Epoch of every bin (0, 1, ...: the interval of ``epochs`` a real session was cut
        into, see :func:`~placedecode.datasets.from_spike_times`); all 0 by default. Bins of
        different epochs never share a block (see :attr:`blocks`).
    metadata : dict
        Provenance of a real session: the source, the epochs as ``(n_epochs, 2)`` start/stop
        times in seconds (``"epochs"``) and their names (``"epoch_names"``), the units and
        scale of the positions, and what was done to the tracking and bins (``"report"``, a
        :class:`~placedecode.datasets.RecordingReport`). Shared, not copied, by slices.
    """

    rates: np.ndarray
    true_rates: np.ndarray
    position: np.ndarray
    t: np.ndarray
    dt: float
    cell_types: np.ndarray
    cell_params: dict = field(default_factory=dict)
    velocity: np.ndarray | None = None
    head_direction: np.ndarray | None = None
    environment: object = field(default=None, repr=False)
    noise: str = "none"
    seed: int | None = None
    populations: list = field(default_factory=list, repr=False)
    epoch: np.ndarray | None = field(default=None, repr=False)
    metadata: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.rates = np.asarray(self.rates)
        self.position = np.asarray(self.position, dtype=float)
        self.t = np.asarray(self.t, dtype=float)
        if self.rates.ndim != 2:
            raise ValueError(f"rates must be 2-D (N_cells, T); got shape {self.rates.shape}.")
        if self.position.ndim == 1:
            self.position = self.position[None, :]
        N, T = self.rates.shape
        if self.position.ndim != 2 or self.position.shape[1] != T:
            hint = ""
            if self.position.ndim == 2 and self.position.shape[0] == T:
                hint = " It looks transposed: pass position.T (D, T)."
            raise ValueError(
                f"position must be (D, T) with T={T} matching rates (N_cells, T); got "
                f"{self.position.shape}.{hint}"
            )
        if self.t.shape != (T,):
            raise ValueError(f"t must have shape (T,) = ({T},); got {self.t.shape}.")
        self.cell_types = np.asarray(self.cell_types)
        if self.cell_types.shape != (N,):
            raise ValueError(f"cell_types must have shape (N_cells,) = ({N},); got {self.cell_types.shape}.")
        for name, value in self.cell_params.items():
            if np.shape(value)[:1] != (N,):
                raise ValueError(f"cell_params[{name!r}] must have N_cells={N} rows; got shape {np.shape(value)}.")
        if self.epoch is None:
            self.epoch = np.zeros(T, dtype=np.int64)
        else:
            self.epoch = np.asarray(self.epoch)
            if self.epoch.shape != (T,) or not np.issubdtype(self.epoch.dtype, np.integer):
                raise ValueError(f"epoch must be an int array of shape (T,) = ({T},); got {self.epoch.dtype} {self.epoch.shape}.")

    # ------------------------------------------------------------------ sizes
    @property
    def n_cells(self) -> int:
        """Number of cells N."""
        return self.rates.shape[0]

    @property
    def n_samples(self) -> int:
        """Number of time bins T."""
        return self.rates.shape[1]

    @property
    def n_dims(self) -> int:
        """Spatial dimensionality D."""
        return self.position.shape[0]

    @property
    def duration(self) -> float:
        """Duration in seconds (T * dt)."""
        return self.n_samples * self.dt

    def __len__(self) -> int:
        return self.n_samples

    # ------------------------------------------------------------------ blocks
    @property
    def blocks(self) -> np.ndarray:
        """Block of every bin, ``(T,)`` ints 0, 1, ...: runs of consecutive bins of one epoch.

        A new block starts wherever the epoch changes or the time step between two bins is
        more than 1.5 ``dt`` (bins dropped in between: tracking lost, below a speed
        threshold, a selection). Pass it as ``groups=`` to estimators and splitters, so that
        windows, continuity priors and folds never reach across a gap::

            model.fit(rec.X, rec.y)
            model.predict(rec.X, groups=rec.blocks)
        """
        from .._blocks import block_labels

        return block_labels(self.n_samples, groups=self.epoch, times=self.t, max_step=1.5 * self.dt)

    @property
    def n_blocks(self) -> int:
        """Number of blocks of consecutive bins (see :attr:`blocks`)."""
        return int(self.blocks[-1]) + 1 if self.n_samples else 0

    @property
    def speed(self) -> np.ndarray | None:
        """Running speed in m/s, ``(T,)``: the norm of ``velocity`` (None without velocity)."""
        return None if self.velocity is None else np.sqrt(np.sum(self.velocity**2, axis=0))

    # ---------------------------------------------------------------- pynapple
    @classmethod
    def from_pynapple(cls, data, position, **kwargs) -> "Recording":
        """A Recording from pynapple objects: spikes (TsGroup) or counts (TsdFrame) + position.

        The epochs (time support) become ``epoch`` and ``blocks``. See
        :func:`placedecode.datasets.from_pynapple` for the arguments (``bin_size``,
        ``position_unit``, ``min_speed`` ...). Needs pynapple (``pip install
        "placedecode[pynapple]"``).
        """
        from ..datasets._pynapple import from_pynapple

        return from_pynapple(data, position, **kwargs)

    def to_pynapple(self):
        """This Recording as pynapple objects: ``(rates, counts, position, epochs)``.

        TsdFrames indexed by the bin centres (``t + dt / 2``), the blocks as their time
        support; see :func:`placedecode.datasets.to_pynapple`. Needs pynapple.
        """
        from ..datasets._pynapple import to_pynapple

        return to_pynapple(self)

    # ------------------------------------------------------- scikit-learn view
    @property
    def X(self) -> np.ndarray:
        """Rates in scikit-learn's layout, (T, N_cells), in Hz (a view of ``rates``)."""
        return self.rates.T

    @property
    def y(self) -> np.ndarray:
        """Positions in scikit-learn's layout, (T, D), in metres (a view of ``position``)."""
        return self.position.T

    @property
    def spike_counts(self) -> np.ndarray:
        """Integer spike counts (N_cells, T) per bin; only for Poisson-noise recordings."""
        if self.noise != "poisson":
            raise AttributeError(
                f"spike_counts exist only for Poisson recordings (noise='poisson'); this one has noise={self.noise!r}."
            )
        return np.rint(self.rates * self.dt).astype(np.int64)

    # ------------------------------------------------------------- selection
    def __getitem__(self, index) -> "Recording":
        """Select time bins: ``rec[100:200]``, a boolean mask (T,) or an index array.

        The bins keep their ``epoch``; dropping bins in the middle starts a new block there.
        """
        if isinstance(index, tuple):
            raise TypeError("Recording[...] selects time bins only; use select_cells() for cells.")
        if isinstance(index, numbers.Integral):
            index = slice(index, index + 1 if index != -1 else None)
        if not isinstance(index, slice):
            index = np.asarray(index)
            if index.dtype == bool and index.shape != (self.n_samples,):
                raise IndexError(f"boolean time mask must have shape ({self.n_samples},); got {index.shape}.")
        take = lambda a: None if a is None else a[:, index]  # noqa: E731
        rates = self.rates[:, index]
        true_rates = rates if self.true_rates is self.rates else self.true_rates[:, index]
        return replace(
            self,
            rates=rates,
            true_rates=true_rates,
            position=self.position[:, index],
            t=self.t[index],
            velocity=take(self.velocity),
            head_direction=take(self.head_direction),
            epoch=self.epoch[index],
        )

    def between(self, t_start: float | None = None, t_stop: float | None = None) -> "Recording":
        """Bins with ``t_start <= t < t_stop`` (seconds), with their epochs and blocks."""
        eps = 1e-6 * self.dt  # bin times accumulate float error: 10.000000000000002 is 10
        lo = -np.inf if t_start is None else t_start - eps
        hi = np.inf if t_stop is None else t_stop - eps
        return self[(self.t >= lo) & (self.t < hi)]

    def select_cells(self, cells) -> "Recording":
        """A Recording of a subset of cells.

        Parameters
        ----------
        cells : str, list of str, int array or boolean mask (N_cells,)
            A cell-type name (``"place"``), several names, cell indices, or a mask.
        """
        if isinstance(cells, str) or (
            isinstance(cells, (list, tuple)) and len(cells) and all(isinstance(c, str) for c in cells)
        ):
            names = [cells] if isinstance(cells, str) else list(cells)
            unknown = sorted(set(names) - set(self.cell_types.tolist()))
            if unknown:
                raise ValueError(
                    f"no cells of type {unknown} in this recording; it has {sorted(set(self.cell_types.tolist()))}."
                )
            idx = np.flatnonzero(np.isin(self.cell_types, names))
        else:
            sel = np.asarray(cells)
            if sel.dtype == bool:
                if sel.shape != (self.n_cells,):
                    raise IndexError(f"boolean cell mask must have shape ({self.n_cells},); got {sel.shape}.")
                idx = np.flatnonzero(sel)
            else:
                idx = np.arange(self.n_cells)[sel].reshape(-1)
        new_row = {old: new for new, old in enumerate(idx.tolist())}
        populations = []
        for pop in self.populations:
            keep = [(i_local, new_row[r]) for i_local, r in enumerate(pop.rows.tolist()) if r in new_row]
            if keep:
                local, rows = zip(*keep)
                populations.append(replace(pop, rows=np.array(rows), local=np.array(local)))
        rates = self.rates[idx]
        return replace(
            self,
            rates=rates,
            true_rates=rates if self.true_rates is self.rates else self.true_rates[idx],
            cell_types=self.cell_types[idx],
            cell_params={k: np.asarray(v)[idx] for k, v in self.cell_params.items()},
            populations=populations,
        )

    def split(self, train_fraction: float = 0.8, gap: int = 0) -> tuple["Recording", "Recording"]:
        """Split by time: the first ``train_fraction`` of bins train, the rest test.

        Parameters
        ----------
        train_fraction : float in (0, 1), default=0.8
            The tutorial's split: the first 80 % of the minutes train.
        gap : int, default=0
            Bins dropped between train and test (to keep correlated neighbours apart).

        Returns
        -------
        train, test : Recording
            Each keeps its bins' ``epoch`` labels (and so its ``blocks``); the cut itself
            is a block edge, as the two parts are separate recordings.
        """
        train_fraction = check_fraction(train_fraction, "train_fraction")
        if isinstance(gap, bool) or not isinstance(gap, numbers.Integral) or gap < 0:
            raise ValueError(f"gap must be an int >= 0 (bins); got {gap!r}.")
        n_train = int(np.floor(train_fraction * self.n_samples + 1e-9))
        if n_train < 1 or n_train + gap >= self.n_samples:
            raise ValueError(
                f"train_fraction={train_fraction} with gap={gap} leaves an empty train or test "
                f"set for {self.n_samples} bins."
            )
        return self[:n_train], self[n_train + gap :]

    # ------------------------------------------------------------- rate maps
    def rate_maps(self, bin_size: float = 0.02, from_data: bool = False) -> RateMaps:
        """Rate map of every cell on a grid of ``bin_size`` metres.

        Parameters
        ----------
        bin_size : float, default=0.02
            Bin edge length in metres.
        from_data : bool, default=False
            False: the model's noiseless tuning evaluated on the grid (simulated spatial
            cells; NaN rows for head-direction/velocity/speed cells and real data).
            True: the occupancy-normalised mean observed rate per bin (any cell, real data
            too; NaN in unvisited bins).
        """
        if not bin_size > 0:
            raise ValueError(f"bin_size must be > 0 (metres); got {bin_size!r}.")
        D = self.n_dims
        if self.environment is not None:
            ext = tuple(float(e) for e in np.asarray(self.environment.extent).reshape(-1)[: 2 * D])
        else:
            lo, hi = self.position.min(axis=1), self.position.max(axis=1)
            ext = tuple(v for a, b in zip(lo, hi) for v in (float(a), float(b) + 1e-9))
        edges = tuple(
            np.linspace(ext[2 * d], ext[2 * d + 1], max(1, int(round((ext[2 * d + 1] - ext[2 * d]) / bin_size))) + 1)
            for d in range(D)
        )
        shape = tuple(len(e) - 1 for e in edges)[::-1]  # (ny, nx) in 2D
        if from_data:
            from scipy.stats import binned_statistic_dd

            stat = binned_statistic_dd(self.position.T, self.rates, statistic="mean", bins=edges)
            maps = stat.statistic  # (N, nx[, ny])
            if D == 2:
                maps = np.swapaxes(maps, 1, 2)
            return RateMaps(maps, edges, ext)
        maps = np.full((self.n_cells, *shape), np.nan)
        centres = [0.5 * (e[1:] + e[:-1]) for e in edges]
        if D == 2:
            gx, gy = np.meshgrid(*centres)
            grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
        else:
            grid = centres[0][:, None]
        from ._evaluate import population_rates_at
        from ._random import derive_seed, seeded_global_numpy

        for index, pop in enumerate(self.populations):
            with seeded_global_numpy(derive_seed(self.seed or 0, "rate_maps", index)):
                values = population_rates_at(pop, grid)  # None for non-spatial cells
            if values is not None:
                maps[pop.rows] = values.reshape(len(pop.rows), *shape)
        return RateMaps(maps, edges, ext)

    def __repr__(self) -> str:
        kinds = ", ".join(f"{k}: {int(v)}" for k, v in zip(*np.unique(self.cell_types, return_counts=True)))
        blocks = f", blocks={self.n_blocks}" if self.n_samples and self.n_blocks > 1 else ""
        return (
            f"Recording(N_cells={self.n_cells} [{kinds}], T={self.n_samples}, D={self.n_dims}, "
            f"dt={self.dt:g} s, duration={self.duration / 60:.3g} min, noise={self.noise!r}{blocks})"
        )


@dataclass
class Population:
    """RatInABox Neurons whose cells ``local`` (their indices) are a Recording's rows ``rows``.

    ``kind`` is the population's :class:`~placedecode.sim.CellType`; ``path`` says how its
    rates were computed: ``"fast"``, ``"get_state"``, ``"per_step"`` (see
    :mod:`placedecode.sim._evaluate`) or ``"history"`` (read from a RatInABox run by
    :func:`~placedecode.sim.from_ratinabox`).
    """

    cell_type: str
    neurons: object
    rows: np.ndarray
    local: np.ndarray
    kind: object = None
    path: str = "fast"
