"""What the two torch multilayer perceptrons share: the MLP fit on top of the torch base.

:class:`~placedecode.models.TorchMLPRegressor` (mean squared error, ``_torch_regressor``)
and :class:`~placedecode.models.TorchMLPClassifier` (softmax cross-entropy,
``_torch_classifier``) differ only in their targets, loss and error (the hooks of
:class:`_TorchMLPBase`), so that they can be swapped for the hand-coded NumPy networks.

Training, in order
------------------
1. ``X`` (and, for the regressor, ``y``) are standardised to zero mean and unit variance
   with :func:`~placedecode.models._base.fit_standardizer` (``standardize=True``, the
   regressor's default), or only centred (``"center"``, the classifier's default).
2. With ``early_stopping=True`` the LAST ``validation_fraction`` of the samples is held out
   (:func:`~placedecode.models._base.time_series_validation_split`; never shuffled).
3. Mini-batches of ``batch_size`` samples are drawn by a seeded permutation each epoch (the
   regressor's ``batch_sampling="random"``: a fresh batch of distinct samples every step); the
   optimiser's learning rate follows ``lr_schedule``, step by step.
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

import copy
import numbers

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import check_network_scale, fit_standardizer, new_history, standardize
from ._base import time_series_validation_split
from ._threads import mlp_step_flops
from ._torch_base import LR_SCHEDULES, OPTIMIZERS, TorchEstimator, resolve_device
from ._training import (
    check_hidden_layer_sizes,
    epoch_length,
    planned_epochs,
    resolve_batch_size,
    restore_on_failure,
)

ACTIVATIONS = ("relu", "tanh", "sigmoid", "gelu", "identity")


class _TorchMLPBase(TorchEstimator):
    """The MLP fit shared by :class:`TorchMLPRegressor` and :class:`TorchMLPClassifier`.

    Subclasses provide ``_validate_kwargs()``, ``_prepare_targets(y, warm)`` (returns the
    network's targets, the number of outputs and the fitted target attributes),
    ``_loss``, ``_error_function``, ``_chance_output`` and ``_monitor`` ("error" or
    "loss").
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
        "n_threads": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left"),
                      None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    # ------------------------------------------------------------------ fitting
    def _fit(self, X, y):
        self._validate_params()
        hidden = check_hidden_layer_sizes(self.hidden_layer_sizes)
        device = resolve_device(self.device)
        warm = self.warm_start and hasattr(self, "module_")
        with restore_on_failure(self):
            X, y = validate_data(self, X, y, reset=not warm, **self._validate_kwargs())
            targets, n_outputs, fitted = self._prepare_targets(y, warm)
            if warm:
                self._check_warm_start(hidden, n_outputs)
                x_mean, x_scale = self.x_mean_, self.x_scale_
            else:
                x_mean, x_scale = fit_standardizer(X, self.standardize)
                check_network_scale(X, x_mean, x_scale, "X", self.standardize)
            Xs = self._standardize_X(X, x_mean, x_scale)
            n_samples = len(Xs)
            n_train = (time_series_validation_split(n_samples, self.validation_fraction)
                       if self.early_stopping else n_samples)
            batch_size = resolve_batch_size(self.batch_size, n_train)
            n_seen = epoch_length(n_train, batch_size, self.batch_sampling)
            epochs = planned_epochs(self.max_epochs, self.min_steps, -(-n_seen // batch_size))

            def make_module():
                if warm:  # train a copy: the fitted network stays as it is if training fails
                    return copy.deepcopy(self.module_).to(device)
                from ._torch_modules import build_mlp

                return build_mlp(X.shape[1], hidden, n_outputs, self.activation).to(device)

            history = ({k: list(v) for k, v in self.history_.items()} if warm
                       else new_history())
            module, history, n_iter, best_epoch = self._fit_module(
                make_module, Xs, targets, n_train, seed=self._seed(), device=device,
                epochs=epochs, batch_size=batch_size, monitor=self._monitor, history=history,
                n_iter=self.n_iter_ if warm else 0,
                flops=mlp_step_flops((X.shape[1], *hidden, n_outputs), batch_size),
                fitted=fitted)
            vars(self).update({**fitted, "x_mean_": x_mean, "x_scale_": x_scale,
                               "module_": module, "history_": history, "n_iter_": n_iter,
                               "best_epoch_": best_epoch, "n_outputs_": n_outputs,
                               "device_": str(device)})
        return self

    def _check_warm_start(self, hidden, n_outputs):
        if n_outputs != self.n_outputs_:
            raise ValueError(
                f"warm_start=True needs targets with the {self.n_outputs_} outputs of the "
                f"previous fit; got {n_outputs}. Pass warm_start=False to start over."
            )
        fitted_hidden = [layer.out_features for layer in self._linear_layers()[:-1]]
        if fitted_hidden != list(hidden):
            raise ValueError(
                f"warm_start=True cannot change the architecture: the fitted network "
                f"has hidden layers {fitted_hidden}, got "
                f"hidden_layer_sizes={self.hidden_layer_sizes!r}."
            )

    # ------------------------------------------------------------------ prediction
    def _standardize_X(self, X, x_mean=None, x_scale=None, training=True):
        """Standardised ``X``; refused if the float32 network could not hold it.

        Training runs in float32; prediction in float64 (float32 only on "mps").
        """
        x_mean = self.x_mean_ if x_mean is None else x_mean
        x_scale = self.x_scale_ if x_scale is None else x_scale
        Xs = standardize(X, x_mean, x_scale)
        float32 = training or str(getattr(self, "device_", "")).startswith("mps")
        if float32 and not np.all(np.abs(Xs) < np.finfo(np.float32).max):
            raise ValueError(
                "X has values too large to represent in float32 after standardisation "
                f"(largest |value| {np.max(np.abs(X)):.3g}); rescale X."
            )
        return Xs

    def _forward(self, X):
        """Raw network outputs (float64) for validated ``X`` (n_samples, n_features)."""
        check_is_fitted(self, "module_")
        sizes = [X.shape[1], *(layer.out_features for layer in self._linear_layers())]
        with np.errstate(over="ignore", invalid="ignore"):
            Xs = self._standardize_X(X, training=False)
        return self._predict_module(Xs, mlp_step_flops(sizes, 1) / 3, self.n_outputs_)

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
