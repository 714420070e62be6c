"""Deep PyTorch multilayer perceptrons with scikit-learn's estimator API.

:class:`TorchMLPRegressor` decodes positions (mean squared error) and
:class:`TorchMLPClassifier` decodes labels (softmax cross-entropy). Both share one training
loop, :class:`_TorchMLPBase`, which follows the contract in :mod:`placedecode.models._base`
(history, time-ordered validation slice, divergence check) so that they can be swapped for
the hand-coded NumPy networks.

torch is imported inside the methods that need it, never at module import, so that
``import placedecode`` and ``import placedecode.models`` stay light.

Training, in order
------------------
1. ``X`` (and, for the regressor, ``y``) are standardised to zero mean and unit variance
   with :func:`~placedecode.models._base.fit_standardizer` (``standardize=True``, the
   regressor's default), or only centred (``"center"``, the classifier's default).
2. With ``early_stopping=True`` the LAST ``validation_fraction`` of the samples is held out
   (:func:`~placedecode.models._base.time_series_validation_split`; never shuffled).
3. Mini-batches of ``batch_size`` samples are drawn by a seeded permutation each epoch; the
   optimiser's learning rate follows ``lr_schedule``.
4. After each epoch a monitored quantity on the validation slice (on the training samples
   without early stopping) is compared with the best so far: the mean Euclidean error in
   cm for the regressor, the cross-entropy for the classifier. Training stops after
   ``n_iter_no_change`` epochs without a decrease larger than ``tol``, or after
   ``max_epochs``; with early stopping the weights of the best epoch are restored.

   Why the regressor watches the error and not its loss: the squared error of a validation
   slice is dominated by the few samples in spots the animal never visited during
   training, so its minimum can come at epoch 2 while the mean error in cm keeps falling
   until the end (grid cells, seed 1: restoring by loss gave 5.6 cm, by error ~1.5 cm).
"""

from __future__ import annotations

import contextlib
import copy
import numbers
import re

import numpy as np
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._base import (
    check_loss_finite,
    fit_standardizer,
    new_history,
    time_series_validation_split,
)

__all__ = ["TorchMLPRegressor", "TorchMLPClassifier"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "gelu", "identity")
OPTIMIZERS = ("adam", "adamw", "sgd", "momentum", "rmsprop")
LR_SCHEDULES = ("onecycle", "cosine", "plateau", "constant")
_DEVICE_PATTERN = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")
_PREDICT_CHUNK = 65536  # rows per forward pass at prediction time (bounds memory)


def _resolve_device(device):
    """Map the ``device`` parameter to a ``torch.device``, checking availability."""
    import torch

    if not isinstance(device, str) or not _DEVICE_PATTERN.match(device):
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda', 'cuda:<index>' or 'mps'; got {device!r}."
        )
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} but torch.cuda.is_available() is False (torch "
                f"{torch.__version__}). Use device='auto' or 'cpu'."
            )
        index = int(device.split(":")[1]) if ":" in device else 0
        if index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} but only {torch.cuda.device_count()} CUDA device(s) "
                f"are visible (indices 0 to {torch.cuda.device_count() - 1})."
            )
    if device == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device='mps' but torch.backends.mps.is_available() is False.")
    return torch.device(device)


@contextlib.contextmanager
def _torch_cpu_settings(n_threads, flush_denormal=False):
    """Temporarily set torch's CPU threads (None: leave them) and denormal flushing.

    Late in training Adam's second-moment estimates and many gradients become subnormal
    floats, which x86 CPUs process ~100x slower; flushing them to zero halved the training
    time of the default network here without changing its predictions. torch cannot report
    the previous flush mode, so it is reset to torch's default (off) afterwards.
    """
    import torch

    previous = torch.get_num_threads()
    if n_threads is not None:
        torch.set_num_threads(int(n_threads))
    if flush_denormal:
        torch.set_flush_denormal(True)
    try:
        yield
    finally:
        if flush_denormal:
            torch.set_flush_denormal(False)
        if n_threads is not None:
            torch.set_num_threads(previous)


def _build_module(n_in, hidden_layer_sizes, n_out, activation):
    """``nn.Sequential`` of Linear layers with ``activation`` between them (none at the end)."""
    from torch import nn

    make_activation = {
        "relu": nn.ReLU,
        "tanh": nn.Tanh,
        "sigmoid": nn.Sigmoid,
        "gelu": nn.GELU,
        "identity": nn.Identity,
    }[activation]
    layers = []
    for width in hidden_layer_sizes:
        layers += [nn.Linear(n_in, width), make_activation()]
        n_in = width
    layers.append(nn.Linear(n_in, n_out))
    return nn.Sequential(*layers)


def _build_optimizer(module, name, learning_rate, l2):
    """The optimiser; ``l2`` decays weight matrices only, never biases.

    Adam, AdamW and SGD use torch's fused kernels where available: with small mini-batches
    the per-step overhead dominates, and fusing makes a CPU epoch ~1.5x faster here.
    """
    import torch

    weights = [p for n, p in module.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in module.named_parameters() if not n.endswith("weight")]
    groups = ([{"params": weights, "weight_decay": l2}, {"params": biases, "weight_decay": 0.0}]
              if l2 > 0 else list(module.parameters()))  # one group: one fused kernel a step
    cls, kwargs = {
        "adam": (torch.optim.Adam, {}),
        "adamw": (torch.optim.AdamW, {}),
        "sgd": (torch.optim.SGD, {}),
        "momentum": (torch.optim.SGD, {"momentum": 0.9}),
        "rmsprop": (torch.optim.RMSprop, {}),
    }[name]
    if name != "rmsprop":
        try:
            return cls(groups, lr=learning_rate, fused=True, **kwargs)
        except (RuntimeError, TypeError, ValueError):  # no fused kernel for this device
            pass
    return cls(groups, lr=learning_rate, **kwargs)


class _TorchMLPBase(BaseEstimator):
    """Training loop shared by :class:`TorchMLPRegressor` and :class:`TorchMLPClassifier`.

    Subclasses provide the target handling and the loss through five hooks
    (``_validate_kwargs``, ``_prepare_targets``, ``_targets_tensor_dtype``, ``_loss``,
    ``_error_function``) and choose what early stopping watches with ``_monitor``
    ("error" or "loss", of the ``history_`` keys).
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(numbers.Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "lr_schedule": [StrOptions(set(LR_SCHEDULES))],
        "l2": [Interval(numbers.Real, 0, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left"),
                       Interval(numbers.Real, 0, 1, closed="right")],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "min_steps": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "standardize": ["boolean", StrOptions({"center"})],
        "device": [str],
        "n_threads": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(200, 200, 200, 200, 200),
        *,
        activation="relu",
        optimizer="adam",
        learning_rate=1e-2,
        lr_schedule="onecycle",
        l2=0.0,
        batch_size=64,
        max_epochs=12,
        min_steps=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=0.0,
        standardize=True,
        device="auto",
        n_threads=None,
        random_state=None,
        verbose=False,
        warm_start=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.l2 = l2
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.min_steps = min_steps
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.standardize = standardize
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    # ------------------------------------------------------------------ validation
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, numbers.Integral) else list(sizes)
        if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 1
                   for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be a positive integer or a sequence of positive "
                f"integers (one width per hidden layer); got {self.hidden_layer_sizes!r}."
            )
        return [int(s) for s in sizes]

    # ------------------------------------------------------------------ fitting
    def _fit(self, X, y):
        import torch

        self._validate_params()
        hidden = self._hidden_sizes()
        device = _resolve_device(self.device)
        warm = self.warm_start and hasattr(self, "module_")
        X, y = validate_data(self, X, y, reset=not warm, **self._validate_kwargs())
        targets, n_outputs = self._prepare_targets(y, warm)
        if warm and n_outputs != self.n_outputs_:
            raise ValueError(
                f"warm_start=True needs targets with the {self.n_outputs_} outputs of the "
                f"previous fit; got {n_outputs}. Pass warm_start=False to start over."
            )
        if not warm:
            self.x_mean_, self.x_scale_ = fit_standardizer(X, self.standardize)
        Xs = self._standardize_X(X)

        n_samples = len(Xs)
        n_train = (
            time_series_validation_split(n_samples, self.validation_fraction)
            if self.early_stopping else n_samples
        )
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))

        with _torch_cpu_settings(self.n_threads, flush_denormal=True):
            if warm:
                fitted_hidden = [layer.out_features for layer in self._linear_layers()[:-1]]
                if fitted_hidden != hidden:
                    raise ValueError(
                        f"warm_start=True cannot change the architecture: the fitted network "
                        f"has hidden layers {fitted_hidden}, got "
                        f"hidden_layer_sizes={self.hidden_layer_sizes!r}."
                    )
                previous = (copy.deepcopy(self.module_.state_dict()),
                            copy.deepcopy(self.history_), self.n_iter_, self.best_epoch_)
                self.module_ = self.module_.to(device)
            else:
                with torch.random.fork_rng(devices=[]):  # leave the caller's torch RNG alone
                    torch.manual_seed(seed)
                    module = _build_module(X.shape[1], hidden, n_outputs, self.activation)
                self.module_ = module.to(device)
                self.history_ = new_history()
                self.n_iter_ = 0
                self.best_epoch_ = 0
                self.n_outputs_ = n_outputs
            self.device_ = str(device)
            X_t = torch.as_tensor(Xs, dtype=torch.float32, device=device)
            y_t = torch.as_tensor(targets, dtype=self._targets_tensor_dtype(), device=device)
            try:
                self._train(
                    X_t[:n_train], y_t[:n_train],
                    (X_t[n_train:], y_t[n_train:]) if n_train < n_samples else None,
                    torch.Generator().manual_seed(seed),
                )
            except BaseException:  # diverged or interrupted: never leave half-trained weights
                if warm:
                    self.module_.load_state_dict(previous[0])
                    self.history_, self.n_iter_, self.best_epoch_ = previous[1:]
                else:
                    del self.module_
                raise
        return self

    def _n_epochs(self, n_batches):
        """``max_epochs``, raised so that training makes at least ``min_steps`` updates."""
        if self.min_steps is None:
            return self.max_epochs
        return max(self.max_epochs, -(-int(self.min_steps) // n_batches))

    def _make_schedule(self, optimizer, n_batches):
        import torch

        total = self._n_epochs(n_batches) * n_batches
        if self.lr_schedule == "onecycle":
            return torch.optim.lr_scheduler.OneCycleLR(
                optimizer, max_lr=self.learning_rate, total_steps=total, pct_start=0.1,
                cycle_momentum=self.optimizer in ("adam", "adamw", "momentum"),
            )
        if self.lr_schedule == "cosine":
            return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
        if self.lr_schedule == "plateau":
            patience = 10 if self.n_iter_no_change is None else self.n_iter_no_change
            return torch.optim.lr_scheduler.ReduceLROnPlateau(
                optimizer, factor=0.2, patience=max(1, patience // 3), threshold=self.tol,
                threshold_mode="abs",
            )
        return None

    def _train(self, X_train, y_train, validation, generator):
        """Mini-batch training with history, early stopping and best-weight restoring."""
        import torch

        module = self.module_
        error_sum_of = self._error_function(X_train.device)
        n_train = len(X_train)
        batch_size = self.batch_size
        if not isinstance(batch_size, numbers.Integral):  # a fraction of the samples
            batch_size = int(np.ceil(batch_size * n_train))
        batch_size = max(1, min(int(batch_size), n_train))
        n_batches = -(-n_train // batch_size)
        optimizer = _build_optimizer(module, self.optimizer, self.learning_rate, self.l2)
        schedule = self._make_schedule(optimizer, n_batches)
        per_batch_schedule = self.lr_schedule in ("onecycle", "cosine")

        best_score, best_state, best_epoch, stale = np.inf, None, self.n_iter_, 0
        epochs = range(self._n_epochs(n_batches))
        if self.verbose:
            from tqdm.auto import tqdm

            epochs = tqdm(epochs, desc=type(self).__name__, unit="epoch")
        parameters = list(module.parameters())
        for _ in epochs:
            module.train()
            order = torch.randperm(n_train, generator=generator).to(X_train.device)
            X_epoch, y_epoch = X_train[order], y_train[order]  # one gather; batches are views
            loss_sum = torch.zeros((), device=X_train.device)
            error_sum = torch.zeros((), device=X_train.device)
            for start in range(0, n_train, batch_size):
                xb, yb = X_epoch[start:start + batch_size], y_epoch[start:start + batch_size]
                out = module(xb)
                loss = self._loss(out, yb)
                for p in parameters:  # optimizer.zero_grad(set_to_none=True), minus overhead
                    p.grad = None
                loss.backward()
                optimizer.step()
                if per_batch_schedule:
                    schedule.step()
                with torch.no_grad():
                    loss_sum += loss.detach() * len(xb)
                    error_sum += error_sum_of(out.detach(), yb)
            self.n_iter_ += 1
            train_loss = float(loss_sum) / n_train
            check_loss_finite(train_loss, self.n_iter_, self.learning_rate)
            record = {"train_loss": train_loss, "train_error": float(error_sum) / n_train}
            if validation is not None:
                record["val_loss"], record["val_error"] = self._evaluate(*validation, error_sum_of)
                check_loss_finite(record["val_loss"], self.n_iter_, self.learning_rate)
            elif self.history_["val_loss"]:  # warm start after a validated fit: equal lengths
                record["val_loss"] = record["val_error"] = float("nan")
            for key, value in {"epoch": self.n_iter_, **record}.items():
                self.history_[key].append(value)

            monitored = record[("val_" if validation is not None else "train_") + self._monitor]
            if schedule is not None and not per_batch_schedule:
                schedule.step(monitored)
            stale = 0 if monitored < best_score - self.tol else stale + 1
            if monitored < best_score:
                best_score, best_epoch = monitored, self.n_iter_
                if validation is not None:
                    best_state = {k: v.detach().clone() for k, v in module.state_dict().items()}
            if self.verbose:
                epochs.set_postfix(record)
            if self.n_iter_no_change is not None and stale >= self.n_iter_no_change:
                break
        if self.verbose:
            epochs.close()
        if best_state is not None:
            module.load_state_dict(best_state)
            self.best_epoch_ = best_epoch
        else:
            self.best_epoch_ = self.n_iter_
        module.eval()

    def _evaluate(self, X, y, error_sum_of):
        """(mean loss, mean error) of ``module_`` on tensors ``X``, ``y`` in eval mode."""
        import torch

        self.module_.eval()
        with torch.no_grad():
            out = self.module_(X)
            return float(self._loss(out, y)), float(error_sum_of(out, y)) / len(X)

    # ------------------------------------------------------------------ prediction
    def _standardize_X(self, X):
        Xs = (X - self.x_mean_) / self.x_scale_
        if not np.all(np.abs(Xs) < np.finfo(np.float32).max):
            raise ValueError(
                "X has values too large to represent in float32 after standardisation "
                f"(largest |value| {np.max(np.abs(X)):.3g}); rescale X."
            )
        return Xs

    def _forward(self, X):
        """Raw network outputs (float64) for validated ``X`` (n_samples, n_features).

        The float32 weights are evaluated in float64 (float32 on "mps", which has no
        float64), so a sample's prediction does not depend on which other samples share
        its batch (float32 matrix kernels round differently for different batch sizes).
        """
        import torch
        from torch.func import functional_call

        Xs = self._standardize_X(X)
        module = self.module_
        device = next(module.parameters()).device  # CPU after unpickling
        dtype = torch.float32 if device.type == "mps" else torch.float64
        outputs = []
        with _torch_cpu_settings(self.n_threads), torch.no_grad():
            module.eval()
            params = {name: p.to(dtype) for name, p in module.state_dict().items()}
            for start in range(0, len(Xs), _PREDICT_CHUNK):
                chunk = torch.as_tensor(Xs[start:start + _PREDICT_CHUNK], dtype=dtype,
                                        device=device)
                outputs.append(functional_call(module, params, (chunk,)).cpu().numpy())
        out = (np.concatenate(outputs).astype(np.float64) if outputs
               else np.zeros((0, self.n_outputs_)))
        if not np.all(np.isfinite(out)):
            raise FloatingPointError(
                "The network produced non-finite outputs (overflow); the input is probably "
                "far outside the range seen in fit."
            )
        return out

    # ------------------------------------------------------------------ weights
    def _linear_layers(self):
        check_is_fitted(self, "module_")
        return [layer for layer in self.module_ if hasattr(layer, "weight")]

    @property
    def coefs_(self):
        """list of ndarray: weight matrix of each layer, shape ``(n_out, n_in)``.

        The tutorial's orientation (``coefs_[0]`` is ``(n_hidden_1, n_features)``: row ``j``
        is hidden unit ``j``'s weight on each cell). With ``standardize=True`` the first layer
        acts on standardised inputs ``(X - x_mean_) / x_scale_``. Copies, as float64.
        """
        return [layer.weight.detach().cpu().numpy().astype(np.float64)
                for layer in self._linear_layers()]

    @property
    def intercepts_(self):
        """list of ndarray: bias vector of each layer, shape ``(n_out,)``, float64 copies."""
        return [layer.bias.detach().cpu().numpy().astype(np.float64)
                for layer in self._linear_layers()]

    def __getstate__(self):
        state = super().__getstate__()
        module = state.get("module_")
        if module is not None and next(module.parameters()).device.type != "cpu":
            state["module_"] = copy.deepcopy(module).cpu()
        return state


_COMMON_PARAMETERS_DOC = """
    hidden_layer_sizes : int or sequence of int, default=(200, 200, 200, 200, 200)
        Width of each hidden layer (the tutorial's 5 layers of 200 units).
    activation : {"relu", "tanh", "sigmoid", "gelu", "identity"}, default="relu"
        Non-linearity after each hidden layer ("gelu": ``torch.nn.GELU``, exact erf form).
    optimizer : {"adam", "adamw", "sgd", "momentum", "rmsprop"}, default="adam"
        "momentum" is SGD with momentum 0.9; "adamw" decouples the ``l2`` decay.
    learning_rate : float, default=1e-2
        Step size; the peak of the cycle for ``lr_schedule="onecycle"`` and the starting
        value for the other schedules.
    lr_schedule : {"onecycle", "cosine", "plateau", "constant"}, default="onecycle"
        Learning-rate schedule. "onecycle": warm up over the first 10 % of
        ``max_epochs`` then anneal to ~0 (``torch.optim.lr_scheduler.OneCycleLR``, stepped
        per mini-batch; Adam's beta_1, or the momentum, cycles inversely between 0.95 and
        0.85); "cosine": cosine annealing from ``learning_rate`` to 0 over
        ``max_epochs``; "plateau": divide by 5 when the monitored <MONITOR> has not
        decreased by more than ``tol`` for ``max(1, n_iter_no_change // 3)`` epochs (3 when
        ``n_iter_no_change`` is None); "constant": no schedule.
    l2 : float, default=0.0
        L2 penalty: ``l2 * w`` is added to each weight's gradient (``l2 / 2 * ||W||²``
        added to the mean loss); biases are not penalised.
    batch_size : int or float, default=64
        Samples per mini-batch; a float in (0, 1] is a fraction of the training samples.
        Clipped to the number of training samples.
    max_epochs : int, default=12
        Passes over the training samples (also the length of the "onecycle" and "cosine"
        schedules).
    min_steps : int or None, default=None
        If set, train for at least this many mini-batch updates: on small data sets the
        number of epochs is raised to ``ceil(min_steps / batches per epoch)`` (and the
        schedule planned over it); on large ones ``max_epochs`` already gives more.
    early_stopping : bool, default=False
        Hold out the last ``validation_fraction`` of the samples (in time order), monitor
        its <MONITOR> after every epoch, stop when it stops improving (see
        ``n_iter_no_change``) and restore the weights of the best epoch (``best_epoch_``).
        When False, the same quantity on the training samples decides when to stop and the
        last epoch's weights are kept.
    validation_fraction : float, default=0.1
        Fraction of the samples, taken from the END, used for validation.
    n_iter_no_change : int or None, default=None
        Epochs without a decrease of the monitored <MONITOR> larger than ``tol`` before
        stopping. None (the default) always runs ``max_epochs``: the "onecycle" and
        "cosine" schedules are planned over ``max_epochs`` and stopping mid-way would skip
        their low learning rates. The best epoch is restored either way.
    tol : float, default=0.0
        Minimum decrease of the monitored <MONITOR> that counts as an improvement.
    standardize : bool or "center", default=True
        Standardise inputs<Y_STANDARDIZE> with the training mean and standard deviation
        (silent cells map to 0); "center" only subtracts the mean; False leaves them as
        they are. Predictions are returned in the original units.
    device : str, default="auto"
        "auto" (CUDA when available, else CPU), "cpu", "cuda", "cuda:<index>" or "mps".
    n_threads : int or None, default=None
        CPU threads torch may use during ``fit`` and ``predict`` (restored afterwards);
        None leaves ``torch.get_num_threads()`` as it is. On a shared machine 1 thread is
        often fastest for a network this size.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation and mini-batch order. The global torch random state of
        the caller is left untouched.
    verbose : bool or int, default=False
        Show a tqdm progress bar with the losses of each epoch.
    warm_start : bool, default=False
        Continue training the previous fit's network (same standardisation, fresh optimiser
        and schedule); the history is appended to and ``n_iter_`` keeps counting.
"""

_COMMON_ATTRIBUTES_DOC = """
    module_ : torch.nn.Sequential
        The trained network (on ``device_``; on the CPU after unpickling).
    coefs_ : list of ndarray of shape (n_out, n_in)
        Weight matrix of each layer, tutorial orientation (see the property).
    intercepts_ : list of ndarray of shape (n_out,)
        Bias vector of each layer.
    history_ : dict of lists
        Per-epoch ``epoch``, ``train_loss``, ``train_error``, ``val_loss``, ``val_error``
        (format in :mod:`placedecode.models._base`); the training values are averaged over
        the epoch's mini-batches, the validation values use the end-of-epoch weights.
    n_iter_ : int
        Epochs run (summed over warm starts).
    best_epoch_ : int
        Epoch whose weights the model holds (the last one without early stopping).
    device_ : str
        Device used for training.
    x_mean_, x_scale_ : ndarray of shape (n_features,)
        Input standardisation (zeros and ones when ``standardize=False``).
    n_features_in_ : int
        Number of input features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` was a DataFrame with string column names.
"""


class TorchMLPRegressor(RegressorMixin, _TorchMLPBase):
    __doc__ = (
        """Deep PyTorch multilayer perceptron for decoding positions (mean squared error).

    The tutorial's network (5 hidden layers of 200 ReLU units, Adam) with what it needs to
    train reliably: standardised inputs and targets and a one-cycle learning-rate
    schedule; optionally a time-ordered validation slice with best-weight restoring.

    The defaults (12 epochs of mini-batches of 64, learning rate peaking at 1e-2, no
    early stopping) were tuned on the tutorial's recordings (25 cells, 10 min, 80 %
    train) on one CPU thread: about 0.19 cm mean test error on place cells and 1.5 cm on
    grid cells in about 1 s per fit (``benchmarks/bench_decoding.py``). Early stopping is
    off because the one-cycle schedule ends at a learning rate near 0, so the last
    epoch is about the best anyway, and the validation slice would take the most recent
    10 % of the recording out of training: that is where the test positions are most
    likely to have been visited (grid cells, 15 epochs: 1.84 cm with early stopping,
    1.56 cm without; most of the remaining error comes from the few test positions more
    than 5 cm from any training position). Between 10 and 15 epochs grid cells give
    1.43-1.56 cm. A smooth non-linearity generalises better to such places:
    ``activation="gelu", max_epochs=15`` gives 0.12 cm (place) and 1.17 cm (grid) at
    ~1.5x the time.

    Parameters
    ----------"""
        + _COMMON_PARAMETERS_DOC.replace("<Y_STANDARDIZE>", " and targets").replace(
            "<MONITOR>", "mean Euclidean error (cm)")
        + """
    Attributes
    ----------"""
        + _COMMON_ATTRIBUTES_DOC
        + """    y_mean_, y_scale_ : ndarray of shape (n_outputs_,)
        Target standardisation, in target units (metres).
    n_outputs_ : int
        Number of targets (position dimensions).

    Notes
    -----
    ``history_["train_error"]`` and ``["val_error"]`` are mean Euclidean errors times 100
    (centimetres for targets in metres); the losses are the mean squared error in
    standardised units. Training is float32; predictions evaluate the float32 weights in
    float64 and are returned as float64. While it trains, ``fit`` flushes subnormal floats to
    zero (``torch.set_flush_denormal``; twice as fast on x86 CPUs late in training) and
    switches flushing off again afterwards.

    See Also
    --------
    LinearRegressor : closed-form linear decoder.
    NumpyMLPRegressor : the same network hand-coded in NumPy.

    Examples
    --------
    >>> import numpy as np
    >>> from placedecode.models import TorchMLPRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((500, 4))                      # rates (n_samples, n_cells)
    >>> y = np.c_[np.sin(3 * X[:, 0]), X[:, 1] * X[:, 2]]   # positions in metres
    >>> model = TorchMLPRegressor(hidden_layer_sizes=(64, 64), max_epochs=30,
    ...                           n_threads=1, random_state=0).fit(X, y)
    >>> model.predict(X[:3]).shape, model.coefs_[0].shape
    ((3, 2), (64, 4))
    >>> bool(model.score(X, y) > 0.9)
    True
    """
    )

    _monitor = "error"  # early stopping watches the error in cm, not the squared error

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _validate_kwargs(self):
        return {"dtype": np.float64, "multi_output": True, "y_numeric": True}

    def _prepare_targets(self, y, warm):
        y = np.asarray(y, dtype=np.float64)
        self._y_1d = y.ndim == 1
        Y = y.reshape(len(y), -1)
        if not warm:
            self.y_mean_, self.y_scale_ = fit_standardizer(Y, self.standardize)
        return (Y - self.y_mean_) / self.y_scale_, Y.shape[1]

    def _targets_tensor_dtype(self):
        import torch

        return torch.float32

    def _loss(self, out, target):
        import torch.nn.functional as F

        return F.mse_loss(out, target)

    def _error_function(self, device):
        """``f(out, target)``: summed Euclidean error in original units x 100 (cm)."""
        import torch

        scale = torch.as_tensor(self.y_scale_, dtype=torch.float32, device=device)
        return lambda out, target: 100.0 * torch.linalg.vector_norm(
            (out - target).mul_(scale), dim=1).sum()

    def fit(self, X, y):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs in time order, e.g. firing rates in Hz.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, e.g. positions in metres.

        Returns
        -------
        self : TorchMLPRegressor
            The fitted decoder.
        """
        return self._fit(X, y)

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs in the units used for ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions in target units (metres), float64; 1-D when ``y`` was 1-D in fit.
        """
        check_is_fitted(self, "module_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        y = self._forward(X) * self.y_scale_ + self.y_mean_
        return y[:, 0] if self._y_1d else y


class TorchMLPClassifier(ClassifierMixin, _TorchMLPBase):
    __doc__ = (
        """Deep PyTorch multilayer perceptron classifier (softmax cross-entropy).

    Shares :class:`TorchMLPRegressor`'s training loop; the output layer has one unit per
    class and ``predict_proba`` is its softmax.

    The same parameters as the regressor, with defaults for image classification: the
    tutorial's 5 x 200 ReLU network trained by Adam over a fixed 20-epoch one-cycle
    schedule peaking at 1e-3, on mini-batches of 64 centred (not scaled) inputs, keeping
    the last epoch's weights. On MNIST and Fashion-MNIST that gives about 98.4 % and
    89.7 % test accuracy in 20 epochs (about 35 s on one CPU thread), where
    scikit-learn's ``MLPClassifier`` with the same layers needs about 3 minutes for 98.2 %
    on MNIST (``benchmarks/bench_mnist.py``). Why these values:

    * the regressor's learning rate (1e-2) is too high for cross-entropy on 784 inputs
      (96.3 % on MNIST);
    * ``early_stopping=False``: the one-cycle schedule ends at a learning rate near 0, so
      its last epoch is the best one, and restoring the epoch with the lowest validation
      cross-entropy instead picks an early, over-confident epoch whose error is higher
      (MNIST at learning rate 1e-3: 97.3 % with early stopping, 98.1 % without);
    * ``standardize="center"``: each pixel's training mean is subtracted but the pixels
      are not divided by their standard deviations. Centred inputs train faster (digits,
      mean of 5 seeds at 1,518 steps: 97.2 % raw, 97.9 % centred), while dividing
      nearly-always-blank pixels by their tiny standard deviations blows them up to
      values in the hundreds (MNIST 98.1 % standardised vs 98.4-98.5 % raw or centred;
      Fashion-MNIST 89.4 % vs 89.7-90.0 %). Set it to True for inputs in other units
      (firing rates in Hz).

    With few samples 20 epochs are too few updates (scikit-learn's 1,438 training digits
    make 23 mini-batches an epoch), so ``min_steps=800`` raises the number of epochs on
    small data (35 on digits; mean of seeds 0-4 with centred pixels: 97.7 % in ~1 s;
    700, 800 and 1,000 steps give 97.9, 97.7 and 98.1 %) and changes nothing on MNIST
    (20 epochs are 18,760 steps).

    Parameters
    ----------"""
        + _COMMON_PARAMETERS_DOC.replace("<Y_STANDARDIZE>", "").replace(
            "<MONITOR>", "cross-entropy")
        # the classifier's own defaults (see __init__)
        .replace("learning_rate : float, default=1e-2", "learning_rate : float, default=1e-3")
        .replace("max_epochs : int, default=12", "max_epochs : int, default=20")
        .replace("min_steps : int or None, default=None", "min_steps : int or None, default=800")
        .replace('standardize : bool or "center", default=True',
                 'standardize : bool or "center", default="center"')
        + """
    Attributes
    ----------"""
        + _COMMON_ATTRIBUTES_DOC
        + """    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted (any labels: strings, integers, ...).
    n_outputs_ : int
        Number of output units (= n_classes).

    Notes
    -----
    ``history_["train_error"]`` and ``["val_error"]`` are misclassification rates
    (1 - accuracy); the losses are the mean cross-entropy in nats.

    See Also
    --------
    LinearClassifier : closed-form least-squares classifier.
    NumpyMLPClassifier : the same network hand-coded in NumPy.

    Examples
    --------
    >>> import numpy as np
    >>> from placedecode.models import TorchMLPClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 2))
    >>> y = np.where(X[:, 0] * X[:, 1] > 0, "same sign", "opposite")
    >>> clf = TorchMLPClassifier(hidden_layer_sizes=(32, 32), max_epochs=40,
    ...                          n_threads=1, random_state=0).fit(X, y)
    >>> clf.classes_.tolist()
    ['opposite', 'same sign']
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """
    )

    _monitor = "loss"  # cross-entropy: smoother than the misclassification rate

    def __init__(
        self,
        hidden_layer_sizes=(200, 200, 200, 200, 200),
        *,
        activation="relu",
        optimizer="adam",
        learning_rate=1e-3,
        lr_schedule="onecycle",
        l2=0.0,
        batch_size=64,
        max_epochs=20,
        min_steps=800,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=0.0,
        standardize="center",
        device="auto",
        n_threads=None,
        random_state=None,
        verbose=False,
        warm_start=False,
    ):
        super().__init__(
            hidden_layer_sizes, activation=activation, optimizer=optimizer,
            learning_rate=learning_rate, lr_schedule=lr_schedule, l2=l2,
            batch_size=batch_size, max_epochs=max_epochs, min_steps=min_steps,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction, n_iter_no_change=n_iter_no_change,
            tol=tol, standardize=standardize, device=device, n_threads=n_threads,
            random_state=random_state, verbose=verbose, warm_start=warm_start,
        )

    def _validate_kwargs(self):
        return {"dtype": np.float64}

    def _prepare_targets(self, y, warm):
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        classes, index = np.unique(y, return_inverse=True)
        if warm:
            if not np.array_equal(classes, self.classes_):
                raise ValueError(
                    f"warm_start=True needs the classes of the previous fit "
                    f"{self.classes_.tolist()}; got {classes.tolist()}."
                )
        elif len(classes) < 2:
            raise ValueError(
                f"TorchMLPClassifier needs samples of at least 2 classes in y; got 1 class "
                f"({classes[0]!r})."
            )
        else:
            self.classes_ = classes
        return index, len(classes)

    def _targets_tensor_dtype(self):
        import torch

        return torch.int64

    def _loss(self, out, target):
        import torch.nn.functional as F

        return F.cross_entropy(out, target)

    def _error_function(self, device):
        """``f(out, target)``: number of misclassified samples."""
        return lambda out, target: (out.argmax(dim=1) != target).sum()

    def fit(self, X, y):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs in time order.
        y : array-like of shape (n_samples,)
            Class labels (any hashable, sortable labels).

        Returns
        -------
        self : TorchMLPClassifier
            The fitted classifier.
        """
        return self._fit(X, y)

    def predict_proba(self, X):
        """Class probabilities, the softmax of the output layer.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to 1; columns follow ``classes_``.
        """
        check_is_fitted(self, "module_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return softmax(self._forward(X), axis=1)

    def predict(self, X):
        """Predict the most probable class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
