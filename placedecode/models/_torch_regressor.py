"""The deep torch network as a regressor: :class:`TorchMLPRegressor` (mean squared error).

The fit is :class:`placedecode.models._torch_mlp._TorchMLPBase` (on the torch base and the
shared training layer); this module holds what is particular to regression: standardised
targets, the squared-error loss, the error in cm and predictions in the targets' units.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import check_network_scale, check_predictions, fit_standardizer, standardize
from ._base import target_bounds
from ._torch_mlp import _TorchMLPBase
from ._training import BATCH_SAMPLINGS
from .._pynapple import pynapple_aware

__all__ = ["TorchMLPRegressor"]


@pynapple_aware
class TorchMLPRegressor(RegressorMixin, _TorchMLPBase):
    """Deep PyTorch multilayer perceptron for decoding positions (mean squared error).

    The tutorial's network (5 hidden layers of 200 ReLU units), trained by Adam with what it
    needs to train reliably: standardised inputs and targets and a one-cycle learning-rate
    schedule; optionally a time-ordered validation slice with best-weight restoring.
    :meth:`tutorial` gives the tutorial's own settings (SGD at 0.1).

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
    ----------

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
        Learning-rate schedule, set at every mini-batch step. "onecycle": warm up over
        the first 10 % of the steps then anneal to ~0, with Adam's beta_1 (or the
        momentum) cycling inversely between 0.95 and 0.85 (the values of
        ``torch.optim.lr_scheduler.OneCycleLR``; a run of at most 10 steps skips the
        warm-up, so short fits work); "cosine": cosine annealing from ``learning_rate`` to 0 over
        ``max_epochs``; "plateau": divide by 5 when the monitored mean Euclidean error (cm) has not
        decreased by more than ``tol`` for ``max(1, n_iter_no_change // 3)`` epochs (3 when
        ``n_iter_no_change`` is None); "constant": no schedule.
    l2 : float, default=0.0
        L2 penalty: ``l2 * w`` is added to each weight's gradient (``l2 / 2 * ||W||²``
        added to the mean loss); biases are not penalised.
    batch_size : int or float, default=64
        Samples per mini-batch; a float in (0, 1] is a fraction of the training samples,
        rounded to the nearest int. Clipped to ``[1, n_training_samples]``.
    batch_sampling : {"epoch", "random"}, default="epoch"
        How an epoch's mini-batches are drawn from the ``n_train`` training samples.
        "epoch": every sample once, in a seeded random order. "random": the tutorial's
        stochastic gradient descent, ``round(n_train / batch_size)`` steps, each on
        ``batch_size`` distinct samples drawn afresh (so a sample may be in several
        batches of an epoch or in none), as :class:`NumpyMLPRegressor`'s option of the
        same name. The epoch's training loss in ``history_`` is then over its draws.
        Each draw permutes all ``n_train`` samples, so "random" suits the tutorial's
        sizes (thousands of samples), not millions with small batches.
    max_epochs : int, default=12
        Passes over the training samples (also the length of the "onecycle" and "cosine"
        schedules).
    min_steps : int or None, default=None
        If set, train for at least this many mini-batch updates: on small data sets the
        number of epochs is raised to ``ceil(min_steps / batches per epoch)`` (and the
        schedule planned over it); on large ones ``max_epochs`` already gives more.
    early_stopping : bool, default=False
        Hold out the last ``validation_fraction`` of the samples (in time order), monitor
        its mean Euclidean error (cm) after every epoch, stop when it stops improving (see
        ``n_iter_no_change``) and restore the weights of the best epoch (``best_epoch_``).
        When False, the same quantity on the training samples decides when to stop and the
        last epoch's weights are kept.
    validation_fraction : float, default=0.1
        Fraction of the samples, taken from the END, used for validation.
    n_iter_no_change : int or None, default=None
        Epochs without a decrease of the monitored mean Euclidean error (cm) larger than
        ``tol`` before stopping. None (the default) always runs ``max_epochs``: the "onecycle" and
        "cosine" schedules are planned over ``max_epochs`` and stopping mid-way would skip
        their low learning rates. The best epoch is restored either way.
    tol : float, default=0.0
        Minimum decrease of the monitored mean Euclidean error (cm) that counts as an improvement.
    standardize : bool or "center", default=True
        Standardise inputs and targets with the training mean and standard deviation
        (silent cells map to 0); "center" only subtracts the mean; False leaves them as
        they are. Predictions are returned in the original units.
    device : str, default="auto"
        "auto" (CUDA when available, else CPU), "cpu", "cuda", "cuda:<index>" or "mps".
    n_threads : "auto", int or None, default="auto"
        CPU threads torch (and BLAS) may use during ``fit`` and ``predict``, restored
        afterwards. "auto" uses one thread unless a training step costs more than 5e8
        floating-point operations, then one per 5e8, at most the CPUs available and the
        limit already in force (see ``placedecode.models._threads``): a network this size
        collapses on a busy machine with more (41-48 s instead of ~2 s for the demo's fit
        on two shared cores). None leaves ``torch.get_num_threads()`` as it is.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation and mini-batch order. The global torch random state of
        the caller is left untouched.
    verbose : bool or int, default=False
        Show a tqdm progress bar with the losses of each epoch.
    warm_start : bool, default=False
        Continue training the previous fit's network (same standardisation, fresh optimiser
        and schedule); the history is appended to and ``n_iter_`` keeps counting.

    Attributes
    ----------

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
    y_mean_, y_scale_ : ndarray of shape (n_outputs_,)
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

    A loss that becomes NaN or infinite, or runs above 1,000 times the larger of its
    starting value and the loss of predicting the mean, raises
    :class:`~placedecode.models.TrainingDivergedError` (naming ``learning_rate``); a fit
    that raises (that, a KeyboardInterrupt, bad data) leaves the estimator unfitted, or
    with its previous network after a ``warm_start`` fit. A prediction that is not finite
    raises :class:`FloatingPointError`; one more than 100 target ranges away from the
    training targets warns.

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
    ...                           random_state=0).fit(X, y)
    >>> model.predict(X[:3]).shape, model.coefs_[0].shape
    ((3, 2), (64, 4))
    >>> bool(model.score(X, y) > 0.9)
    True
    """

    _parameter_constraints: dict = {
        **_TorchMLPBase._parameter_constraints,
        "batch_sampling": [StrOptions(set(BATCH_SAMPLINGS))],
    }
    _monitor = "error"  # early stopping watches the error in cm, not the squared error

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
        batch_sampling="epoch",
        max_epochs=12,
        min_steps=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=0.0,
        standardize=True,
        device="auto",
        n_threads="auto",
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
        self.batch_sampling = batch_sampling
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

    @classmethod
    def tutorial(cls, **overrides):
        """The tutorial's torch network, as its code cell is written: 5 x 200 ReLU, SGD at 0.1.

        The tutorial is the notebook ``deeplearning.ipynb`` of the GitHub repository
        TomGeorge1234/DeepLearningTutorial (section 4.3, "Using pytorch to build an even
        deeper neural network"). Its ``DeepNeuralNetworkTorch``: five hidden
        ``nn.Linear`` layers of 200 units with ReLU and a linear output layer, torch's
        default initialisation; ``optim.SGD`` with learning rate 0.1 (no momentum, no
        weight decay, no schedule) on ``nn.MSELoss`` (mean over samples and coordinates);
        each step a fresh batch of 10 % of the training samples drawn without replacement,
        ``int(epochs / 0.1)`` steps for ``fit(epochs=100)``; raw rates (Hz) and positions
        (m) in float32; the error it reports is that of the last step's weights. (Section
        4.4 then suggests swapping in ``optim.Adam`` at its default rate as an exercise:
        ``tutorial(optimizer="adam", learning_rate=1e-3)``.)

        Here the same settings, ``batch_sampling="random"`` included; only the random
        numbers differ (torch's generator, seeded from ``random_state``, draws the initial
        weights and the batches). On the tutorial's dataset (25 place cells 0.15 m wide,
        10 min at dt = 0.1 s, first 80 % trains; ``benchmarks/results/tutorial.md``):
        5.28, 4.27, 5.61, 5.81, 6.34, 4.40, 5.86, 5.22, 5.21 and 4.34 cm on seeds 0-9
        (each the mean of two fits, ``random_state`` = seed and seed + 1000), mean 5.23 cm,
        next to 5.36 cm for the notebook's procedure on the same recordings and seeds;
        single fits of either differ by up to ~1 cm.

        Parameters
        ----------
        **overrides
            Any constructor parameter, replacing the preset's value.

        Returns
        -------
        TorchMLPRegressor
        """
        params = dict(
            hidden_layer_sizes=(200, 200, 200, 200, 200), activation="relu", optimizer="sgd",
            learning_rate=0.1, lr_schedule="constant", l2=0.0, batch_size=0.1,
            batch_sampling="random", max_epochs=100, min_steps=None, early_stopping=False,
            standardize=False,
        )
        params.update(overrides)
        return cls(**params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    # ---- hooks of the shared fit
    def _validate_kwargs(self):
        return {"dtype": np.float64, "multi_output": True, "y_numeric": True}

    def _prepare_targets(self, y, warm):
        y = np.asarray(y, dtype=np.float64)
        Y = y.reshape(len(y), -1)
        if warm:
            mean, scale, bounds = self.y_mean_, self.y_scale_, self._y_bounds
        else:
            mean, scale = fit_standardizer(Y, self.standardize)
            check_network_scale(Y, mean, scale, "y", self.standardize)
            bounds = target_bounds(Y)
        fitted = {"y_mean_": mean, "y_scale_": scale, "_y_1d": y.ndim == 1,
                  "_y_bounds": bounds}
        return standardize(Y, mean, scale), Y.shape[1], fitted

    def _loss(self, out, target):
        import torch.nn.functional as F

        return F.mse_loss(out, target)

    def _error_function(self, fitted, device):
        """``f(out, target)``: summed Euclidean error in original units x 100 (cm)."""
        import torch

        scale = torch.as_tensor(fitted["y_scale_"], dtype=torch.float32, device=device)
        return lambda out, target: 100.0 * torch.linalg.vector_norm(
            (out - target).mul_(scale), dim=1).sum()

    def _chance_output(self, target):
        return target.mean(dim=0, keepdim=True).expand_as(target)

    # ---- public API
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

        Raises
        ------
        FloatingPointError
            If a prediction is not finite (``X`` far outside the range seen in fit).
        """
        check_is_fitted(self, "module_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        y = self._forward(X) * self.y_scale_ + self.y_mean_
        y = y[:, 0] if self._y_1d else y
        return check_predictions(y, self._y_bounds, type(self).__name__)
