"""A temporal-convolution sequence decoder in PyTorch: seconds of spike history -> position.

:class:`TorchSequenceRegressor` decodes the position at each time bin from the spike counts
of a window of ``context`` earlier and ``future`` later bins. The window (cells x time) goes
through a per-bin embedding of the cells (1x1 convolution), residual dilated temporal
convolutions (dilations 1, 2, 4, ...) that share weights over time, then a linear read-out
of the whole window (so the network learns how much each lag counts) and a small MLP head.

It follows the contract of the other torch models (:mod:`placedecode.models._torch_mlp`):
torch imported lazily, ``device="auto"``, float32 training, seeded by ``random_state``
without touching the caller's torch RNG, ``history_`` per epoch, early stopping on the END
of the training samples with the best epoch restored, :class:`TrainingDivergedError` on a
non-finite loss.

Blocks
------
``X`` rows are consecutive time bins. Windows never reach across a block edge: they are
padded by repeating the block's first/last bin (see :mod:`placedecode.features`). By
default each call's input is one block; pass ``groups`` (a label per row) to ``fit`` /
``predict`` when the rows hold several blocks, e.g. the training bins before and after a
cross-validation test block.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from ..features import block_starts, lagged
from ._base import check_loss_finite, fit_standardizer, new_history, time_series_validation_split

__all__ = ["TorchSequenceRegressor"]


def _build_tcn(n_cells, n_lags, channels, n_blocks, kernel_size, hidden, n_out, dropout):
    import torch
    from torch import nn

    class Block(nn.Module):
        def __init__(self, dilation):
            super().__init__()
            pad = dilation * (kernel_size - 1) // 2
            self.conv = nn.Conv1d(channels, channels, kernel_size, padding=pad, dilation=dilation)
            self.drop = nn.Dropout(dropout)

        def forward(self, h):
            out = self.conv(h)
            out = out[..., : h.shape[-1]]
            return h + self.drop(torch.relu(out))

    class TCN(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Conv1d(n_cells, channels, 1)
            self.blocks = nn.Sequential(*[Block(2 ** i) for i in range(n_blocks)])
            self.head = nn.Sequential(
                nn.Flatten(), nn.Dropout(dropout), nn.Linear(channels * n_lags, hidden), nn.ReLU(),
                nn.Linear(hidden, n_out),
            )

        def forward(self, x):  # x: (batch, n_lags, n_cells)
            h = torch.relu(self.embed(x.transpose(1, 2)))
            return self.head(self.blocks(h))

    return TCN()


class TorchSequenceRegressor(RegressorMixin, BaseEstimator):
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
    hidden : int, default=128
        Width of the read-out layer.
    dropout : float, default=0.2
    learning_rate : float, default=3e-3
        Peak of the one-cycle schedule (Adam).
    l2 : float, default=1e-3
        Weight decay of the weights (not biases).
    batch_size : int, default=64
    max_epochs : int, default=25
    early_stopping : bool, default=True
        Hold out the LAST ``validation_fraction`` of the samples (in time order), restore
        the weights of the epoch with the lowest mean validation error in cm.
    validation_fraction : float, default=0.1
    device : str, default="auto"
    n_threads : int or None, default=None
        torch CPU threads during ``fit``/``predict`` (restored afterwards).
    random_state : int, RandomState instance or None, default=None
    verbose : bool, default=False

    Attributes
    ----------
    module_ : torch.nn.Module
    history_ : dict of lists
        ``epoch``, ``train_loss``, ``train_error``, ``val_loss``, ``val_error`` (cm).
    n_iter_, best_epoch_ : int
    x_mean_, x_scale_ : ndarray of shape (n_cells,)
    y_mean_, y_scale_ : ndarray of shape (n_outputs_,)
    n_features_in_, n_outputs_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from placedecode.models import TorchSequenceRegressor
    >>> rng = np.random.default_rng(0)
    >>> y = np.cumsum(rng.normal(0, 0.02, size=(600, 1)), axis=0)        # a slow path (m)
    >>> X = rng.poisson(np.exp(-(y - np.linspace(-0.5, 0.5, 6)) ** 2 / 0.05))
    >>> model = TorchSequenceRegressor(context=5, max_epochs=5, n_threads=1,
    ...                                random_state=0).fit(X, y)
    >>> model.predict(X[:10]).shape
    (10, 1)
    """

    _parameter_constraints: dict = {
        "context": [Interval(numbers.Integral, 0, None, closed="left")],
        "future": [Interval(numbers.Integral, 0, None, closed="left"), None],
        "channels": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_blocks": [Interval(numbers.Integral, 0, None, closed="left")],
        "kernel_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden": [Interval(numbers.Integral, 1, None, closed="left")],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "l2": [Interval(numbers.Real, 0, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "device": [str],
        "n_threads": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, context=20, future=None, *, channels=32, n_blocks=3, kernel_size=3,
                 hidden=128, dropout=0.2, learning_rate=3e-3, l2=1e-3, batch_size=64,
                 max_epochs=25, early_stopping=True, validation_fraction=0.1, device="auto",
                 n_threads=None, random_state=None, verbose=False):
        self.context = context
        self.future = future
        self.channels = channels
        self.n_blocks = n_blocks
        self.kernel_size = kernel_size
        self.hidden = hidden
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.l2 = l2
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    # ------------------------------------------------------------------ helpers
    @property
    def _future(self):
        return self.context if self.future is None else self.future

    def _windows(self, X, groups):
        """(T, n_lags, n_cells) float32 windows of standardised inputs, within blocks."""
        Xs = (X - self.x_mean_) / self.x_scale_
        starts = block_starts(len(Xs), groups=groups)
        Z = lagged(Xs, int(self.context), int(self._future), starts=starts)
        return Z.reshape(len(Xs), -1, Xs.shape[1]).astype(np.float32)

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
            Block label per row; windows never cross a change of label.

        Returns
        -------
        self : TorchSequenceRegressor
        """
        import torch

        from ._torch_mlp import _resolve_device, _torch_cpu_settings

        self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        self._y_1d = y.ndim == 1
        Y = y.reshape(len(y), -1)
        self.n_outputs_ = Y.shape[1]
        self.x_mean_, self.x_scale_ = fit_standardizer(X)
        self.y_mean_, self.y_scale_ = fit_standardizer(Y)
        W = self._windows(X, groups)
        Ys = ((Y - self.y_mean_) / self.y_scale_).astype(np.float32)
        n = len(W)
        n_train = time_series_validation_split(n, self.validation_fraction) if self.early_stopping else n
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        device = _resolve_device(self.device)
        self.device_ = str(device)
        with _torch_cpu_settings(self.n_threads, flush_denormal=True):
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                module = _build_tcn(X.shape[1], W.shape[1], int(self.channels), int(self.n_blocks),
                                    int(self.kernel_size), int(self.hidden), self.n_outputs_,
                                    float(self.dropout)).to(device)
                self.module_ = module
                self._train(torch.as_tensor(W, device=device), torch.as_tensor(Ys, device=device),
                            n_train, torch.Generator().manual_seed(seed))
        return self

    def _train(self, W, Ys, n_train, generator):
        import torch
        import torch.nn.functional as F

        module = self.module_
        scale = torch.as_tensor(self.y_scale_, dtype=torch.float32, device=W.device)
        bs = max(1, min(int(self.batch_size), n_train))
        n_batches = -(-n_train // bs)
        optimizer = _build_optimizer_safe(module, self.learning_rate, self.l2)
        total = self.max_epochs * n_batches
        schedule = (torch.optim.lr_scheduler.OneCycleLR(  # warm-up needs >= 2 steps
            optimizer, max_lr=self.learning_rate, total_steps=total,
            pct_start=min(0.5, max(0.1, 2.0 / total))) if total >= 4 else None)
        self.history_, self.n_iter_ = new_history(), 0
        best, best_state, self.best_epoch_ = np.inf, None, 0
        Wt, Yt = W[:n_train], Ys[:n_train]
        val = (W[n_train:], Ys[n_train:]) if n_train < len(W) else None
        for _ in range(self.max_epochs):
            module.train()
            order = torch.randperm(n_train, generator=generator).to(W.device)
            loss_sum = err_sum = 0.0
            for start in range(0, n_train, bs):
                b = order[start:start + bs]
                out = module(Wt[b])
                loss = F.mse_loss(out, Yt[b])
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                if schedule is not None:
                    schedule.step()
                with torch.no_grad():
                    loss_sum += float(loss) * len(b)
                    err_sum += float(100 * torch.linalg.vector_norm((out - Yt[b]) * scale, dim=1).sum())
            self.n_iter_ += 1
            rec = {"epoch": self.n_iter_, "train_loss": loss_sum / n_train,
                   "train_error": err_sum / n_train}
            check_loss_finite(rec["train_loss"], self.n_iter_, self.learning_rate)
            if val is not None:
                module.eval()
                with torch.no_grad():
                    out = module(val[0])
                    rec["val_loss"] = float(F.mse_loss(out, val[1]))
                    rec["val_error"] = float(100 * torch.linalg.vector_norm((out - val[1]) * scale, dim=1).mean())
                check_loss_finite(rec["val_loss"], self.n_iter_, self.learning_rate)
            for k, v in rec.items():
                self.history_[k].append(v)
            monitored = rec["val_error"] if val is not None else rec["train_error"]
            if monitored < best:
                best, self.best_epoch_ = monitored, self.n_iter_
                if val is not None:
                    best_state = {k: v.detach().clone() for k, v in module.state_dict().items()}
            if self.verbose:
                print(rec)
        if best_state is not None:
            module.load_state_dict(best_state)
        else:
            self.best_epoch_ = self.n_iter_
        module.eval()

    # ------------------------------------------------------------------ predict
    def predict(self, X, groups=None):
        """Decoded positions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_cells)
            Consecutive time bins (one block unless ``groups`` is given).
        groups : array-like of shape (n_samples,), optional

        Returns
        -------
        y_pred : ndarray of shape (n_samples, D) or (n_samples,)
            Positions in metres, float64.
        """
        import torch

        from ._torch_mlp import _torch_cpu_settings

        check_is_fitted(self, "module_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        W = self._windows(X, groups)
        device = next(self.module_.parameters()).device
        outs = []
        with _torch_cpu_settings(self.n_threads), torch.no_grad():
            self.module_.eval()
            for s in range(0, len(W), 4096):
                outs.append(self.module_(torch.as_tensor(W[s:s + 4096], device=device)).cpu().numpy())
        out = (np.concatenate(outs).astype(np.float64) if outs else np.zeros((0, self.n_outputs_)))
        out = out * self.y_scale_ + self.y_mean_
        return out[:, 0] if self._y_1d else out


def _build_optimizer_safe(module, learning_rate, l2):
    from ._torch_mlp import _build_optimizer

    return _build_optimizer(module, "adam", learning_rate, l2)
