"""The deep torch network as a classifier: :class:`TorchMLPClassifier` (cross-entropy).

The fit is :class:`placedecode.models._torch_mlp._TorchMLPBase` (on the torch base and the
shared training layer); this module holds what is particular to classification: labels of
any single type, the softmax cross-entropy, the misclassification rate and probabilities.
"""

from __future__ import annotations

import numpy as np
from scipy.special import softmax
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._base import check_class_labels
from ._torch_mlp import _TorchMLPBase
from .._pynapple import pynapple_aware

__all__ = ["TorchMLPClassifier"]


@pynapple_aware
class TorchMLPClassifier(ClassifierMixin, _TorchMLPBase):
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
    ----------

    hidden_layer_sizes : int or sequence of int, default=(200, 200, 200, 200, 200)
        Width of each hidden layer (the tutorial's 5 layers of 200 units).
    activation : {"relu", "tanh", "sigmoid", "gelu", "identity"}, default="relu"
        Non-linearity after each hidden layer ("gelu": ``torch.nn.GELU``, exact erf form).
    optimizer : {"adam", "adamw", "sgd", "momentum", "rmsprop"}, default="adam"
        "momentum" is SGD with momentum 0.9; "adamw" decouples the ``l2`` decay.
    learning_rate : float, default=1e-3
        Step size; the peak of the cycle for ``lr_schedule="onecycle"`` and the starting
        value for the other schedules.
    lr_schedule : {"onecycle", "cosine", "plateau", "constant"}, default="onecycle"
        Learning-rate schedule, set at every mini-batch step. "onecycle": warm up over
        the first 10 % of the steps then anneal to ~0, with Adam's beta_1 (or the
        momentum) cycling inversely between 0.95 and 0.85 (the values of
        ``torch.optim.lr_scheduler.OneCycleLR``; a run of at most 10 steps skips the
        warm-up, so short fits work); "cosine": cosine annealing from ``learning_rate`` to 0 over
        ``max_epochs``; "plateau": divide by 5 when the monitored cross-entropy has not
        decreased by more than ``tol`` for ``max(1, n_iter_no_change // 3)`` epochs (3 when
        ``n_iter_no_change`` is None); "constant": no schedule.
    l2 : float, default=0.0
        L2 penalty: ``l2 * w`` is added to each weight's gradient (``l2 / 2 * ||W||²``
        added to the mean loss); biases are not penalised.
    batch_size : int or float, default=64
        Samples per mini-batch; a float in (0, 1] is a fraction of the training samples,
        rounded to the nearest int. Clipped to ``[1, n_training_samples]``.
    max_epochs : int, default=20
        Passes over the training samples (also the length of the "onecycle" and "cosine"
        schedules).
    min_steps : int or None, default=800
        If set, train for at least this many mini-batch updates: on small data sets the
        number of epochs is raised to ``ceil(min_steps / batches per epoch)`` (and the
        schedule planned over it); on large ones ``max_epochs`` already gives more.
    early_stopping : bool, default=False
        Hold out the last ``validation_fraction`` of the samples (in time order), monitor
        its cross-entropy after every epoch, stop when it stops improving (see
        ``n_iter_no_change``) and restore the weights of the best epoch (``best_epoch_``).
        When False, the same quantity on the training samples decides when to stop and the
        last epoch's weights are kept.
    validation_fraction : float, default=0.1
        Fraction of the samples, taken from the END, used for validation.
    n_iter_no_change : int or None, default=None
        Epochs without a decrease of the monitored cross-entropy larger than ``tol`` before
        stopping. None (the default) always runs ``max_epochs``: the "onecycle" and
        "cosine" schedules are planned over ``max_epochs`` and stopping mid-way would skip
        their low learning rates. The best epoch is restored either way.
    tol : float, default=0.0
        Minimum decrease of the monitored cross-entropy that counts as an improvement.
    standardize : bool or "center", default="center"
        Standardise inputs with the training mean and standard deviation
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
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted (any labels of one type: strings, integers, ...).
    n_outputs_ : int
        Number of output units (= n_classes).

    Notes
    -----
    ``history_["train_error"]`` and ``["val_error"]`` are misclassification rates
    (1 - accuracy); the losses are the mean cross-entropy in nats. Divergence (a
    cross-entropy above 1,000 times the larger of its starting value and the entropy of
    the class frequencies, or not finite) raises
    :class:`~placedecode.models.TrainingDivergedError` and leaves the estimator as it was.

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
    ...                          random_state=0).fit(X, y)
    >>> clf.classes_.tolist()
    ['opposite', 'same sign']
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

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

    # ---- hooks of the shared fit
    def _validate_kwargs(self):
        return {"dtype": np.float64}

    def _prepare_targets(self, y, warm):
        y = check_class_labels(column_or_1d(y, warn=True))
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
        return index, len(classes), {"classes_": classes}

    def _target_dtype(self):
        import torch

        return torch.int64

    def _loss(self, out, target):
        import torch.nn.functional as F

        return F.cross_entropy(out, target)

    def _error_function(self, fitted, device):
        """``f(out, target)``: number of misclassified samples."""
        return lambda out, target: (out.argmax(dim=1) != target).sum()

    def _chance_output(self, target):
        import torch

        counts = torch.bincount(target).to(torch.float32)  # every class occurs in y
        return torch.log(counts / counts.sum()).expand(len(target), -1)

    # ---- public API
    def fit(self, X, y):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs in time order.
        y : array-like of shape (n_samples,)
            Class labels (strings or numbers, not both; no None).

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
