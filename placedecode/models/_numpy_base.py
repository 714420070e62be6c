r"""The training loop shared by the hand-coded NumPy regressor and classifier.

:class:`NumpyMLPRegressor` (squared error) and :class:`NumpyMLPClassifier` (softmax
cross-entropy) are thin estimators on ONE engine, :mod:`._numpy_nn`, and ONE training
layer, :mod:`._training`. They differ only in their loss, in how targets are encoded for
the network and in how predictions are decoded (the hooks of :class:`_BaseNumpyMLP`).

The forward pass and the back-propagation recursion, in the engine's column-major notation
(``Ā`` is ``A`` with a row of ones appended LAST, so the bias is the last column of ``W``;
the tutorial's own notation is in :mod:`placedecode.models.backprop`)::

    N⁽ⁿ⁾ = W⁽ⁿ⁾ Ā⁽ⁿ⁻¹⁾,   A⁽ⁿ⁾ = σ(N⁽ⁿ⁾)
    C⁽ⁿ⁻¹⁾ = σ'(N⁽ⁿ⁻¹⁾) ∘ (W⁽ⁿ⁾[:, :-1]ᵀ C⁽ⁿ⁾),   ∂L/∂W⁽ⁿ⁾ = C⁽ⁿ⁾ Ā⁽ⁿ⁻¹⁾ᵀ + λ [W⁽ⁿ⁾[:, :-1], 0]

(the bias column is never penalised).

A fit is a transaction: the weights, optimizer state, scalers and history are built as new
objects and assigned to the estimator only when training succeeded, so a fit that raises
(divergence, KeyboardInterrupt, bad data) leaves it unfitted or exactly as it was before.
"""

from __future__ import annotations

import copy
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._base import check_network_scale, fit_standardizer, new_history, standardize
from ._base import time_series_validation_split
from ._numpy_nn import ACTIVATIONS, Network, init_weights
from ._numpy_optim import OPTIMIZERS, make_optimizer
from ._threads import mlp_step_flops, resolve_n_threads, thread_limits
from ._training import (
    REFERENCE_SAMPLES,
    DivergenceCheck,
    Monitor,
    Progress,
    check_hidden_layer_sizes,
    epoch_length,
    epoch_order,
    record_epoch,
    resolve_batch_size,
    restore_on_failure,
)

_PREDICT_DTYPE = np.float64  # evaluation (predict, validation) always runs in float64
_PREDICT_CHUNK = 8192  # samples per forward pass at prediction time (bounds memory)


class _BaseNumpyMLP(BaseEstimator):
    """Training loop shared by the NumPy regressor and classifier (not public).

    Subclasses define the loss (:meth:`_make_loss`), the target encoding
    (:meth:`_init_targets`, :meth:`_target_state`, :meth:`_encode_targets`) and the
    error that ``history_`` reports (:meth:`_error`).
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "l2": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
        ],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(RealNotInt, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "lr_patience": [Interval(Integral, 1, None, closed="left"), None],
        "lr_factor": [Interval(Real, 0, 1, closed="neither")],
        "weight_init": [StrOptions({"glorot", "tutorial"})],
        "init_scale": [Interval(Real, 0, None, closed="neither")],
        "standardize": ["boolean", StrOptions({"center"})],
        "shuffle": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "dtype": [StrOptions({"float32", "float64"})],
        "n_threads": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }
    # the regressor's parameters; the classifier always trains a bias on shuffled epochs
    use_bias = True
    penalize_bias = False
    batch_sampling = "epoch"

    # ---------------------------------------------------------------- read-only views
    @property
    def coefs_(self):
        """list of ndarray: ``W⁽ⁿ⁾[:, :-1]``, shape ``(n_out, n_in)`` (read-only views)."""
        check_is_fitted(self, "weights_")
        return [_read_only(W[:, :-1]) for W in self.weights_]

    @property
    def intercepts_(self):
        """list of ndarray: the bias column ``W⁽ⁿ⁾[:, -1]``, shape ``(n_out,)`` (read-only)."""
        check_is_fitted(self, "weights_")
        return [_read_only(W[:, -1]) for W in self.weights_]

    # ---------------------------------------------------------------- public training
    def fit(self, X, y):
        """Train the network on ``X`` and ``y`` (from scratch unless ``warm_start``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs, e.g. firing rates in Hz, one row per time bin.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets (positions in metres for the regressor, labels for the classifier).

        Returns
        -------
        self
        """
        return self._fit(X, y, incremental=False)

    # ---------------------------------------------------------------- the transaction
    def _fit(self, X, y, *, incremental, classes=None):
        self._validate_params()
        hidden = check_hidden_layer_sizes(self.hidden_layer_sizes)
        continuing = hasattr(self, "weights_") and (incremental or self.warm_start)
        with restore_on_failure(self):
            X, y = self._validate_xy(X, y, reset=not continuing)
            if continuing:
                self._check_continuation(X, hidden)
                state = {"rng": copy.deepcopy(self._rng), "x_mean_": self.x_mean_,
                         "x_scale_": self.x_scale_, "targets": self._target_state(),
                         "weights": self.weights_, "optimizer": copy.deepcopy(self._optimizer),
                         "history": {k: list(v) for k, v in self.history_.items()},
                         "n_iter": self.n_iter_}
            else:
                state = self._initial_state(X, y, hidden, classes)
            vars(self).update(self._train(X, y, incremental, state))
        return self

    def _initial_state(self, X, y, hidden, classes):
        """Everything a fresh fit starts from: rng, scalers, target encoding, weights."""
        rng = check_random_state(self.random_state)
        x_mean, x_scale = fit_standardizer(X, self.standardize)
        check_network_scale(X, x_mean, x_scale, "X", self.standardize)
        targets = self._init_targets(y, classes)
        layer_sizes = (X.shape[1], *hidden, targets["n_outputs"])
        weights = init_weights(layer_sizes, rng, self.weight_init, use_bias=self.use_bias)
        weights = [(self.init_scale * W).astype(self.dtype) for W in weights]
        return {"rng": rng, "x_mean_": x_mean, "x_scale_": x_scale, "targets": targets,
                "weights": weights, "optimizer": None, "history": new_history(), "n_iter": 0}

    # ---------------------------------------------------------------- the loop
    def _train(self, X, y, incremental, state):
        """Train from ``state``; return the fitted attributes (nothing is assigned here)."""
        dtype = np.dtype(self.dtype)
        rng, targets, history, n_iter = (state["rng"], state["targets"], state["history"],
                                         state["n_iter"])
        X_bar = _augment(X, state["x_mean_"], state["x_scale_"])  # Ā⁽⁰⁾
        Y = self._encode_targets(y, targets)  # (n_outputs, n_samples), float64
        validate = self.early_stopping and not incremental
        n_train = (time_series_validation_split(X.shape[0], self.validation_fraction)
                   if validate else X.shape[0])
        X_train, Y_train = X_bar[:, :n_train].astype(dtype), Y[:, :n_train].astype(dtype)
        X_val, Y_val = X_bar[:, n_train:], Y[:, n_train:]

        loss = self._make_loss()
        net = Network(state["weights"], self.activation, loss, dtype, use_bias=self.use_bias,
                      penalize_bias=self.penalize_bias)
        evaluator = Network(state["weights"], self.activation, loss, _PREDICT_DTYPE)
        optimizer = make_optimizer(
            self.optimizer, net.theta.size, dtype, learning_rate=self.learning_rate,
            momentum=self.momentum, beta_1=self.beta_1, beta_2=self.beta_2,
            epsilon=self.epsilon, previous=state["optimizer"])
        batch_size = resolve_batch_size(self.batch_size, n_train)
        max_epochs = 1 if incremental else self.max_epochs
        monitor = Monitor(self.tol, None if incremental else self.n_iter_no_change,
                          None if incremental else self.lr_patience, self.lr_factor,
                          on_cut=lambda factor: setattr(optimizer, "learning_rate",
                                                        optimizer.learning_rate * factor))
        reference = X_bar[:, :min(n_train, REFERENCE_SAMPLES)]
        divergence = DivergenceCheck(
            loss.value(evaluator.predict_logits(reference), Y[:, :reference.shape[1]]),
            loss.chance(Y[:, :n_train]), self.learning_rate)
        layer_sizes = (X.shape[1], *(W.shape[0] for W in net.weights))
        threads = resolve_n_threads(self.n_threads, mlp_step_flops(layer_sizes, batch_size))

        n_seen = epoch_length(n_train, batch_size, self.batch_sampling)  # samples an epoch
        reorder = self.shuffle or self.batch_sampling == "random"
        X_epoch = np.empty((X_train.shape[0], n_seen), dtype) if reorder else X_train
        Y_epoch = np.empty((Y_train.shape[0], n_seen), dtype) if reorder else Y_train
        N_out = np.empty_like(Y_epoch)  # N⁽ᴸ⁾ of every sample of the epoch, as trained
        progress = Progress(self.verbose, max_epochs, type(self).__name__)
        with thread_limits(threads), np.errstate(over="ignore", invalid="ignore",
                                                 under="ignore", divide="ignore"):
            try:
                for _ in range(max_epochs):
                    order = epoch_order(n_train, batch_size, rng, self.batch_sampling,
                                        self.shuffle)
                    if order is not None:
                        np.take(X_train, order, axis=1, out=X_epoch)
                        np.take(Y_train, order, axis=1, out=Y_epoch)
                    for start in range(0, n_seen, batch_size):
                        stop = min(start + batch_size, n_seen)
                        net.forward(X_epoch[:, start:stop])
                        N_out[:, start:stop] = net.output_pre_activation
                        net.backward(Y_epoch[:, start:stop], self.l2)
                        optimizer.step(net.theta, net.grad)
                    n_iter += 1
                    train_loss = loss.value(N_out, Y_epoch)
                    divergence.check(train_loss, n_iter)
                    val_loss = val_error = None
                    if validate:
                        evaluator.theta[...] = net.theta
                        N_val = evaluator.predict_logits(X_val)
                        val_loss = loss.value(N_val, Y_val)
                        val_error = self._error(N_val, Y_val, targets)
                        divergence.check(val_loss, n_iter, "validation")
                    record_epoch(history, n_iter, train_loss, self._error(N_out, Y_epoch, targets),
                                 val_loss, val_error)
                    stop = monitor.update(val_loss if validate else train_loss, n_iter,
                                          net.theta.copy if validate else None)
                    progress.update(history)
                    if stop:
                        break
            finally:
                progress.close()
        if validate:
            net.theta[...] = monitor.best_state  # restore the best validation epoch
        return {"_rng": rng, "_optimizer": optimizer, "x_mean_": state["x_mean_"],
                "x_scale_": state["x_scale_"], **{k: v for k, v in targets.items()
                                                  if k != "n_outputs"},
                "weights_": net.weights, "history_": history, "n_iter_": n_iter,
                "best_epoch_": monitor.best_epoch if validate else n_iter}

    # ---------------------------------------------------------------- helpers
    def _check_continuation(self, X, hidden):
        expected = [W.shape for W in self.weights_]
        got = [(n_out, n_in + 1) for n_in, n_out in
               zip((X.shape[1], *hidden), (*hidden, self.weights_[-1].shape[0]))]
        if expected != got:
            raise ValueError(
                f"Cannot continue training (warm_start or partial_fit): "
                f"hidden_layer_sizes={tuple(hidden)} does not match the fitted weights "
                f"{[tuple(s) for s in expected]}. Set warm_start=False to start afresh."
            )
        if np.dtype(self.dtype) != self.weights_[0].dtype:
            raise ValueError(
                f"Cannot continue training with dtype={self.dtype!r}: the fitted weights are "
                f"{self.weights_[0].dtype}. Set warm_start=False to start afresh."
            )

    def _forward(self, X):
        """``N⁽ᴸ⁾`` (n_outputs, n_samples) in float64 for validated inputs ``X``."""
        check_is_fitted(self, "weights_")
        network = Network(self.weights_, self.activation, self._make_loss(), _PREDICT_DTYPE)
        layer_sizes = (X.shape[1], *(W.shape[0] for W in self.weights_))
        flops = mlp_step_flops(layer_sizes, min(len(X), _PREDICT_CHUNK)) / 3  # forward only
        with thread_limits(resolve_n_threads(self.n_threads, flops)), \
                np.errstate(over="ignore", invalid="ignore", under="ignore"):
            X_bar = _augment(X, self.x_mean_, self.x_scale_)
            N = network.predict_logits(X_bar, chunk=_PREDICT_CHUNK)
        if not np.all(np.isfinite(N)):
            raise FloatingPointError(
                "The network's output is not finite for some samples of X (inputs of "
                f"magnitude up to {np.max(np.abs(X)):g}); check X's units and scale."
            )
        return N


def _augment(X, mean, scale):
    """``Ā⁽⁰⁾ = [((X - mean) / scale)ᵀ; 1]``: (n_samples, n) rows → (n + 1, n_samples)
    columns, C-contiguous, standardised in place (no intermediate copy of ``X``)."""
    A_bar = np.ones((X.shape[1] + 1, X.shape[0]), dtype=np.float64)
    rows = A_bar[:-1]
    with np.errstate(over="ignore", invalid="ignore"):
        np.subtract(X.T, mean[:, None], out=rows)
        rows /= scale[:, None]
    if not np.all(np.isfinite(rows)):  # |X - mean| beyond the float64 range
        rows[...] = standardize(X, mean, scale).T
    return A_bar


def _read_only(view):
    view = view.view()
    view.flags.writeable = False
    return view
