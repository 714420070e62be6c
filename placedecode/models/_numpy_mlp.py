r"""Hand-coded NumPy networks with scikit-learn's estimator API.

:class:`NumpyMLPRegressor` (squared error) and :class:`NumpyMLPClassifier` (softmax
cross-entropy) are two thin estimators on ONE engine, :mod:`._numpy_nn`: the same layers,
activations, backward recursion and optimizers. They differ only in their loss, in how
targets are encoded for the network and in how predictions are decoded.

The forward pass and the back-propagation recursion, in the tutorial's column-major
notation (``Ā`` is ``A`` with a row of ones appended, the bias is the last column of
``W``)::

    N⁽ⁿ⁾ = W⁽ⁿ⁾ Ā⁽ⁿ⁻¹⁾,   A⁽ⁿ⁾ = σ(N⁽ⁿ⁾)
    C⁽ⁿ⁾ = σ'(N⁽ⁿ⁾) ∘ (W⁽ⁿ⁺¹⁾[:, :-1]ᵀ C⁽ⁿ⁺¹⁾),   ∂L/∂W⁽ⁿ⁾ = C⁽ⁿ⁾ Ā⁽ⁿ⁻¹⁾ᵀ + λ W⁽ⁿ⁾
"""

from __future__ import annotations

import copy
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._base import (
    check_loss_finite,
    euclidean_error_cm,
    fit_standardizer,
    new_history,
    time_series_validation_split,
)
from ._numpy_nn import (
    ACTIVATIONS,
    OPTIMIZERS,
    Network,
    SoftmaxCrossEntropy,
    SquaredError,
    init_weights,
)

__all__ = ["NumpyMLPRegressor", "NumpyMLPClassifier"]

_PREDICT_DTYPE = np.float64  # evaluation (predict, validation) always runs in float64


class _BaseNumpyMLP(BaseEstimator):
    """Training loop shared by the NumPy regressor and classifier (not public).

    Subclasses define the loss (:meth:`_make_loss`), the target encoding
    (:meth:`_init_targets`, :meth:`_encode_targets`) and the error that ``history_``
    reports (:meth:`_error`).
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
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

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

    # ---------------------------------------------------------------- the loop
    def _fit(self, X, y, *, incremental, classes=None):
        self._validate_params()
        hidden = _check_hidden_layer_sizes(self.hidden_layer_sizes)
        continuing = hasattr(self, "weights_") and (incremental or self.warm_start)
        X, y = self._validate_xy(X, y, reset=not continuing)
        state = None if continuing else self._initial_state(X, y, hidden, classes)
        try:
            self._train(X, y, hidden, incremental, state)
        except BaseException:
            if not continuing:  # a failed fresh fit leaves an unfitted estimator
                self._clear_fitted()
            raise
        return self

    def _initial_state(self, X, y, hidden, classes):
        """Everything a fresh fit starts from: rng, scalers, target encoding, weights."""
        rng = check_random_state(self.random_state)
        x_mean, x_scale = fit_standardizer(X, self.standardize)
        targets = self._init_targets(y, classes)
        layer_sizes = (X.shape[1], *hidden, targets["n_outputs"])
        weights = init_weights(layer_sizes, rng, self.weight_init)
        weights = [(self.init_scale * W).astype(self.dtype) for W in weights]
        return {"rng": rng, "x_mean_": x_mean, "x_scale_": x_scale, "targets": targets,
                "weights": weights}

    def _train(self, X, y, hidden, incremental, state):
        dtype = np.dtype(self.dtype)
        if state is not None:  # fresh fit: the fitted attributes are set only on success
            rng, x_mean, x_scale = state["rng"], state["x_mean_"], state["x_scale_"]
            targets, weights = state["targets"], state["weights"]
            optimizer, history, n_iter = None, new_history(), 0
        else:
            self._check_continuation(X, hidden)
            rng, x_mean, x_scale = self._rng, self.x_mean_, self.x_scale_
            targets, weights = self._target_state(), self.weights_
            optimizer = copy.deepcopy(self._optimizer)
            history = {key: list(values) for key, values in self.history_.items()}
            n_iter = self.n_iter_
        self._set_targets(targets)  # the encoding needs them; cleared again on failure

        X_bar = _augment((X - x_mean) / x_scale)  # Ā⁽⁰⁾ (n_features + 1, n_samples)
        Y = self._encode_targets(y)  # (n_outputs, n_samples), float64
        n_samples = X.shape[0]
        validate = self.early_stopping and not incremental
        n_train = time_series_validation_split(n_samples, self.validation_fraction) \
            if validate else n_samples
        X_train, Y_train = X_bar[:, :n_train].astype(dtype), Y[:, :n_train].astype(dtype)
        X_val, Y_val = X_bar[:, n_train:], Y[:, n_train:]

        loss = self._make_loss()
        net = Network(weights, self.activation, loss, dtype)
        evaluator = Network(weights, self.activation, loss, _PREDICT_DTYPE)
        optimizer = self._make_optimizer(optimizer, net.theta.size, dtype)
        batch_size = _resolve_batch_size(self.batch_size, n_train)
        max_epochs = 1 if incremental else self.max_epochs
        monitor = _Monitor(self.tol, None if incremental else self.n_iter_no_change,
                           None if incremental else self.lr_patience, self.lr_factor)

        X_epoch = np.empty_like(X_train) if self.shuffle else X_train
        Y_epoch = np.empty_like(Y_train) if self.shuffle else Y_train
        N_out = np.empty_like(Y_train)  # N⁽ᴸ⁾ of every training sample, as trained
        bar = _progress_bar(self.verbose, max_epochs, type(self).__name__)
        with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
            for _ in range(max_epochs):
                if self.shuffle:
                    order = rng.permutation(n_train)
                    np.take(X_train, order, axis=1, out=X_epoch)
                    np.take(Y_train, order, axis=1, out=Y_epoch)
                for start in range(0, n_train, batch_size):
                    stop = min(start + batch_size, n_train)
                    net.forward(X_epoch[:, start:stop])
                    N_out[:, start:stop] = net.output_pre_activation
                    net.backward(Y_epoch[:, start:stop], self.l2)
                    optimizer.step(net.theta, net.grad)
                n_iter += 1
                train_loss = loss.value(N_out, Y_epoch)
                check_loss_finite(train_loss, n_iter, optimizer.learning_rate)
                history["epoch"].append(n_iter)
                history["train_loss"].append(train_loss)
                history["train_error"].append(self._error(N_out, Y_epoch))
                if validate:
                    evaluator.theta[...] = net.theta
                    N_val = evaluator.predict_logits(X_val)
                    score = loss.value(N_val, Y_val)
                    check_loss_finite(score, n_iter, optimizer.learning_rate)
                    history["val_loss"].append(score)
                    history["val_error"].append(self._error(N_val, Y_val))
                else:
                    score = train_loss
                    if history["val_loss"]:  # keep the lists equal in length
                        history["val_loss"].append(np.nan)
                        history["val_error"].append(np.nan)
                stop = monitor.update(score, n_iter, net.theta if validate else None,
                                      optimizer)
                _update_bar(bar, history)
                if stop:
                    break
        if bar is not None:
            bar.close()
        if validate:
            net.theta[...] = monitor.best_theta  # restore the best validation epoch
            best_epoch = monitor.best_epoch
        else:
            best_epoch = n_iter

        self._rng, self._optimizer = rng, optimizer
        self.x_mean_, self.x_scale_ = x_mean, x_scale
        self.weights_ = net.weights
        self.history_, self.n_iter_, self.best_epoch_ = history, n_iter, best_epoch

    # ---------------------------------------------------------------- helpers
    def _validate_xy(self, X, y, reset):
        raise NotImplementedError

    def _make_optimizer(self, previous, n_params, dtype):
        """Reuse the optimizer (its moments) when continuing with the same kind."""
        cls = OPTIMIZERS[self.optimizer]
        if isinstance(previous, cls) and previous.step_size.size == n_params:
            optimizer = previous
        elif self.optimizer == "adam":
            optimizer = cls(n_params, dtype, self.learning_rate, self.beta_1, self.beta_2,
                            self.epsilon)
        elif self.optimizer == "momentum":
            optimizer = cls(n_params, dtype, self.learning_rate, self.momentum)
        else:
            optimizer = cls(n_params, dtype, self.learning_rate)
        optimizer.learning_rate = self.learning_rate  # set_params between calls applies
        if self.optimizer == "adam":
            optimizer.beta_1, optimizer.beta_2 = self.beta_1, self.beta_2
            optimizer.epsilon = self.epsilon
        elif self.optimizer == "momentum":
            optimizer.momentum = self.momentum
        return optimizer

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

    def _clear_fitted(self):
        for name in list(vars(self)):
            if (name.endswith("_") and not name.startswith("__")) or name in (
                "_rng", "_optimizer", "_y_ndim"):
                delattr(self, name)

    def _network(self):
        """A float64 copy of the fitted network, for prediction."""
        check_is_fitted(self, "weights_")
        return Network(self.weights_, self.activation, self._make_loss(), _PREDICT_DTYPE)

    def _forward(self, X):
        """``N⁽ᴸ⁾`` (n_outputs, n_samples) in float64 for validated inputs ``X``."""
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            X_bar = _augment((X - self.x_mean_) / self.x_scale_)
            N = self._network().predict_logits(X_bar)
        if not np.all(np.isfinite(N)):
            raise FloatingPointError(
                "The network's output is not finite for some samples of X (inputs of "
                f"magnitude up to {np.max(np.abs(X)):g}); check X's units and scale."
            )
        return N


# ======================================================================================
# Regressor
# ======================================================================================


class NumpyMLPRegressor(RegressorMixin, _BaseNumpyMLP):
    r"""Hand-coded multi-layer perceptron regressor (NumPy only, backprop derived by hand).

    The network of ``L = len(hidden_layer_sizes) + 1`` weight layers computes, on a
    batch of ``B`` samples laid out column-major (``A⁽⁰⁾ = Xᵀ``, shape
    ``(n_features, B)``)::

        N⁽ⁿ⁾ = W⁽ⁿ⁾ Ā⁽ⁿ⁻¹⁾,     A⁽ⁿ⁾ = σ(N⁽ⁿ⁾)    (σ_L = output_activation at n = L)

    where ``Ā`` appends a row of ones, so the last column of ``W⁽ⁿ⁾`` (shape
    ``(n_out, n_in + 1)``) is the bias. It minimises, by mini-batch gradient descent,::

        L = (1/B) Σ_b ‖A⁽ᴸ⁾_b − Y_b‖² + (λ/2) Σₙ ‖W⁽ⁿ⁾[:, :-1]‖²       (λ = l2)

    with gradients from the recursion (no autograd)::

        C⁽ᴸ⁾ = 2 σ_L'(N⁽ᴸ⁾) ∘ (A⁽ᴸ⁾ − Y) / B
        C⁽ⁿ⁾ = σ'(N⁽ⁿ⁾) ∘ (W⁽ⁿ⁺¹⁾[:, :-1]ᵀ C⁽ⁿ⁺¹⁾)
        ∂L/∂W⁽ⁿ⁾ = C⁽ⁿ⁾ Ā⁽ⁿ⁻¹⁾ᵀ + λ [W⁽ⁿ⁾[:, :-1], 0]

    **Scaling.** With ``standardize=True`` (default) the network sees
    ``(X − x_mean_) / x_scale_`` and ``(y − y_mean_) / y_scale_`` (column means and
    standard deviations of the first fit's data); ``predict`` returns positions in the
    original units, so no scaler is needed in front. The loss values in ``history_`` are
    in these standardised units; the errors are in original units × 100 (cm for metres).

    **Precision.** Training runs in ``dtype`` (float32 by default: about twice as fast
    matrix products); ``predict`` and the per-epoch validation always run in float64 on
    the same weights.

    **Validation.** With ``early_stopping=True`` the LAST ``validation_fraction`` of the
    training samples (in the order given; time series are never shuffled for it) is held
    out; after training the weights of the epoch with the lowest validation loss are
    restored (``best_epoch_``).

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(200, 200)
        Units of each hidden layer; ``()`` gives a linear model.
    activation : {"relu", "tanh", "sigmoid", "gelu", "identity"}, default="relu"
        σ of the hidden layers.
    output_activation : {"identity", "relu", "tanh", "sigmoid", "gelu"}, default="identity"
        σ_L of the output layer. The tutorial uses "relu" (positions are ≥ 0 m); a
        bounded output only suits targets in its range, so use it with
        ``standardize=False`` (standardised targets are negative half of the time).
    optimizer : {"adam", "sgd", "momentum"}, default="adam"
        Update rule of the flat parameter vector θ (see ``placedecode.models._numpy_nn``).
    learning_rate : float, default=3e-3
        Step size η (> 0).
    l2 : float, default=1e-5
        λ of the L2 penalty on the weights (not on the biases).
    batch_size : int or float, default=64
        Samples per mini-batch; a float in (0, 1] is a fraction of the training samples
        (``0.01`` = 1 %). Clipped to the number of training samples.
    max_epochs : int, default=200
        Maximum number of passes over the training samples.
    early_stopping : bool, default=True
        Hold out the end of the training block for validation, monitor the validation
        loss and restore the best epoch's weights at the end. If False the training loss
        is monitored and the last epoch's weights are kept.
    validation_fraction : float, default=0.1
        Fraction of the samples, taken from the END, held out when ``early_stopping``.
    n_iter_no_change : int or None, default=8
        Stop after this many epochs without an improvement (a decrease of the monitored
        loss larger than ``tol``); None always runs ``max_epochs``.
    tol : float, default=0.0
        Minimum decrease of the monitored loss that counts as an improvement.
    lr_patience : int or None, default=3
        Multiply the learning rate by ``lr_factor`` after this many epochs without
        improvement (a "reduce on plateau" schedule); None keeps it constant.
    lr_factor : float, default=0.3
        Factor in (0, 1) of each learning-rate cut.
    weight_init : {"glorot", "tutorial"}, default="glorot"
        "glorot": weights uniform in ``±√(6/(n_in + n_out))``, biases 0. "tutorial":
        every entry, biases included, normal with standard deviation ``2/√n_in``.
    init_scale : float, default=0.5
        Multiplies the initial weights. Starting small (0.25–0.5) lets the network learn
        features instead of staying near its random initial function: on place-cell
        data it cuts the decoding error about threefold (0.47 → 0.17 cm).
    standardize : bool or "center", default=True
        Standardise ``X`` and ``y`` internally (see Scaling); "center" only subtracts
        their means; False leaves them as they are.
    shuffle : bool, default=True
        Shuffle the training samples (not the validation slice) every epoch.
    momentum : float, default=0.9
        μ of ``optimizer="momentum"``.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's moment decays and denominator offset.
    dtype : {"float32", "float64"}, default="float32"
        Floating type of the weights and of training.
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation and the shuffling.
    verbose : bool or int, default=False
        Show a tqdm progress bar over epochs with the current errors.
    warm_start : bool, default=False
        If True, ``fit`` continues from the current weights (and optimizer state) and
        appends to ``history_``; the scalers of the first fit are kept.

    Attributes
    ----------
    weights_ : list of ndarray
        ``W⁽ⁿ⁾`` of shape ``(n_out, n_in + 1)`` with the bias as last column, in ``dtype``.
    coefs_ : list of ndarray
        Read-only views ``W⁽ⁿ⁾[:, :-1]`` of shape ``(n_out, n_in)``; ``coefs_[0]`` is
        ``(n_hidden, n_features)`` — one weight map per hidden unit.
    intercepts_ : list of ndarray
        Read-only views of the biases ``W⁽ⁿ⁾[:, -1]``, shape ``(n_out,)``.
    x_mean_, x_scale_ : ndarray of shape (n_features,)
        Input standardisation (zeros and ones when ``standardize=False``).
    y_mean_, y_scale_ : ndarray of shape (n_targets,)
        Target standardisation, in the targets' units.
    history_ : dict of lists
        ``epoch``, ``train_loss``, ``train_error``, ``val_loss``, ``val_error`` (see
        ``placedecode.models._base``); errors in cm when targets are in metres.
        ``train_*`` are averaged over an epoch's mini-batches as the weights change.
    n_iter_ : int
        Epochs run in total (all calls).
    best_epoch_ : int
        The epoch whose weights the model holds (the last one without early stopping).
    n_features_in_ : int
        Number of input features seen in ``fit``.

    Notes
    -----
    With short recordings (a few minutes) the validation slice may visit places the
    training block never did; its loss then says little about which epoch is best and
    early stopping can keep an under-trained network (2 min of 25 place cells: 44 cm with
    early stopping, 8 cm without). There, pass ``early_stopping=False``.

    Defaults were chosen on the tutorial's dataset (25 place cells, 10 min at 0.1 s,
    seeds 0–2) and the same with 25 grid cells: Adam at 3e-3 gave 0.15 cm (place) and
    2.8 cm (grid) where 1e-3 gave 0.17 and 3.1 cm, in the same time; stopping after 8
    epochs without improvement (cutting the learning rate after 3) instead of 12 (4)
    gives 0.17 and 2.8 cm in 0.9 and 0.7 s instead of 1.1-1.4 and 0.9 s on one CPU
    thread. scikit-learn's ``MLPRegressor((200,) * 5)`` at a tight tolerance takes 4-8x
    longer for 0.49 and 3.0 cm (``benchmarks/bench_decoding.py``).

    See Also
    --------
    NumpyMLPClassifier : the same network with a softmax cross-entropy output.
    sklearn.neural_network.MLPRegressor : scikit-learn's network.

    Examples
    --------
    >>> import numpy as np
    >>> from placedecode.models import NumpyMLPRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(500, 3))
    >>> y = np.c_[X[:, 0] + X[:, 1], X[:, 2]]
    >>> model = NumpyMLPRegressor((32,), max_epochs=100, random_state=0).fit(X, y)
    >>> model.coefs_[0].shape, model.predict(X).shape
    ((32, 3), (500, 2))
    >>> bool(model.score(X, y) > 0.95)
    True
    """

    _parameter_constraints: dict = {
        **_BaseNumpyMLP._parameter_constraints,
        "output_activation": [StrOptions(set(ACTIVATIONS))],
    }

    def __init__(
        self,
        hidden_layer_sizes=(200, 200),
        *,
        activation="relu",
        output_activation="identity",
        optimizer="adam",
        learning_rate=3e-3,
        l2=1e-5,
        batch_size=64,
        max_epochs=200,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=8,
        tol=0.0,
        lr_patience=3,
        lr_factor=0.3,
        weight_init="glorot",
        init_scale=0.5,
        standardize=True,
        shuffle=True,
        momentum=0.9,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        dtype="float32",
        random_state=None,
        verbose=False,
        warm_start=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.l2 = l2
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.lr_patience = lr_patience
        self.lr_factor = lr_factor
        self.weight_init = weight_init
        self.init_scale = init_scale
        self.standardize = standardize
        self.shuffle = shuffle
        self.momentum = momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    @classmethod
    def tutorial(cls, **overrides):
        """The tutorial's hand-coded run, with the bias it meant to have.

        Two hidden layers of 200 ReLU units and a ReLU output layer, the tutorial's
        initialisation (normal, standard deviation ``2/√n_in``), SGD with a constant
        η = 0.01 and λ = 0.01, mini-batches of 1 % of the samples, 50 epochs, no
        validation slice and no standardisation (raw rates in Hz, positions in metres).
        Unlike the tutorial the biases are not penalised and each epoch visits every
        sample once. On the tutorial's dataset (25 place cells, 10 min at dt = 0.1 s,
        first 80 % trains) it decodes to about 3–4 cm (2.8, 3.7, 3.9 cm for seeds 0–2).
        The tutorial's own solution drops the bias by accident, so an output unit can
        die and its errors reach 53–73 cm; here the bias is kept.

        Parameters
        ----------
        **overrides
            Any constructor parameter, replacing the preset's value.

        Returns
        -------
        NumpyMLPRegressor
        """
        params = dict(
            hidden_layer_sizes=(200, 200), activation="relu", output_activation="relu",
            optimizer="sgd", learning_rate=0.01, l2=0.01, batch_size=0.01, max_epochs=50,
            early_stopping=False, n_iter_no_change=None, lr_patience=None,
            weight_init="tutorial", init_scale=1.0, standardize=False,
        )
        params.update(overrides)
        return cls(**params)

    def partial_fit(self, X, y):
        """One epoch over ``X``, ``y``, continuing from the current weights if fitted.

        No validation slice is held out (``early_stopping`` is ignored); the scalers are
        fitted on the first call's data. ``history_`` gains one epoch.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        return self._fit(X, y, incremental=True)

    def predict(self, X):
        """Predicted targets in their original units (metres for positions).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets), float64
            Shaped like the ``y`` given to ``fit``.
        """
        check_is_fitted(self, "weights_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        N = self._forward(X)
        A = ACTIVATIONS[self.output_activation].forward(N, N)  # A⁽ᴸ⁾ = σ_L(N⁽ᴸ⁾)
        y = A.T * self.y_scale_ + self.y_mean_
        return y.ravel() if self._y_ndim == 1 else y

    # ---- hooks of the shared loop
    def _validate_xy(self, X, y, reset):
        return validate_data(self, X, y, reset=reset, dtype=np.float64, multi_output=True,
                             y_numeric=True)

    def _make_loss(self):
        return SquaredError(ACTIVATIONS[self.output_activation])

    def _init_targets(self, y, classes):
        y2 = y.reshape(len(y), -1)
        mean, scale = fit_standardizer(y2, self.standardize)
        return {"n_outputs": y2.shape[1], "y_mean_": mean, "y_scale_": scale,
                "_y_ndim": y.ndim}

    def _target_state(self):
        return {"n_outputs": len(self.y_mean_), "y_mean_": self.y_mean_,
                "y_scale_": self.y_scale_, "_y_ndim": self._y_ndim}

    def _set_targets(self, targets):
        self.y_mean_, self.y_scale_ = targets["y_mean_"], targets["y_scale_"]
        self._y_ndim = targets["_y_ndim"]

    def _encode_targets(self, y):
        y2 = y.reshape(len(y), -1)
        if y2.shape[1] != len(self.y_mean_):
            raise ValueError(
                f"y has {y2.shape[1]} target column(s), but the model was fitted with "
                f"{len(self.y_mean_)}."
            )
        return ((y2 - self.y_mean_) / self.y_scale_).T

    def _error(self, N, Y):
        """Mean Euclidean error × 100 in the targets' units (cm for metres)."""
        A = ACTIVATIONS[self.output_activation].forward(
            np.asarray(N, np.float64), np.empty(N.shape))
        return euclidean_error_cm(Y.T * self.y_scale_, A.T * self.y_scale_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


# ======================================================================================
# Classifier
# ======================================================================================


class NumpyMLPClassifier(ClassifierMixin, _BaseNumpyMLP):
    r"""Hand-coded multi-layer perceptron classifier: softmax output, cross-entropy loss.

    The same engine as :class:`NumpyMLPRegressor` (layers, recursion, optimizers); only
    the output layer and loss differ. With one-hot targets ``Y`` ``(n_classes, B)``::

        A⁽ᴸ⁾ = softmax(N⁽ᴸ⁾)    (column-wise: exp(N_kb) / Σⱼ exp(N_jb))
        L = −(1/B) Σ_b Σ_k Y_kb log A⁽ᴸ⁾_kb + (λ/2) Σₙ ‖W⁽ⁿ⁾[:, :-1]‖²
        C⁽ᴸ⁾ = (A⁽ᴸ⁾ − Y) / B

    (because ``log A_kb = N_kb − log Σⱼ exp(N_jb)``, ``∂(−Σ_k Y_kb log A_kb)/∂N_ib``
    ``= A_ib − Y_ib``), then ``C⁽ⁿ⁾ = σ'(N⁽ⁿ⁾) ∘ (W⁽ⁿ⁺¹⁾[:, :-1]ᵀ C⁽ⁿ⁺¹⁾)`` as in the
    regressor. Labels may be any values (strings, non-contiguous integers); ``classes_``
    maps output unit ``k`` to its label.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(200, 200)
        Units of each hidden layer; ``()`` gives multinomial logistic regression.
    activation : {"relu", "tanh", "sigmoid", "gelu", "identity"}, default="relu"
        σ of the hidden layers.
    optimizer : {"adam", "sgd", "momentum"}, default="adam"
        Update rule.
    learning_rate : float, default=1e-3
        Step size η (> 0).
    l2 : float, default=1e-4
        λ of the L2 penalty on the weights (not on the biases). It also keeps the
        validation cross-entropy, which picks the restored epoch, from rising early
        through over-confidence while the error still falls.
    batch_size : int or float, default=128
        Samples per mini-batch, or a fraction in (0, 1] of the training samples.
    max_epochs : int, default=200
        Maximum number of passes over the training samples.
    early_stopping : bool, default=True
        Hold out the END of the training block, monitor the validation cross-entropy and
        restore the best epoch's weights.
    validation_fraction : float, default=0.1
        Fraction of the samples held out (from the end) when ``early_stopping``.
    n_iter_no_change : int or None, default=8
        Patience in epochs before stopping; None always runs ``max_epochs``.
    tol : float, default=0.0
        Minimum decrease of the monitored loss that counts as an improvement.
    lr_patience : int or None, default=3
        Epochs without improvement before the learning rate is multiplied by
        ``lr_factor``; None keeps it constant.
    lr_factor : float, default=0.3
        Factor in (0, 1) of each learning-rate cut.
    weight_init : {"glorot", "tutorial"}, default="glorot"
        Initial weight distribution, as in :class:`NumpyMLPRegressor`.
    init_scale : float, default=0.5
        Multiplies the initial weights.
    standardize : bool or "center", default="center"
        Scaling of ``X`` inside the network: True subtracts the column means and divides
        by the standard deviations, "center" only subtracts the means, False leaves ``X``
        as it is. "center" by default because the classifier's usual inputs are images
        with pixels already in [0, 1]: centred inputs train better (digits, mean of
        seeds 0-4: 96.9 % raw, 98.1 % centred), while dividing by the standard deviation
        blows up pixels that are almost always blank (a pixel inked in a handful of
        training images gets values in the hundreds) and costs accuracy (MNIST, seed 0:
        97.3-98.1 % standardised, 98.2-98.3 % raw or centred). Set it to True for
        features in different units or far from unit scale (firing rates in Hz).
    shuffle : bool, default=True
        Shuffle the training samples every epoch.
    momentum : float, default=0.9
        μ of ``optimizer="momentum"``.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's parameters.
    dtype : {"float32", "float64"}, default="float32"
        Floating type of the weights and of training (prediction runs in float64).
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and the shuffling.
    verbose : bool or int, default=False
        Show a tqdm progress bar over epochs.
    warm_start : bool, default=False
        Continue from the current weights in ``fit``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted; output unit ``k`` scores ``classes_[k]``.
    weights_, coefs_, intercepts_ : list of ndarray
        As in :class:`NumpyMLPRegressor`; the last layer has ``n_classes`` units.
    x_mean_, x_scale_ : ndarray of shape (n_features,)
        Input standardisation.
    history_ : dict of lists
        As in :class:`NumpyMLPRegressor`; ``*_loss`` is the mean cross-entropy (nats),
        ``*_error`` the misclassification rate (1 − accuracy).
    n_iter_, best_epoch_, n_features_in_ : int
        As in :class:`NumpyMLPRegressor`.

    Notes
    -----
    The defaults were chosen on MNIST and Fashion-MNIST (``benchmarks/bench_mnist.py``,
    one CPU thread): 98.3 % and 89.5 % test accuracy in 23 and 22 epochs (23 s and
    22 s), where scikit-learn's ``MLPClassifier((200, 200))`` reaches 98.2 % in 47 s and
    89.9 % in 80 s (50 iterations). On scikit-learn's 8 x 8 digits they give 98.1 %
    (mean of 5 seeds, 0.2 s; 96.9 % without centring the pixels).

    See Also
    --------
    NumpyMLPRegressor : the same network for continuous targets.

    Examples
    --------
    >>> import numpy as np
    >>> from placedecode.models import NumpyMLPClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 2))
    >>> y = np.where(X[:, 0] * X[:, 1] > 0, "same sign", "opposite")
    >>> clf = NumpyMLPClassifier((32,), max_epochs=200, random_state=0).fit(X, y)
    >>> clf.classes_.tolist(), clf.predict_proba(X[:3]).shape
    (['opposite', 'same sign'], (3, 2))
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    def __init__(
        self,
        hidden_layer_sizes=(200, 200),
        *,
        activation="relu",
        optimizer="adam",
        learning_rate=1e-3,
        l2=1e-4,
        batch_size=128,
        max_epochs=200,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=8,
        tol=0.0,
        lr_patience=3,
        lr_factor=0.3,
        weight_init="glorot",
        init_scale=0.5,
        standardize="center",
        shuffle=True,
        momentum=0.9,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        dtype="float32",
        random_state=None,
        verbose=False,
        warm_start=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.l2 = l2
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.lr_patience = lr_patience
        self.lr_factor = lr_factor
        self.weight_init = weight_init
        self.init_scale = init_scale
        self.standardize = standardize
        self.shuffle = shuffle
        self.momentum = momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    def partial_fit(self, X, y, classes=None):
        """One epoch over ``X``, ``y``, continuing from the current weights if fitted.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            All labels that will ever be seen; required on the first call (as in
            scikit-learn), ignored afterwards.

        Returns
        -------
        self
        """
        if not hasattr(self, "classes_") and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit (all labels "
                "that will appear); got classes=None."
            )
        return self._fit(X, y, incremental=True, classes=classes)

    def predict_proba(self, X):
        """Class probabilities ``softmax(N⁽ᴸ⁾)ᵀ``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns ordered as ``classes_``; rows sum to 1.
        """
        check_is_fitted(self, "weights_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        N = self._forward(X)
        return SoftmaxCrossEntropy.activation.forward(N, N).T

    def predict(self, X):
        """Most probable label of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
            Values from ``classes_``.
        """
        check_is_fitted(self, "weights_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self.classes_[np.argmax(self._forward(X), axis=0)]

    # ---- hooks of the shared loop
    def _validate_xy(self, X, y, reset):
        X, y = validate_data(self, X, y, reset=reset, dtype=np.float64)
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        return X, y

    def _make_loss(self):
        return SoftmaxCrossEntropy()

    def _init_targets(self, y, classes):
        labels = np.unique(y) if classes is None else np.unique(np.asarray(classes))
        return {"n_outputs": len(labels), "classes_": labels}

    def _target_state(self):
        return {"n_outputs": len(self.classes_), "classes_": self.classes_}

    def _set_targets(self, targets):
        self.classes_ = targets["classes_"]

    def _encode_targets(self, y):
        index = np.searchsorted(self.classes_, y)
        index = np.minimum(index, len(self.classes_) - 1)
        unknown = self.classes_[index] != y
        if np.any(unknown):
            raise ValueError(
                f"y contains labels {np.unique(y[unknown]).tolist()} not in classes_ "
                f"{self.classes_.tolist()}; pass every label in `classes` on the first "
                "partial_fit call, or refit with warm_start=False."
            )
        Y = np.zeros((len(self.classes_), len(y)))
        Y[index, np.arange(len(y))] = 1.0  # one-hot, column-major
        return Y

    def _error(self, N, Y):
        """Misclassification rate (1 − accuracy)."""
        return float(np.mean(np.argmax(N, axis=0) != np.argmax(Y, axis=0)))


# ======================================================================================
# Small helpers
# ======================================================================================


class _Monitor:
    """Watch the monitored loss once per epoch: keep the best weights, cut the learning
    rate on plateaus and say when to stop.

    An epoch *improves* when its loss is below the best so far minus ``tol``. After
    ``lr_patience`` epochs without improvement the optimizer's learning rate is multiplied
    by ``lr_factor`` (and that count restarts); after ``n_iter_no_change`` such epochs
    training stops. ``None`` disables either rule.
    """

    def __init__(self, tol, n_iter_no_change, lr_patience, lr_factor):
        self.tol, self.n_iter_no_change = tol, n_iter_no_change
        self.lr_patience, self.lr_factor = lr_patience, lr_factor
        self.best_loss, self.best_theta, self.best_epoch = np.inf, None, None
        self._since_improvement = self._since_cut = 0

    def update(self, loss, epoch, theta, optimizer):
        """Record one epoch's ``loss``; copy ``theta`` if it is the best (and not None)."""
        if loss < self.best_loss - self.tol:
            self._since_improvement = self._since_cut = 0
        else:
            self._since_improvement += 1
            self._since_cut += 1
        if loss < self.best_loss:
            self.best_loss, self.best_epoch = loss, epoch
            if theta is not None:
                self.best_theta = theta.copy()
        if self.lr_patience is not None and self._since_cut >= self.lr_patience:
            optimizer.learning_rate *= self.lr_factor
            self._since_cut = 0
        return self.n_iter_no_change is not None and (
            self._since_improvement >= self.n_iter_no_change)


def _augment(A):
    """``Ā = [Aᵀ; 1]``: (n_samples, n) rows → (n + 1, n_samples) columns, C-contiguous."""
    A_bar = np.ones((A.shape[1] + 1, A.shape[0]), dtype=np.float64)
    A_bar[:-1] = A.T
    return A_bar


def _read_only(view):
    view = view.view()
    view.flags.writeable = False
    return view


def _check_hidden_layer_sizes(hidden_layer_sizes):
    """The hidden layer sizes as a tuple of positive ints (an int means one layer)."""
    sizes = [hidden_layer_sizes] if isinstance(hidden_layer_sizes, Integral) \
        else list(hidden_layer_sizes)
    for size in sizes:
        if not isinstance(size, Integral) or isinstance(size, bool) or size < 1:
            raise ValueError(
                f"hidden_layer_sizes must be a positive int or a sequence of positive ints "
                f"(units per hidden layer); got {hidden_layer_sizes!r}."
            )
    return tuple(int(size) for size in sizes)


def _resolve_batch_size(batch_size, n_samples):
    """Samples per mini-batch: an int, or a float fraction of ``n_samples``, clipped."""
    if isinstance(batch_size, Integral):
        size = int(batch_size)
    else:
        size = int(round(batch_size * n_samples))
    return max(1, min(size, n_samples))


def _progress_bar(verbose, total, name):
    if not verbose:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=name, unit="epoch")


def _update_bar(bar, history):
    if bar is None:
        return
    postfix = {"train_error": f"{history['train_error'][-1]:.4g}"}
    if history["val_error"] and np.isfinite(history["val_error"][-1]):
        postfix["val_error"] = f"{history['val_error'][-1]:.4g}"
    bar.set_postfix(postfix, refresh=False)
    bar.update(1)
