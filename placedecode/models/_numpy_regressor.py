"""The hand-coded NumPy network as a regressor: :class:`NumpyMLPRegressor`.

Its training loop is :class:`placedecode.models._numpy_base._BaseNumpyMLP`; this module
holds what is particular to regression: the squared-error loss, standardised targets and
predictions in the targets' units.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import (
    check_network_scale,
    check_predictions,
    euclidean_error_cm,
    fit_standardizer,
    standardize,
    target_bounds,
)
from ._numpy_base import _BaseNumpyMLP
from ._numpy_nn import ACTIVATIONS, SquaredError
from ._training import BATCH_SAMPLINGS
from .._pynapple import pynapple_aware

__all__ = ["NumpyMLPRegressor"]


@pynapple_aware
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

    (the bias column is not penalised). This engine appends the row of ones last and
    keeps the 2/B factor inside ``C`` for speed; :mod:`placedecode.models.backprop` writes
    the same network in the tutorial's notation (ones first, ``H`` for the hidden
    activations, 2/B in the weight gradient), short enough to read in one sitting, and
    the tests check that both give the same gradients.

    **Scaling.** With ``standardize=True`` (default) the network sees
    ``(X − x_mean_) / x_scale_`` and ``(y − y_mean_) / y_scale_`` (column means and
    standard deviations of the first fit's data); ``predict`` returns positions in the
    original units, so no scaler is needed in front. The loss values in ``history_`` are
    in these standardised units; the errors are in original units × 100 (cm for metres).

    **Precision.** Training runs in ``dtype`` (float32 by default: about twice as fast
    matrix products); ``predict`` and the per-epoch validation always run in float64 on
    the same weights.

    **Validation.** Off by default (see Notes). With ``early_stopping=True`` the LAST
    ``validation_fraction`` of the training samples (in the order given; time series are
    never shuffled for it) is held out; after training the weights of the epoch with the
    lowest validation loss are restored (``best_epoch_``).

    **Failures.** A loss that becomes NaN or infinite, or runs above 1,000 times the
    larger of its starting value and the loss of predicting the mean, raises
    :class:`~placedecode.models.TrainingDivergedError` (naming ``learning_rate``); a fit
    that raises leaves the estimator unfitted, or as it was before a ``warm_start`` fit
    or ``partial_fit``.

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
        λ of the L2 penalty on the weights (not on the biases unless ``penalize_bias``).
    batch_size : int or float, default=64
        Samples per mini-batch; a float in (0, 1] is a fraction of the training samples
        (``0.01`` = 1 %). Clipped to the number of training samples.
    batch_sampling : {"epoch", "random"}, default="epoch"
        How an epoch's mini-batches are drawn from the ``n_train`` training samples.
        "epoch": every sample once, in batches of ``batch_size`` (in a random order when
        ``shuffle``). "random": the tutorial's stochastic gradient descent,
        ``round(n_train / batch_size)`` steps, each on ``batch_size`` distinct samples
        drawn afresh by ``RandomState.choice(n_train, batch_size, replace=False)`` (so a
        sample may be in several batches of an epoch or in none; ``shuffle`` is ignored).
        The monitored training loss of an epoch is then over its random draws, noisier
        than a full pass: ``lr_patience`` and ``n_iter_no_change`` act on it sooner, so
        use them with care (``tutorial()`` sets both to None). Each draw permutes all
        ``n_train`` samples (as ``RandomState.choice`` does), so "random" suits the
        tutorial's sizes, not millions of samples with small batches.
    use_bias : bool, default=True
        Give every layer a bias (the row of ones). False trains ``N⁽ⁿ⁾ = W⁽ⁿ⁾A⁽ⁿ⁻¹⁾``:
        the bias column of ``weights_`` stays 0 (``intercepts_`` are zeros) and, with
        ``weight_init="tutorial"``, only the ``(n_out, n_in)`` weights are drawn.
    penalize_bias : bool, default=False
        Put the L2 penalty on the biases too: ``(λ/2) Σₙ ‖W⁽ⁿ⁾‖²`` over every entry, as
        the tutorial's update ``W ← W − η ∂L/∂W − η λ W`` does.
    max_epochs : int, default=20
        Maximum number of passes over the training samples.
    early_stopping : bool, default=False
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
    n_threads : "auto", int or None, default="auto"
        CPU threads the matrix products may use during ``fit`` and ``predict`` (restored
        afterwards). "auto" uses one thread unless a training step costs more than
        5e8 floating-point operations (see ``placedecode.models._threads``): networks of
        this size collapse on a busy machine with more. None leaves the BLAS threads as
        they are.
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
    Why no early stopping by default: a recording is a time series, and the validation
    slice (the END of the training block) visits other places than the rest of it and than
    the test block; its loss says little about which epoch is best, and stopping on it keeps
    under-trained networks (2 min of 25 place cells: 44 cm with early stopping, 8 cm
    without; 25 grid cells, 10 min, seed 1: stopped after 9 epochs at 8.5 cm, 1.2 cm when
    trained on). The torch regressor dropped it for the same reason.

    Defaults were chosen on the tutorial's dataset (25 place cells, 10 min at 0.1 s,
    seeds 0–2) and the same with 25 grid cells: Adam at 3e-3 (1e-3 was worse in the same
    time), 20 epochs on the whole training block with the learning rate cut by 0.3 after 3
    epochs without a lower training loss: 0.164 cm (place) and 1.74 cm (grid), where early
    stopping on the last 10 % (8 epochs' patience) gave 0.170 and 4.31 cm (one seed stopped
    at epoch 9); 15 epochs gave 0.176 and 2.14 cm, 25 epochs 0.159 and 1.63 cm for 25 % more
    time. ``benchmarks/bench_decoding.py`` compares it with scikit-learn's
    ``MLPRegressor((200,) * 5)``.

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
        "batch_sampling": [StrOptions(set(BATCH_SAMPLINGS))],
        "use_bias": ["boolean"],
        "penalize_bias": ["boolean"],
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
        batch_sampling="epoch",
        use_bias=True,
        penalize_bias=False,
        max_epochs=20,
        early_stopping=False,
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
        n_threads="auto",
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
        self.batch_sampling = batch_sampling
        self.use_bias = use_bias
        self.penalize_bias = penalize_bias
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
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    @classmethod
    def tutorial(cls, **overrides):
        """The hand-coded run of the tutorial, as its solution cells are written.

        The tutorial is the notebook ``deeplearning.ipynb`` of the GitHub repository
        TomGeorge1234/DeepLearningTutorial (section 3, "Deep neural networks (trained
        without autograd packages)"). Its network: two hidden layers of 200 ReLU units and
        a ReLU output layer; weights drawn layer by layer from ``np.random.normal`` with
        standard deviation ``2/√n_in``; plain SGD, ``W ← W − η ∂L/∂W − η λ W`` with
        η = 0.01 and λ = 0.01 on every entry of ``W``; each step a fresh batch of 1 % of
        the training samples drawn without replacement (100 steps an "epoch"), 50 epochs;
        raw rates (Hz) and positions (m), float64. Here: ``batch_sampling="random"``,
        ``penalize_bias=True``, ``weight_init="tutorial"``, ``standardize=False``,
        ``dtype="float64"``.

        **The bias.** The notebook's solution cell drops ``use_bias=True`` when it calls
        the parent constructor, so the network it trains has no bias (its ``Model`` class
        defaults to ``use_bias=False``); this preset reproduces that code as written
        (``use_bias=False``). ``tutorial(use_bias=True)`` is the network the tutorial
        meant (a row of ones on every layer's input, the bias decayed by λ with the
        weights). With ``random_state=seed`` either run draws the same initial weights and
        the same batches as the notebook's loop after ``np.random.seed(seed)``: on 4,800
        training samples the predictions agree to rounding (1e-15 m after 3 epochs).
        Where 1 % of the samples is not a whole number the batch size is rounded, not
        truncated as in the notebook, and an epoch is ``round(n_train / batch_size)``
        steps.

        On the tutorial's dataset (25 place cells 0.15 m wide, 10 min at dt = 0.1 s,
        first 80 % trains, seeds 0-9; ``benchmarks/results/tutorial.md``): ``tutorial()``
        4.31, 3.44, 4.16, 6.30, 6.71, 4.40, 4.55, 5.45, 4.09 and 2.50 cm, mean 4.59 cm,
        equal to the notebook's procedure seed for seed (test predictions within
        1.2e-15 m); ``tutorial(use_bias=True)`` mean 17.3 cm, also equal to its procedure:
        3.2-5.0 cm, except at seeds 1, 3 and 7 (31.6, 59.3 and 58.1 cm), where a ReLU
        output unit dies (its pre-activation negative for every input, so it never learns
        again) and one coordinate is predicted as a constant.

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
            optimizer="sgd", learning_rate=0.01, l2=0.01, batch_size=0.01,
            batch_sampling="random", use_bias=False, penalize_bias=True, max_epochs=50,
            early_stopping=False, n_iter_no_change=None, lr_patience=None,
            weight_init="tutorial", init_scale=1.0, standardize=False, dtype="float64",
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

        Raises
        ------
        FloatingPointError
            If a prediction is not finite (``X`` far outside the range seen in fit); a
            prediction more than 100 target ranges away from the training targets warns.
        """
        check_is_fitted(self, "weights_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        N = self._forward(X)
        with np.errstate(over="ignore", invalid="ignore"):
            A = ACTIVATIONS[self.output_activation].forward(N, N)  # A⁽ᴸ⁾ = σ_L(N⁽ᴸ⁾)
            y = A.T * self.y_scale_ + self.y_mean_
        y = y.ravel() if self._y_ndim == 1 else y
        return check_predictions(y, self._y_bounds, type(self).__name__)

    # ---- hooks of the shared loop
    def _validate_xy(self, X, y, reset):
        return validate_data(self, X, y, reset=reset, dtype=np.float64, multi_output=True,
                             y_numeric=True)

    def _make_loss(self):
        return SquaredError(ACTIVATIONS[self.output_activation])

    def _init_targets(self, y, classes):
        y2 = y.reshape(len(y), -1)
        mean, scale = fit_standardizer(y2, self.standardize)
        check_network_scale(y2, mean, scale, "y", self.standardize)
        return {"n_outputs": y2.shape[1], "y_mean_": mean, "y_scale_": scale,
                "_y_ndim": y.ndim, "_y_bounds": target_bounds(y2)}

    def _target_state(self):
        return {"n_outputs": len(self.y_mean_), "y_mean_": self.y_mean_,
                "y_scale_": self.y_scale_, "_y_ndim": self._y_ndim,
                "_y_bounds": self._y_bounds}

    def _encode_targets(self, y, targets):
        y2 = y.reshape(len(y), -1)
        if y2.shape[1] != len(targets["y_mean_"]):
            raise ValueError(
                f"y has {y2.shape[1]} target column(s), but the model was fitted with "
                f"{len(targets['y_mean_'])}."
            )
        return standardize(y2, targets["y_mean_"], targets["y_scale_"]).T

    def _error(self, N, Y, targets):
        """Mean Euclidean error × 100 in the targets' units (cm for metres)."""
        A = ACTIVATIONS[self.output_activation].forward(
            np.asarray(N, np.float64), np.empty(N.shape))
        return euclidean_error_cm(Y.T * targets["y_scale_"], A.T * targets["y_scale_"])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
