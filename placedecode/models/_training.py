"""The training layer every network uses: sizes, schedules, monitoring, divergence, progress.

:class:`~placedecode.models.NumpyMLPRegressor`, :class:`~placedecode.models.NumpyMLPClassifier`,
:class:`~placedecode.models.TorchMLPRegressor`, :class:`~placedecode.models.TorchMLPClassifier`
and :class:`~placedecode.models.TorchSequenceRegressor` differ in how they compute a
mini-batch step (hand-written NumPy or torch autograd) and nothing else: each piece below
is written once and used by all of them.

=========================  ============================================================
:func:`check_hidden_layer_sizes`  ``hidden_layer_sizes`` as a tuple of positive ints
:func:`resolve_batch_size`        an int, or a fraction of the samples rounded to nearest
:func:`epoch_order`               which samples an epoch's mini-batches take, in order
:func:`epoch_length`              how many samples (with repeats) that order holds
:func:`planned_epochs`            ``max_epochs`` raised to reach ``min_steps`` updates
:class:`StepSchedule`             per-step learning rate: one-cycle, cosine or constant
:class:`Monitor`                  early stopping, best-epoch restore, plateau cuts
:class:`DivergenceCheck`          the runaway-loss rule (:class:`TrainingDivergedError`)
:class:`Progress`                 the tqdm bar over epochs (``verbose``)
:func:`record_epoch`              one epoch appended to ``history_`` (equal lengths)
:func:`restore_on_failure`        a failed fit leaves the estimator as it was
=========================  ============================================================

Divergence rule
---------------
After every epoch the epoch's mean training loss is compared with a reference: the larger
of the loss of the network as it started this fit (on up to :data:`REFERENCE_SAMPLES`
training samples) and the loss of predicting the training mean (the class frequencies for
a classifier). Training stops with :class:`TrainingDivergedError` when the training loss is
NaN or infinite or exceeds :data:`DIVERGENCE_FACTOR` times the reference, or when the
validation loss is NaN or infinite. A loss 1,000 times that of predicting the mean means
predictions off by about 30 target standard deviations on the very samples the network
trains on: nothing a good run passes through, and where every Adam-trained network ends
once its learning rate is far too large (its weights grow without bound while the loss
stays finite). The validation loss is only checked for being finite: a validation slice
may legitimately lie far from everything the network trained on (a part of the arena
the animal visits only at the end).
"""

from __future__ import annotations

import contextlib
import math
from numbers import Integral

import numpy as np

from ._base import TrainingDivergedError

#: A loss this many times the reference (see the module docstring) means divergence.
DIVERGENCE_FACTOR = 1e3
#: Training samples the starting loss is measured on.
REFERENCE_SAMPLES = 1024

# ======================================================================================
# Sizes
# ======================================================================================


def check_hidden_layer_sizes(hidden_layer_sizes) -> tuple[int, ...]:
    """The hidden layer sizes as a tuple of positive ints (an int means one layer).

    Raises
    ------
    ValueError
        Naming ``hidden_layer_sizes`` and the value, if any size is not a positive int.
    """
    sizes = ([hidden_layer_sizes] if isinstance(hidden_layer_sizes, Integral)
             else list(hidden_layer_sizes))
    for size in sizes:
        if not isinstance(size, Integral) or isinstance(size, bool) or size < 1:
            raise ValueError(
                f"hidden_layer_sizes must be a positive int or a sequence of positive ints "
                f"(units per hidden layer); got {hidden_layer_sizes!r}."
            )
    return tuple(int(size) for size in sizes)


def resolve_batch_size(batch_size, n_samples: int) -> int:
    """Samples per mini-batch: an int, or a float fraction of ``n_samples``.

    A fraction is rounded to the nearest int (``0.01`` of 4,800 samples is 48); the
    result is clipped to ``[1, n_samples]``.
    """
    if isinstance(batch_size, Integral):
        size = int(batch_size)
    else:
        size = int(round(float(batch_size) * n_samples))
    return max(1, min(size, n_samples))


#: How an epoch's mini-batches are drawn (the ``batch_sampling`` parameter).
BATCH_SAMPLINGS = ("epoch", "random")


def epoch_order(n_samples: int, batch_size: int, rng, sampling="epoch", shuffle=True):
    """The samples one epoch visits, in order; consecutive ``batch_size`` runs are its batches.

    ``"epoch"``: every sample once, in a random order (``rng.permutation``) when
    ``shuffle``, else in the given order (None is returned: no reordering). ``"random"``
    (the tutorial's stochastic gradient descent): ``round(n_samples / batch_size)``
    independent batches, each ``batch_size`` distinct samples drawn by
    ``rng.choice(n_samples, batch_size, replace=False)``, so a sample may be in several
    batches of an epoch or in none; the draws are those of the tutorial's ``np.random``
    loop when ``rng`` is the ``RandomState`` it was seeded as.

    Returns
    -------
    ndarray of int or None
        ``n_samples`` indices (``"epoch"``) or ``round(n_samples / batch_size) *
        batch_size`` (``"random"``); None for ``"epoch"`` without ``shuffle``.
    """
    if sampling == "random":
        n_batches = epoch_length(n_samples, batch_size, sampling) // batch_size
        return np.concatenate([rng.choice(n_samples, size=batch_size, replace=False)
                               for _ in range(n_batches)])
    return rng.permutation(n_samples) if shuffle else None


def epoch_length(n_samples: int, batch_size: int, sampling="epoch") -> int:
    """How many samples (with repeats) :func:`epoch_order` gives an epoch."""
    if sampling == "random":
        return max(1, round(n_samples / batch_size)) * batch_size
    return n_samples


def planned_epochs(max_epochs: int, min_steps, n_batches: int) -> int:
    """``max_epochs``, raised so that training makes at least ``min_steps`` updates."""
    if min_steps is None:
        return int(max_epochs)
    return max(int(max_epochs), -(-int(min_steps) // n_batches))


# ======================================================================================
# Learning-rate schedules (per mini-batch step)
# ======================================================================================


def _cosine_between(start, end, fraction):
    """Cosine interpolation from ``start`` (fraction 0) to ``end`` (fraction 1)."""
    return end + (start - end) * (math.cos(math.pi * fraction) + 1.0) / 2.0


class StepSchedule:
    """The learning rate (and momentum) of every mini-batch step of a planned run.

    Parameters
    ----------
    name : {"onecycle", "cosine", "constant", "plateau"}
        "onecycle": cosine warm-up from ``peak / 25`` to ``peak`` over the first
        ``pct_start`` of the steps, then cosine annealing to ``peak / 25 / 1e4``; the
        momentum (Adam's β₁, or SGD's momentum) moves the other way, 0.95 → 0.85 → 0.95
        (Smith & Topin 2017; the same values as ``torch.optim.lr_scheduler.OneCycleLR``).
        A run too short for a warm-up step (``pct_start * total_steps <= 1``) starts at the
        peak and only anneals; a single step uses the peak. "cosine": ``peak`` annealed to 0
        over ``total_steps`` along a half cosine. "constant" and "plateau": ``peak`` at
        every step (plateau cuts are made by :class:`Monitor`).
    peak : float
        The ``learning_rate`` parameter.
    total_steps : int
        Mini-batch steps planned for the run.
    pct_start : float, default=0.1
        Fraction of the steps spent warming up ("onecycle").

    Examples
    --------
    >>> s = StepSchedule("onecycle", 1.0, 100)
    >>> round(s.learning_rate(0), 3), s.learning_rate(9), round(s.learning_rate(99), 8)
    (0.04, 1.0, 4e-06)
    """

    MAX_MOMENTUM, BASE_MOMENTUM = 0.95, 0.85
    DIV_FACTOR, FINAL_DIV_FACTOR = 25.0, 1e4

    def __init__(self, name, peak, total_steps, pct_start=0.1):
        self.name, self.peak = name, float(peak)
        self.total_steps = max(1, int(total_steps))
        self.warmup_end = float(pct_start * self.total_steps) - 1.0
        if self.warmup_end <= 0.0:  # not even one warm-up step: anneal from the peak
            self.warmup_end = 0.0

    @property
    def cycles_momentum(self) -> bool:
        """Whether :meth:`momentum` varies (one-cycle only)."""
        return self.name == "onecycle"

    def _phase(self, step):
        """(start, end, fraction) of the one-cycle phase holding ``step``, as multipliers."""
        initial = 1.0 / self.DIV_FACTOR
        final = initial / self.FINAL_DIV_FACTOR
        last = self.total_steps - 1.0
        if self.warmup_end > 0 and step <= self.warmup_end:
            return (initial, 1.0, self.MAX_MOMENTUM, self.BASE_MOMENTUM,
                    step / self.warmup_end)
        span = last - self.warmup_end
        fraction = (step - self.warmup_end) / span if span > 0 else 0.0
        return 1.0, final, self.BASE_MOMENTUM, self.MAX_MOMENTUM, min(fraction, 1.0)

    def learning_rate(self, step: int) -> float:
        """Learning rate of mini-batch step ``step`` (0-based)."""
        if self.name == "onecycle":
            start, end, _, _, fraction = self._phase(step)
            return self.peak * _cosine_between(start, end, fraction)
        if self.name == "cosine":
            return self.peak * (1.0 + math.cos(math.pi * min(step, self.total_steps)
                                               / self.total_steps)) / 2.0
        return self.peak

    def momentum(self, step: int) -> float:
        """Momentum (β₁) of step ``step`` for "onecycle" (:attr:`MAX_MOMENTUM` otherwise)."""
        if self.name != "onecycle":
            return self.MAX_MOMENTUM
        _, _, start, end, fraction = self._phase(step)
        return _cosine_between(start, end, fraction)


# ======================================================================================
# Monitoring: early stopping, best-epoch restore, plateau cuts
# ======================================================================================


class Monitor:
    """Watch one monitored number per epoch: keep the best weights, cut the learning rate
    on plateaus and say when to stop.

    An epoch *improves* when its score is below the best so far minus ``tol``. After
    ``lr_patience`` epochs without improvement ``on_cut(lr_factor)`` is called (the caller
    multiplies its learning rate) and that count restarts; after ``n_iter_no_change`` such
    epochs :meth:`update` returns True (stop). ``None`` disables either rule. The best
    epoch is the one with the lowest score (ties: the earliest).

    Parameters
    ----------
    tol : float
    n_iter_no_change : int or None
    lr_patience : int or None
    lr_factor : float
    on_cut : callable or None
        ``on_cut(factor)``, called at each plateau cut.
    """

    def __init__(self, tol=0.0, n_iter_no_change=None, lr_patience=None, lr_factor=0.3,
                 on_cut=None):
        self.tol, self.n_iter_no_change = tol, n_iter_no_change
        self.lr_patience, self.lr_factor, self.on_cut = lr_patience, lr_factor, on_cut
        self.best_score, self.best_state, self.best_epoch = np.inf, None, None
        self._since_improvement = self._since_cut = 0

    def update(self, score, epoch, snapshot=None) -> bool:
        """Record one epoch's ``score``; if it is the best, keep ``snapshot()`` (when given).

        Returns
        -------
        bool
            True when training should stop.
        """
        if score < self.best_score - self.tol:
            self._since_improvement = self._since_cut = 0
        else:
            self._since_improvement += 1
            self._since_cut += 1
        if score < self.best_score:
            self.best_score, self.best_epoch = score, epoch
            if snapshot is not None:
                self.best_state = snapshot()
        if self.lr_patience is not None and self._since_cut >= self.lr_patience:
            if self.on_cut is not None:
                self.on_cut(self.lr_factor)
            self._since_cut = 0
        return self.n_iter_no_change is not None and (
            self._since_improvement >= self.n_iter_no_change)


# ======================================================================================
# Divergence
# ======================================================================================


class DivergenceCheck:
    """The runaway-loss rule of the module docstring, for one fit.

    Parameters
    ----------
    starting_loss : float
        Loss of the network before this fit's first update (on up to
        :data:`REFERENCE_SAMPLES` training samples).
    chance_loss : float
        Loss of predicting the training mean (class frequencies for a classifier).
    learning_rate : float
        The ``learning_rate`` parameter, named in the message.
    """

    def __init__(self, starting_loss, chance_loss, learning_rate):
        self.reference = max(float(starting_loss), float(chance_loss))
        self.learning_rate = learning_rate
        if not math.isfinite(self.reference):
            raise TrainingDivergedError(
                f"The network's loss is {self.reference} before training: X or y holds "
                "values too large for the network (check their units, or pass "
                "standardize=True)."
            )

    @property
    def limit(self) -> float:
        """Largest loss still accepted."""
        return DIVERGENCE_FACTOR * self.reference

    def check(self, loss, epoch, what="training") -> None:
        """Raise :class:`TrainingDivergedError` if ``loss`` breaks the rule.

        ``what`` is "training" (the whole rule) or "validation" (finite only).
        """
        loss = float(loss)
        if math.isfinite(loss) and (what != "training" or loss <= self.limit):
            return
        became = f"became {loss}" if not math.isfinite(loss) else (
            f"reached {loss:.3g}, more than {DIVERGENCE_FACTOR:g} times the larger of its "
            f"starting value and the loss of predicting the mean ({self.reference:.3g})")
        raise TrainingDivergedError(
            f"Training diverged: the {what} loss {became} at epoch {epoch} with "
            f"learning_rate={self.learning_rate!r}. Try a smaller learning_rate (e.g. "
            f"{self.learning_rate / 10:g}), standardize=True, or a larger batch_size."
        )


# ======================================================================================
# History and progress
# ======================================================================================


def record_epoch(history, epoch, train_loss, train_error, val_loss=None, val_error=None):
    """Append one epoch to ``history``; NaN validation entries keep the lists equal in
    length when an earlier call had a validation slice and this one has none."""
    history["epoch"].append(int(epoch))
    history["train_loss"].append(float(train_loss))
    history["train_error"].append(float(train_error))
    if val_loss is not None:
        history["val_loss"].append(float(val_loss))
        history["val_error"].append(float(val_error))
    elif history["val_loss"]:
        history["val_loss"].append(float("nan"))
        history["val_error"].append(float("nan"))


class Progress:
    """A tqdm bar over epochs showing the latest errors, or nothing when not ``verbose``."""

    def __init__(self, verbose, total, name):
        self.bar = None
        if verbose:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, desc=name, unit="epoch")

    def update(self, history) -> None:
        """Advance one epoch and show the last ``train_error`` / ``val_error``."""
        if self.bar is None:
            return
        postfix = {"train_error": f"{history['train_error'][-1]:.4g}"}
        if history["val_error"] and np.isfinite(history["val_error"][-1]):
            postfix["val_error"] = f"{history['val_error'][-1]:.4g}"
        self.bar.set_postfix(postfix, refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# ======================================================================================
# Failure safety
# ======================================================================================


@contextlib.contextmanager
def restore_on_failure(estimator):
    """Leave ``estimator`` exactly as it was if the block raises (anything, including
    KeyboardInterrupt): unfitted after a failed first fit, with its previous fitted state
    after a failed ``warm_start`` fit or ``partial_fit``.

    The attributes are restored from a shallow copy of ``vars(estimator)``, so training
    must build new objects (weights, optimizer state, history) and never modify the
    fitted ones in place; the networks here copy them before training and assign the
    results only once training succeeded.
    """
    before = dict(vars(estimator))
    try:
        yield
    except BaseException:
        vars(estimator).clear()
        vars(estimator).update(before)
        raise
