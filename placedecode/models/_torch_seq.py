"""A temporal-convolution sequence decoder in PyTorch: seconds of spike history -> position.

:class:`TorchSequenceRegressor` decodes the position at each time bin from the spike counts
of a window of ``context`` earlier and ``future`` later bins. The window (cells x time) goes
through a per-bin embedding of the cells (1x1 convolution), residual dilated temporal
convolutions (dilations 1, 2, 4, ...) that share weights over time, then a linear read-out
of the whole window (so the network learns how much each lag counts) and a small MLP head
(:class:`placedecode.models._torch_modules.TCN`).

It is a thin subclass of the torch base (:mod:`placedecode.models._torch_base`): device,
threads, seeding, the training loop (history, one-cycle schedule, divergence check, early
stopping with the best epoch restored, tqdm progress), float64 prediction and pickling are
those of the torch MLPs.

Blocks
------
``X`` rows are consecutive time bins. Windows never reach across a block edge: they are
padded by repeating the block's first/last bin (:func:`placedecode.features.lagged`). By
default each call's input is one block; pass ``groups`` (a label per row; a new block
starts wherever the label changes, :func:`placedecode.features.block_starts`) to ``fit``
and ``predict`` when the rows hold several blocks: epochs of a recording, or the training
bins before and after a cross-validation test block. Predicting two blocks at once then
equals predicting each alone. In ``fit`` the validation slice of ``early_stopping`` is a
block of its own, so no training window reads validation bins or the other way round.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..features import block_starts, lagged
from ._base import check_predictions, fit_standardizer, new_history, standardize
from ._base import target_bounds, time_series_validation_split
from ._torch_base import LR_SCHEDULES, OPTIMIZERS, TorchEstimator, resolve_device
from ._training import resolve_batch_size, restore_on_failure
from .._pynapple import pynapple_aware

__all__ = ["TorchSequenceRegressor"]


@pynapple_aware
class TorchSequenceRegressor(RegressorMixin, TorchEstimator):
    """Temporal convolutional network decoding position from a window of spike counts.

    Parameters
    ----------
    context : int, default=20
        Earlier bins in each window (20 bins of 200 ms = 4 s of history).
    future : int or None, default=None
        Later bins in each window; None means ``context`` (a centred window). 0 makes the
        decoder causal.
    channels : int, default=32
        Width of the temporal convolutions.
    n_blocks : int, default=3
        Residual dilated convolution blocks (dilations 1, 2, 4, ...).
    kernel_size : int, default=3
        Time bins each convolution spans (before dilation); any size >= 1, even sizes
        included (the padding puts the extra bin after).
    hidden : int, default=128
        Width of the read-out layer.
    dropout : float, default=0.2
        Dropout probability in the blocks and the read-out, in [0, 1).
    optimizer : {"adam", "adamw", "sgd", "momentum", "rmsprop"}, default="adam"
        As in :class:`TorchMLPRegressor`.
    learning_rate : float, default=3e-3
        Peak of the one-cycle schedule (the starting value of the other schedules).
    lr_schedule : {"onecycle", "cosine", "plateau", "constant"}, default="onecycle"
        As in :class:`TorchMLPRegressor`.
    l2 : float, default=1e-3
        Weight decay of the weights (not biases).
    batch_size : int or float, default=64
        Windows per mini-batch; a float in (0, 1] is a fraction of the training windows.
    max_epochs : int, default=25
        Passes over the training windows (the length of the schedule).
    early_stopping : bool, default=True
        Hold out the LAST ``validation_fraction`` of the samples (in time order, as a
        block of its own) and restore the weights of the epoch with the lowest mean
        validation error in cm.
    validation_fraction : float, default=0.1
        Fraction of the samples held out when ``early_stopping``.
    n_iter_no_change : int or None, default=None
        Stop after this many epochs without a decrease of the monitored error larger
        than ``tol``; None runs ``max_epochs`` (the schedule is planned over them).
    tol : float, default=0.0
        Minimum decrease (cm) that counts as an improvement.
    device : str, default="auto"
        "auto" (CUDA when available, else CPU), "cpu", "cuda", "cuda:<index>" or "mps".
    n_threads : "auto", int or None, default="auto"
        CPU threads during ``fit`` and ``predict`` (restored afterwards), as in
        :class:`TorchMLPRegressor`.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the mini-batch order and dropout; the caller's torch
        random state is left untouched.
    verbose : bool, default=False
        Show a tqdm progress bar over epochs.

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained :class:`~placedecode.models._torch_modules.TCN` (on the CPU after
        unpickling).
    history_ : dict of lists
        ``epoch``, ``train_loss``, ``train_error``, ``val_loss``, ``val_error`` (errors in
        cm, losses in standardised units).
    n_iter_ : int
        Epochs run.
    best_epoch_ : int
        Epoch whose weights the model holds.
    device_ : str
        Device used for training.
    x_mean_, x_scale_ : ndarray of shape (n_cells,)
        Input standardisation.
    y_mean_, y_scale_ : ndarray of shape (n_outputs_,)
        Target standardisation, in metres.
    n_features_in_, n_outputs_ : int
        Number of cells and of position dimensions.

    Examples
    --------
    >>> import numpy as np
    >>> from placedecode.models import TorchSequenceRegressor
    >>> rng = np.random.default_rng(0)
    >>> y = np.cumsum(rng.normal(0, 0.02, size=(600, 1)), axis=0)        # a slow path (m)
    >>> X = rng.poisson(np.exp(-(y - np.linspace(-0.5, 0.5, 6)) ** 2 / 0.05))
    >>> model = TorchSequenceRegressor(context=5, max_epochs=5, random_state=0).fit(X, y)
    >>> model.predict(X[:10]).shape
    (10, 1)
    >>> groups = np.repeat([0, 1], 300)                 # two epochs of the recording
    >>> both = model.predict(X, groups=groups)
    >>> bool(np.allclose(both[300:], model.predict(X[300:])))
    True
    """

    _monitor = "error"

    _parameter_constraints: dict = {
        "context": [Interval(numbers.Integral, 0, None, closed="left")],
        "future": [Interval(numbers.Integral, 0, None, closed="left"), None],
        "channels": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_blocks": [Interval(numbers.Integral, 0, None, closed="left")],
        "kernel_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden": [Interval(numbers.Integral, 1, None, closed="left")],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "lr_schedule": [StrOptions(set(LR_SCHEDULES))],
        "l2": [Interval(numbers.Real, 0, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left"),
                       Interval(RealNotInt, 0, 1, closed="right")],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "device": [str],
        "n_threads": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left"),
                      None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, context=20, future=None, *, channels=32, n_blocks=3, kernel_size=3,
                 hidden=128, dropout=0.2, optimizer="adam", learning_rate=3e-3,
                 lr_schedule="onecycle", l2=1e-3, batch_size=64, max_epochs=25,
                 early_stopping=True, validation_fraction=0.1, n_iter_no_change=None,
                 tol=0.0, device="auto", n_threads="auto", random_state=None, verbose=False):
        self.context = context
        self.future = future
        self.channels = channels
        self.n_blocks = n_blocks
        self.kernel_size = kernel_size
        self.hidden = hidden
        self.dropout = dropout
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.l2 = l2
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    # ------------------------------------------------------------------ windows
    @property
    def _future(self):
        return self.context if self.future is None else self.future

    @property
    def _n_lags(self):
        return int(self.context) + 1 + int(self._future)

    def _windows(self, Xs, starts):
        """(T, n_lags, n_cells) float32 windows of standardised inputs, within blocks."""
        if not np.all(np.abs(Xs) < np.finfo(np.float32).max):
            raise ValueError(
                "X has values too large to represent in float32 after standardisation "
                f"(largest |value| {np.max(np.abs(Xs)):.3g} standard deviations); X is far "
                "outside the range seen in fit: check its units."
            )
        Z = lagged(Xs, int(self.context), int(self._future), starts=starts)
        return Z.reshape(len(Xs), self._n_lags, Xs.shape[1]).astype(np.float32)

    def _flops_per_window(self, n_cells, n_outputs):
        """Multiply-adds x 2 of one window through the network (forward pass)."""
        lags, c = self._n_lags, int(self.channels)
        per_window = (n_cells * c * lags + int(self.n_blocks) * c * c * int(self.kernel_size)
                      * lags + c * lags * int(self.hidden) + int(self.hidden) * n_outputs)
        return 2.0 * per_window

    # ------------------------------------------------------------------ fit
    def fit(self, X, y, groups=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_cells)
            Spike counts (or rates) per time bin, rows in time order.
        y : array-like of shape (n_samples,) or (n_samples, D)
            Positions in metres.
        groups : array-like of shape (n_samples,), optional
            Block label per row (e.g. the epoch of each bin); windows never cross a change
            of label.

        Returns
        -------
        self : TorchSequenceRegressor
        """
        self._validate_params()
        device = resolve_device(self.device)
        with restore_on_failure(self):
            X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True,
                                 y_numeric=True)
            starts = block_starts(len(X), groups=groups)
            y = np.asarray(y, dtype=np.float64)
            Y = y.reshape(len(y), -1)
            x_mean, x_scale = fit_standardizer(X)
            y_mean, y_scale = fit_standardizer(Y)
            n = len(X)
            n_train = (time_series_validation_split(n, self.validation_fraction)
                       if self.early_stopping else n)
            if n_train < n:  # the validation slice is a block of its own
                starts = np.union1d(starts, [n_train])
            W = self._windows(standardize(X, x_mean, x_scale), starts)
            batch_size = resolve_batch_size(self.batch_size, n_train)
            n_outputs = Y.shape[1]

            def make_module():
                from ._torch_modules import TCN

                return TCN(X.shape[1], self._n_lags, int(self.channels), int(self.n_blocks),
                           int(self.kernel_size), int(self.hidden), n_outputs,
                           float(self.dropout)).to(device)

            fitted = {"x_mean_": x_mean, "x_scale_": x_scale, "y_mean_": y_mean,
                      "y_scale_": y_scale, "_y_1d": y.ndim == 1, "_y_bounds": target_bounds(Y),
                      "n_outputs_": n_outputs, "device_": str(device)}
            module, history, n_iter, best_epoch = self._fit_module(
                make_module, W, standardize(Y, y_mean, y_scale), n_train, seed=self._seed(),
                device=device, epochs=int(self.max_epochs), batch_size=batch_size,
                monitor=self._monitor, history=new_history(), n_iter=0,
                flops=3.0 * batch_size * self._flops_per_window(X.shape[1], n_outputs),
                fitted=fitted)
            vars(self).update({**fitted, "module_": module, "history_": history,
                               "n_iter_": n_iter, "best_epoch_": best_epoch})
        return self

    # ---- hooks of the torch base
    def _loss(self, out, target):
        import torch.nn.functional as F

        return F.mse_loss(out, target)

    def _error_function(self, fitted, device):
        """``f(out, target)``: summed Euclidean error in original units x 100 (cm)."""
        import torch

        scale = torch.as_tensor(fitted["y_scale_"], dtype=torch.float32, device=device)
        return lambda out, target: 100.0 * torch.linalg.vector_norm(
            (out - target) * scale, dim=1).sum()

    def _chance_output(self, target):
        return target.mean(dim=0, keepdim=True).expand_as(target)

    # ------------------------------------------------------------------ predict
    def predict(self, X, groups=None):
        """Decoded positions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_cells)
            Consecutive time bins (one block unless ``groups`` is given).
        groups : array-like of shape (n_samples,), optional
            Block label per row; windows never cross a change of label, so predicting
            several blocks at once equals predicting each alone.

        Returns
        -------
        y_pred : ndarray of shape (n_samples, D) or (n_samples,)
            Positions in metres, float64.
        """
        check_is_fitted(self, "module_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        W = self._windows(standardize(X, self.x_mean_, self.x_scale_),
                          block_starts(len(X), groups=groups))
        out = self._predict_module(W, self._flops_per_window(X.shape[1], self.n_outputs_),
                                   self.n_outputs_)
        out = out * self.y_scale_ + self.y_mean_
        out = out[:, 0] if self._y_1d else out
        return check_predictions(out, self._y_bounds, type(self).__name__)
