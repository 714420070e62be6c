"""The Bayesian place-cell decoder (Zhang et al. 1998) as a scikit-learn estimator.

Model
-----
Space is cut into a grid of square bins (``bin_size`` metres; a line of bins in 1D). From
the training data, each cell's *tuning* ``λ_i(x)``, its expected spike count per time bin
at grid bin ``x``, is the number of spikes it fired there divided by the number of time
bins spent there, both Gaussian-smoothed (``smoothing`` metres) first. Grid bins visited
for fewer than ``min_occupancy`` time bins are *masked*: they get zero posterior.

Given the counts ``n_i`` summed over a window of ``w`` time bins, cells are taken as
independent Poisson processes, so (up to a constant)::

    log P(n | x) = Σ_i n_i log λ_i(x) - w Σ_i λ_i(x)

which for all samples and bins at once is one matrix product,
``counts @ log(λ).T - w * λ.sum(0)``. The posterior is ``P(x | n) ∝ P(n | x) P(x)``,
normalised with a log-sum-exp, so it never overflows or turns into NaN.

Priors
------
``"flat"``
    Uniform over the visited bins: the standard, memoryless decoder.
``"occupancy"``
    Proportional to the time spent in each bin during training.
``"continuity"``
    A state-space (hidden Markov) prior that favours positions near the previous
    estimate: between consecutive time bins the position makes a Gaussian random-walk step
    of standard deviation ``continuity_sigma`` metres (plus a small probability
    ``jump_probability`` of jumping anywhere, so the decoder can never lose track for
    good). With ``direction="forward"`` the prior at bin ``t`` is the posterior at
    ``t - 1`` propagated by that step (a causal filter); with ``direction="both"`` the
    posterior also uses the later bins (forward-backward smoothing, for offline decoding).

Blocks of time
--------------
The summing window and the continuity prior only make sense between consecutive time bins.
``predict``, ``predict_posterior``, ``posterior`` and ``log_likelihood`` take
``groups=`` (one label per row, e.g. :attr:`Recording.blocks
<placedecode.sim.Recording.blocks>`); a new block starts wherever the label changes, and
neither the window nor the prior ever reaches across a block edge, so decoding two epochs at
once gives exactly what decoding each alone gives. Without ``groups`` the rows of one call
are ONE contiguous block (pass each cross-validation test fold separately). Given pynapple
objects, the blocks are the intervals of the input's time support. With ``window=1`` and a
flat or occupancy prior, every row is decoded on its own.

Defaults that suit data
-----------------------
``window="auto"`` and ``smoothing="auto"`` are chosen in ``fit`` by a 3-fold blocked
cross-validation over the training data (see :mod:`placedecode.models._bayes_select`): odd
windows of up to 2 s of bins (from ``dt``; 1-9 bins when ``dt`` is None) and smoothings of
0.5, 1 or 2 grid bins. On rats R2192 and R2217 of Tampuu et al. (200-ms bins) this picks 9
bins (1.8 s) and gives 17.1 and 19.7 cm, against 17.4 and 19.8 cm for the flat-prior
decoder tuned by the benchmark's outer search (R2192 with window 1: 34 cm); on the
benchmark's simulated Poisson place cells it matches that decoder (5.1 cm).
``window_`` and ``smoothing_`` hold the values used.

Input units
-----------
``X`` holds spike counts per time bin, ``(n_samples, n_cells)`` (``dt=None``, the default),
or firing rates in Hz with ``dt`` the bin width in seconds (counts = ``X * dt``), which is
what :attr:`Recording.X <placedecode.sim.Recording.X>` holds: ``BayesianDecoder(dt=rec.dt)
.fit(rec.X, rec.y)``. Counts need not be whole numbers. ``y`` holds positions in metres,
``(n_samples, D)`` with D = 1 or 2, or ``(n_samples,)`` for a track.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from scipy.sparse import csc_array
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._blocks import window_sum as _window_sum
from .._pynapple import pynapple_aware
from ._validation import validate_float_arrays

__all__ = ["BayesianDecoder"]

#: Below this many spikes per time bin (all cells together) no position is more likely than another.
_MIN_MEAN_COUNT = 1e-3
_MAX_GRID_BINS = 1_000_000
_TINY = 1e-300


@pynapple_aware
class BayesianDecoder(RegressorMixin, BaseEstimator):
    """Bayesian decoder of position from spike counts: Poisson likelihood on a grid.

    See the module docstring (:mod:`placedecode.models._bayes`) for the model, the priors
    and the input units.

    Parameters
    ----------
    bin_size : float, default=0.05
        Edge of a spatial bin in metres (5 cm).
    smoothing : float or "auto", default="auto"
        Standard deviation in metres of the Gaussian applied to the spike and occupancy
        maps before dividing them (0: no smoothing). "auto": 0.5, 1 or 2 grid bins, chosen
        in ``fit`` by cross-validation on the training data (see the module docstring).
    window : int or "auto", default="auto"
        Number of consecutive time bins whose counts are summed to decode each bin
        (centred: ``(window - 1) // 2`` earlier and ``window // 2`` later bins; never
        across a block edge). "auto": an odd window of up to 2 s of bins, chosen in
        ``fit`` by cross-validation on the training data; 1 with ``prior="continuity"``.
    prior : {"flat", "occupancy", "continuity"}, default="flat"
        Prior over positions (see the module docstring).
    continuity_sigma : float, default=0.1
        With ``prior="continuity"``: standard deviation in metres of the position's
        random-walk step between consecutive time bins.
    direction : {"forward", "both"}, default="forward"
        With ``prior="continuity"``: a causal filter ("forward") or forward-backward
        smoothing over the whole block ("both").
    jump_probability : float, default=1e-5
        With ``prior="continuity"``: probability per time bin of a jump to any bin.
    output : {"map", "mean"}, default="map"
        ``predict`` returns the centre of the most probable bin ("map") or the posterior
        mean position ("mean").
    dt : float or None, default=None
        None: ``X`` are spike counts per time bin. A float: ``X`` are rates in Hz over time
        bins of ``dt`` seconds (converted to counts as ``X * dt``).
    min_occupancy : float, default=1
        Grid bins visited for fewer time bins than this during ``fit`` are masked.
    rate_floor : float, default=0.01
        Each cell's tuning is floored at ``rate_floor`` times its mean count per bin (and
        at 1e-12), so that a spike in a bin where the cell never fired in training is
        unlikely but not impossible.
    likelihood_weight : float, default=1.0
        Exponent applied to the likelihood (its log is multiplied by it). Real cells are
        not independent Poisson processes (they are over-dispersed and correlated), so the
        exact likelihood is over-confident; a weight below 1 (0.3-0.5 on the Tampuu et al.
        rats) tempers it, which matters with ``prior="continuity"`` and
        ``output="mean"`` and changes nothing for ``prior="flat"`` with ``output="map"``.

    Attributes
    ----------
    window_ : int
        The summing window used (``window``, or the one "auto" chose).
    smoothing_ : float
        The rate-map smoothing used in metres (``smoothing``, or the one "auto" chose).
    cv_errors_ : ndarray of shape (n_smoothings, n_windows) or None
        With "auto": the mean cross-validated error in cm of every candidate pair (rows
        ``cv_smoothings_``, columns ``cv_windows_``); None when nothing was chosen.
    cv_windows_, cv_smoothings_ : list
        The candidates behind ``cv_errors_``.
    bin_centers_ : ndarray of shape (n_bins, D)
        Centre of every grid bin in metres (x, then y); bin ``k`` is row ``k // nx``,
        column ``k % nx`` of a 2D map.
    grid_shape_ : tuple
        ``(nx,)`` in 1D, ``(ny, nx)`` in 2D (rows are y).
    edges_ : tuple of ndarray
        Bin edges in metres per axis (x, then y).
    extent_ : tuple
        ``(x_min, x_max[, y_min, y_max])`` in metres, for ``imshow(..., extent=extent_)``.
    occupancy_ : ndarray of shape grid_shape_
        Number of training time bins spent in each grid bin (unsmoothed).
    mask_ : ndarray of bool, shape grid_shape_
        True where the posterior may be non-zero (visited bins).
    tuning_ : ndarray of shape (n_cells, n_bins)
        Expected spike count per time bin of each cell at each grid bin (floored).
    rate_maps_ : ndarray of shape ``(n_cells, *grid_shape_)``
        Tuning in the units of ``X``: Hz when ``dt`` is given, else counts per bin; NaN in
        masked bins.
    mean_count_ : float
        Mean spike count per training time bin, all cells together. ``fit`` refuses X with
        under 0.001 (no position would be more likely than another); ``predict`` warns when
        its X holds a millionth of this or less (X in other units than at fit).
    n_features_in_ : int
        Number of cells.
    n_outputs_ : int
        D, the number of position dimensions.

    Notes
    -----
    The posterior is given by :meth:`predict_posterior` (flat over bins) and
    :meth:`posterior` (as maps), not ``predict_proba``: scikit-learn treats an estimator
    with ``predict_proba`` as a classifier of its own targets.

    Examples
    --------
    >>> import numpy as np
    >>> from placedecode.models import BayesianDecoder
    >>> rng = np.random.default_rng(0)
    >>> y = rng.uniform(0, 1, size=2000)                            # a 1 m track
    >>> centres = np.linspace(0, 1, 8)
    >>> lam = 2.0 * np.exp(-(y[:, None] - centres) ** 2 / (2 * 0.1 ** 2))  # counts/bin
    >>> X = rng.poisson(lam)                                        # (2000, 8) counts
    >>> model = BayesianDecoder(bin_size=0.02).fit(X[:1500], y[:1500])  # window, smoothing: auto
    >>> err = np.abs(model.predict(X[1500:]) - y[1500:]).mean()     # metres
    >>> bool(err < 0.1)                                             # ~2 cm
    True
    >>> model.predict_posterior(X[1500:1502]).shape                 # (samples, bins)
    (2, 50)
    """

    _parameter_constraints: dict = {
        "bin_size": [Interval(numbers.Real, 0, None, closed="neither")],
        "smoothing": [Interval(numbers.Real, 0, None, closed="left"), StrOptions({"auto"})],
        "window": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "prior": [StrOptions({"flat", "occupancy", "continuity"})],
        "continuity_sigma": [Interval(numbers.Real, 0, None, closed="neither")],
        "direction": [StrOptions({"forward", "both"})],
        "jump_probability": [Interval(numbers.Real, 0, 1, closed="both")],
        "output": [StrOptions({"map", "mean"})],
        "dt": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "min_occupancy": [Interval(numbers.Real, 0, None, closed="left")],
        "rate_floor": [Interval(numbers.Real, 0, None, closed="left")],
        "likelihood_weight": [Interval(numbers.Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        bin_size=0.05,
        *,
        smoothing="auto",
        window="auto",
        prior="flat",
        continuity_sigma=0.1,
        direction="forward",
        jump_probability=1e-5,
        output="map",
        dt=None,
        min_occupancy=1,
        rate_floor=0.01,
        likelihood_weight=1.0,
    ):
        self.bin_size = bin_size
        self.smoothing = smoothing
        self.window = window
        self.prior = prior
        self.continuity_sigma = continuity_sigma
        self.direction = direction
        self.jump_probability = jump_probability
        self.output = output
        self.dt = dt
        self.min_occupancy = min_occupancy
        self.rate_floor = rate_floor
        self.likelihood_weight = likelihood_weight

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # (n, D) positions, D = 1 or 2
        tags.input_tags.positive_only = True  # spike counts or rates
        # A grid decoder predicts bin centres of a position grid; scikit-learn's synthetic
        # regression targets are not encoded by place-like tuning, so R² there is low.
        tags.regressor_tags.poor_score = True
        return tags

    # ------------------------------------------------------------------ helpers
    def _counts(self, X):
        C = np.asarray(X, dtype=np.float64)
        if self.dt is not None:
            C = C * float(self.dt)
        if C.min() < 0:  # (C is never empty: validated)
            raise ValueError("Negative values in data passed to BayesianDecoder: X must hold spike counts or rates >= 0.")
        return C

    def _smooth(self, A):
        """Gaussian smoothing of maps ``A`` (..., *grid_shape) over the grid axes."""
        if self.smoothing_ <= 0:
            return A
        from scipy.ndimage import gaussian_filter

        D = len(self.grid_shape_)
        sigma = [0.0] * (A.ndim - D) + [self.smoothing_ / self.bin_size] * D
        return gaussian_filter(A, sigma=sigma, mode="constant", truncate=4.0)

    # ------------------------------------------------------------------ fit
    def fit(self, X, y, groups=None):
        """Learn each cell's rate map on the spatial grid (choosing "auto" settings first).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_cells)
            Spike counts per time bin (``dt=None``) or rates in Hz (``dt`` given), >= 0.
        y : array-like of shape (n_samples, D) or (n_samples,)
            Positions in metres, D = 1 or 2.
        groups : array-like of shape (n_samples,), optional
            Block label of every row. Only "auto" uses it (its validation folds are
            decoded block by block); the rate maps themselves are per bin.

        Returns
        -------
        self : BayesianDecoder
        """
        self._validate_params()
        X, y = validate_float_arrays(self, X, y, reset=True, multi_output=True)
        C = self._counts(X)
        self.mean_count_ = float(C.sum() / len(C))  # spikes per bin, all cells together
        if not self.mean_count_ >= _MIN_MEAN_COUNT:
            raise ValueError(
                f"X holds {self.mean_count_:.3g} spikes per time bin on average over all {X.shape[1]} cells"
                f"{'' if self.dt is None else f' (rates x dt={self.dt!r} s)'}: too few for any position to be "
                "more likely than another. BayesianDecoder needs spike counts per bin (dt=None) or rates in "
                "Hz with dt=<bin width in s>; rescale X if it holds normalised values."
            )
        y = np.asarray(y, dtype=np.float64)
        Y = y.reshape(len(y), -1)
        D = Y.shape[1]
        if D not in (1, 2):
            raise ValueError(f"y must hold 1-D or 2-D positions (n_samples, D<=2); got D={D}.")
        if groups is not None:
            groups = np.asarray(groups)
            if groups.shape != (len(X),):
                raise ValueError(f"groups must have shape (n_samples,) = ({len(X)},); got {groups.shape}.")
        if self.window == "auto" or self.smoothing == "auto":
            from ._bayes_select import select

            window, smoothing, errors, windows, smoothings = select(self, X, Y, groups)
        else:
            window, smoothing, errors, windows, smoothings = int(self.window), float(self.smoothing), None, [], []
        self.window_, self.smoothing_ = int(window), float(smoothing)
        self.cv_errors_, self.cv_windows_, self.cv_smoothings_ = errors, windows, smoothings
        self._y_1d = y.ndim == 1
        self.n_outputs_ = D
        lo, hi = Y.min(axis=0), Y.max(axis=0)
        n = np.maximum(1, np.ceil((hi - lo) / self.bin_size - 1e-9)).astype(int)
        if np.prod(n.astype(float)) > _MAX_GRID_BINS:
            raise ValueError(
                f"bin_size={self.bin_size} m gives a grid of {' x '.join(map(str, n))} bins "
                f"for positions spanning {np.round(hi - lo, 3).tolist()} (more than "
                f"{_MAX_GRID_BINS}); are positions in metres? Use a larger bin_size."
            )
        mid = 0.5 * (lo + hi)
        self.edges_ = tuple(
            mid[d] + (np.arange(n[d] + 1) - n[d] / 2.0) * self.bin_size for d in range(D)
        )
        self.grid_shape_ = tuple(int(v) for v in n[::-1])  # (ny, nx) in 2D
        self.extent_ = tuple(float(v) for d in range(D) for v in (self.edges_[d][0], self.edges_[d][-1]))
        centres = [0.5 * (e[1:] + e[:-1]) for e in self.edges_]
        if D == 2:
            gx, gy = np.meshgrid(*centres)
            self.bin_centers_ = np.stack([gx.ravel(), gy.ravel()], axis=1)
        else:
            self.bin_centers_ = centres[0][:, None]

        # bin index of every training sample, flat (row-major over (ny, nx))
        idx = [np.clip(np.floor((Y[:, d] - self.edges_[d][0]) / self.bin_size).astype(np.intp), 0, n[d] - 1)
               for d in range(D)]
        flat = idx[0] if D == 1 else idx[1] * n[0] + idx[0]
        n_bins = int(np.prod(n))
        occupancy = np.bincount(flat, minlength=n_bins).astype(np.float64)
        # the spikes each cell fired in each grid bin, (n_cells, n_bins): the one-hot matrix of
        # the samples' bins (n_bins, T), one entry per column, times the counts. scipy's sparse
        # product adds each bin's samples in time order, in one pass over C.
        T = len(C)
        one_hot = csc_array((np.ones(T), flat, np.arange(T + 1)), shape=(n_bins, T))
        spikes = (one_hot @ C).T
        cell_totals = spikes.sum(axis=1)  # (n_cells,) spikes of each cell over the training bins
        self.occupancy_ = occupancy.reshape(self.grid_shape_)
        self.mask_ = self.occupancy_ >= max(self.min_occupancy, 1e-12)
        if not self.mask_.any():  # min_occupancy above every bin's count: keep the visited
            self.mask_ = self.occupancy_ > 0
        occ_s = self._smooth(self.occupancy_)
        spk_s = self._smooth(spikes.reshape(C.shape[1], *self.grid_shape_))
        with np.errstate(invalid="ignore", divide="ignore"):
            tuning = spk_s / occ_s
        tuning = np.where(self.mask_ & (occ_s > 0), tuning, 0.0).reshape(C.shape[1], n_bins)
        floor = np.maximum(self.rate_floor * (cell_totals / len(C)), 1e-12)[:, None]
        self.tuning_ = np.maximum(tuning, floor)
        self._log_tuning = np.log(self.tuning_)
        self._flat_mask = self.mask_.ravel()
        # Σ_i λ_i(x) of every grid bin, +inf in masked bins, so that -w Σ_i λ_i(x) is -inf there
        self._tuning_sum = np.where(self._flat_mask, self.tuning_.sum(axis=0), np.inf)
        self._uniform = self._flat_mask / self._flat_mask.sum()
        maps = self.tuning_ / (float(self.dt) if self.dt is not None else 1.0)
        maps = np.where(self._flat_mask, maps, np.nan)
        self.rate_maps_ = maps.reshape(C.shape[1], *self.grid_shape_)
        occ = occupancy * self._flat_mask
        self._log_occupancy_prior = np.log(np.maximum(occ / occ.sum(), _TINY))
        return self

    # ------------------------------------------------------------------ inference
    def _window(self):
        """The summing window: ``window_`` for "auto", else the current ``window``."""
        return int(self.window_) if self.window == "auto" else int(self.window)

    def _starts(self, n_samples, groups):
        from .._blocks import block_starts

        return block_starts(n_samples, groups=groups)

    def log_likelihood(self, X, groups=None):
        """Poisson log-likelihood of every grid bin, up to a constant per sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_cells)
            Counts (or rates with ``dt``) of consecutive time bins.
        groups : array-like of shape (n_samples,), optional
            Block label of every row; the window never sums across a block edge. Default:
            the rows are one contiguous block.

        Returns
        -------
        log_lik : ndarray of shape (n_samples, n_bins)
            ``Σ_i n_i log λ_i(x) - w Σ_i λ_i(x)`` with the counts summed over the window;
            ``-inf`` in masked bins.
        """
        check_is_fitted(self, "tuning_")
        X = validate_float_arrays(self, X, reset=False)
        C = self._counts(X)
        mean_count = C.sum() / len(C)
        if mean_count < 1e-6 * self.mean_count_:
            warnings.warn(
                f"X holds {mean_count:.3g} spikes per time bin on average, a millionth or less of the "
                f"{self.mean_count_:.3g} the decoder was fitted on: the posterior is flat and the decoded "
                "positions are meaningless. Pass X in the units it was fitted in.", RuntimeWarning, stacklevel=3)
        C, w = _window_sum(C, self._window(), self._starts(len(X), groups))
        ll = C @ self._log_tuning
        ll -= w[:, None] * self._tuning_sum  # w >= 1: -inf in the masked bins
        return ll

    def _log_posterior(self, X, groups=None, normalize=True):
        """Log posterior (n_samples, n_bins); without ``normalize``, up to a constant per row
        (enough for the MAP of a flat or occupancy prior)."""
        ll = self.log_likelihood(X, groups)
        if self.likelihood_weight != 1.0:
            ll = ll * float(self.likelihood_weight)
        if self.prior == "occupancy":
            ll = ll + self._log_occupancy_prior
        if self.prior == "continuity" and len(ll):
            starts = self._starts(len(ll), groups)
            ends = np.r_[starts[1:], len(ll)]
            from ._bayes_filter import RandomWalkFilter

            walk = RandomWalkFilter(self._flat_mask, self.grid_shape_, self.continuity_sigma / self.bin_size,
                                    self.jump_probability)
            return np.vstack([walk.log_posterior(ll[a:b], self.direction) for a, b in zip(starts, ends)])
        if not normalize:
            return ll
        return ll - logsumexp(ll, axis=1, keepdims=True)  # -inf (masked) bins stay -inf

    def predict_posterior(self, X, groups=None):
        """Posterior probability of every grid bin for every time bin.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_cells)
            Counts (or rates with ``dt``) of consecutive time bins.
        groups : array-like of shape (n_samples,), optional
            Block label of every row; neither the window nor the continuity prior reaches
            across a block edge. Default: the rows are one contiguous block.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_bins)
            Rows sum to 1; zero in masked bins; columns follow ``bin_centers_``.
        """
        return np.exp(self._log_posterior(X, groups))

    def posterior(self, X, groups=None):
        """The posterior as maps over the arena, for plotting.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_cells)
        groups : array-like of shape (n_samples,), optional
            Block labels, as in :meth:`predict_posterior`.

        Returns
        -------
        maps : ndarray of shape ``(n_samples, *grid_shape_)``
            ``predict_posterior(X)`` reshaped to ``(n_samples, ny, nx)`` in 2D (rows are y;
            draw with ``imshow(maps[t], origin="lower", extent=extent_)``) or
            ``(n_samples, nx)`` in 1D. Given a pynapple object, a ``TsdTensor`` (2D) or
            ``TsdFrame`` (1D) on the input's time index.
        """
        return self.predict_posterior(X, groups).reshape(-1, *self.grid_shape_)

    def predict(self, X, groups=None):
        """Decoded positions: the MAP bin centre or the posterior mean.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_cells)
            Counts (or rates with ``dt``) of consecutive time bins.
        groups : array-like of shape (n_samples,), optional
            Block label of every row (e.g. ``Recording.blocks``); windows and the
            continuity prior never reach across a block edge. Default: one block.

        Returns
        -------
        y_pred : ndarray of shape (n_samples, D) or (n_samples,)
            Positions in metres; 1-D when ``y`` was 1-D in ``fit``.
        """
        logp = self._log_posterior(X, groups, normalize=self.output != "map")
        if self.output == "map":
            out = self.bin_centers_[np.argmax(logp, axis=1)]
        else:
            out = np.exp(logp) @ self.bin_centers_
        return out[:, 0] if self._y_1d else out
