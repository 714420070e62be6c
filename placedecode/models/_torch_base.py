"""One base for every torch estimator: device, threads, seeding, the loop, prediction, pickling.

:class:`~placedecode.models.TorchMLPRegressor`, :class:`~placedecode.models.TorchMLPClassifier`
and :class:`~placedecode.models.TorchSequenceRegressor` are thin subclasses of
:class:`TorchEstimator`: they turn their data into tensors and choose a network, a loss and
what early stopping watches; everything else is here, on top of the training layer
(:mod:`placedecode.models._training`) the NumPy networks share.

* **Device**: ``device="auto"`` takes CUDA when ``torch.cuda.is_available()``, else the
  CPU; an explicit device that is not available is a clear error.
* **Threads and floats**: ``fit`` and ``predict`` run inside :func:`torch_settings`:
  the thread policy of :mod:`placedecode.models._threads` (``n_threads``) and, while
  training, flushing of subnormal floats (``torch.set_flush_denormal``), both restored
  afterwards.
* **Seeding**: ``random_state`` gives one seed for the initial weights, the mini-batch
  order and dropout; all of it runs inside ``torch.random.fork_rng``, so the caller's
  torch random state is left untouched.
* **The loop** (:meth:`TorchEstimator._train_module`): seeded permutation each epoch (or,
  with ``batch_sampling="random"``, a fresh batch of distinct samples every step),
  per-step learning rate (``StepSchedule``), history, divergence check, early stopping
  and best-epoch restore (``Monitor``), tqdm progress; all from the training layer.
* **Transactions**: a fit trains a new (or, for ``warm_start``, a copied) network and
  assigns it only when training succeeded (``restore_on_failure``).
* **Prediction**: the float32 weights are evaluated in float64 (float32 on "mps") in
  chunks, so a sample's prediction does not depend on which other samples share its
  batch.
* **Pickling**: the network is moved to the CPU, so a model fitted on a GPU loads
  anywhere. Every module class lives in :mod:`placedecode.models._torch_modules`.

torch is imported inside the methods, never at module import.
"""

from __future__ import annotations

import contextlib
import copy
import re

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state

from ._threads import resolve_n_threads, thread_limits
from ._training import (
    REFERENCE_SAMPLES,
    DivergenceCheck,
    Monitor,
    Progress,
    StepSchedule,
    epoch_length,
    record_epoch,
)

_DEVICE_PATTERN = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")
PREDICT_CHUNK = 65536  # rows per forward pass at prediction time (bounds memory)
OPTIMIZERS = ("adam", "adamw", "sgd", "momentum", "rmsprop")
LR_SCHEDULES = ("onecycle", "cosine", "plateau", "constant")


def resolve_device(device):
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
def torch_settings(n_threads, flush_denormal=False):
    """Scope torch's CPU threads (see :mod:`._threads`) and, optionally, denormal flushing.

    Late in training Adam's second-moment estimates and many gradients become subnormal
    floats, which x86 CPUs process ~100x slower; flushing them to zero halved the training
    time of the default network here without changing its predictions. torch cannot report
    the previous flush mode, so it is reset to torch's default (off) afterwards.
    """
    import torch

    with thread_limits(n_threads, torch=True):
        if flush_denormal:
            torch.set_flush_denormal(True)
        try:
            yield
        finally:
            if flush_denormal:
                torch.set_flush_denormal(False)


def build_optimizer(module, name, learning_rate, l2):
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


class TorchEstimator(BaseEstimator):
    """What every torch estimator shares (not public; see the module docstring).

    Subclasses set ``optimizer``, ``learning_rate``, ``lr_schedule``, ``l2``,
    ``n_iter_no_change``, ``tol``, ``device``, ``n_threads``, ``random_state`` and
    ``verbose`` in ``__init__`` and implement ``_loss(out, target)`` (mean loss of a
    batch, a tensor), ``_error_function(fitted, device)`` (returns ``f(out, target)``,
    the summed error of a batch) and ``_chance_output(targets)`` (the constant output of
    predicting the training mean).
    """

    #: How mini-batches are drawn; a parameter of the regressor only (see ``_training.epoch_order``).
    batch_sampling = "epoch"

    # ------------------------------------------------------------------ set-up
    def _seed(self) -> int:
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def _fork_rng(self, device):
        """Fork torch's random state (CPU, and the CUDA device in use) for this fit."""
        import torch

        devices = [device] if device.type == "cuda" else []
        return torch.random.fork_rng(devices=devices)

    # ------------------------------------------------------------------ the loop
    def _train_module(self, module, X_train, y_train, validation, generator, *, epochs,
                      batch_size, monitor, history, n_iter, error_sum):
        """Mini-batch training of ``module`` (in place); returns (history, n_iter, best_epoch).

        ``monitor`` is "error" or "loss", the ``history_`` quantity early stopping and the
        plateau schedule watch (on the validation slice when there is one, else on the
        training samples). ``history`` is extended in place. ``error_sum(out, target)``
        is the summed error of a batch.
        """
        import torch

        device = X_train.device
        n_train = len(X_train)
        sampling = self.batch_sampling
        n_seen = epoch_length(n_train, batch_size, sampling)  # samples an epoch, with repeats
        n_batches = -(-n_seen // batch_size)
        optimizer = build_optimizer(module, self.optimizer, self.learning_rate, self.l2)
        schedule = StepSchedule(self.lr_schedule, self.learning_rate, epochs * n_batches)
        per_step = self.lr_schedule in ("onecycle", "cosine")
        cycle = schedule.cycles_momentum and self.optimizer in ("adam", "adamw", "momentum")

        def cut(factor):
            for group in optimizer.param_groups:
                group["lr"] *= factor

        patience = 10 if self.n_iter_no_change is None else self.n_iter_no_change
        watcher = Monitor(self.tol, self.n_iter_no_change,
                          max(1, patience // 3) if self.lr_schedule == "plateau" else None,
                          0.2, on_cut=cut)
        module.eval()
        with torch.no_grad():
            ref = slice(0, min(n_train, REFERENCE_SAMPLES))
            starting = float(self._loss(module(X_train[ref]), y_train[ref]))
            chance = float(self._loss(self._chance_output(y_train), y_train))
        divergence = DivergenceCheck(starting, chance, self.learning_rate)

        def snapshot():  # the weights of the best validation epoch so far
            return {k: v.detach().clone() for k, v in module.state_dict().items()}

        watched = ("val_" if validation is not None else "train_") + monitor
        progress = Progress(self.verbose, epochs, type(self).__name__)
        parameters = list(module.parameters())
        step = 0
        try:
            for _ in range(epochs):
                module.train()
                if sampling == "random":  # each batch: batch_size distinct samples, drawn afresh
                    order = torch.cat([torch.randperm(n_train, generator=generator)[:batch_size]
                                       for _ in range(n_batches)])
                else:
                    order = torch.randperm(n_train, generator=generator)
                order = order.to(device)
                X_epoch, y_epoch = X_train[order], y_train[order]  # one gather; batches are views
                loss_sum = torch.zeros((), device=device)
                error_total = torch.zeros((), device=device)
                for start in range(0, n_seen, batch_size):
                    if per_step:
                        self._set_step(optimizer, schedule, step, cycle)
                    xb, yb = X_epoch[start:start + batch_size], y_epoch[start:start + batch_size]
                    out = module(xb)
                    loss = self._loss(out, yb)
                    for p in parameters:  # optimizer.zero_grad(set_to_none=True), minus overhead
                        p.grad = None
                    loss.backward()
                    optimizer.step()
                    step += 1
                    with torch.no_grad():
                        loss_sum += loss.detach() * len(xb)
                        error_total += error_sum(out.detach(), yb)
                n_iter += 1
                train_loss = float(loss_sum) / n_seen
                divergence.check(train_loss, n_iter)
                val_loss = val_error = None
                if validation is not None:
                    val_loss, val_error = self._evaluate(module, *validation, error_sum)
                    divergence.check(val_loss, n_iter, "validation")
                record_epoch(history, n_iter, train_loss, float(error_total) / n_seen,
                             val_loss, val_error)
                stop = watcher.update(history[watched][-1], n_iter,
                                      snapshot if validation is not None else None)
                progress.update(history)
                if stop:
                    break
        finally:
            progress.close()
        if validation is not None:
            module.load_state_dict(watcher.best_state)
            best_epoch = watcher.best_epoch
        else:
            best_epoch = n_iter
        module.eval()
        return history, n_iter, best_epoch

    @staticmethod
    def _set_step(optimizer, schedule, step, cycle):
        """Learning rate (and cycled momentum) of mini-batch ``step``."""
        lr = schedule.learning_rate(step)
        momentum = schedule.momentum(step) if cycle else None
        for group in optimizer.param_groups:
            group["lr"] = lr
            if momentum is not None:
                if "betas" in group:
                    group["betas"] = (momentum, *group["betas"][1:])
                else:
                    group["momentum"] = momentum

    def _evaluate(self, module, X, y, error_sum):
        """(mean loss, mean error) of ``module`` on tensors ``X``, ``y`` in eval mode."""
        import torch

        module.eval()
        with torch.no_grad():
            out = module(X)
            return float(self._loss(out, y)), float(error_sum(out, y)) / len(X)

    def _fit_module(self, make_module, X, y, n_train, *, seed, device, epochs, batch_size,
                    monitor, history, n_iter, flops, fitted):
        """Build a network with ``make_module()`` and train it on arrays ``X``, ``y`` (the
        first ``n_train`` rows train, the rest validate), with the thread, denormal and
        random-state scoping of the module docstring. ``fitted`` holds the target
        attributes the error needs (they are assigned to the estimator only afterwards).

        Returns
        -------
        module, history, n_iter, best_epoch
        """
        import torch

        threads = resolve_n_threads(self.n_threads, flops, torch=True)
        with torch_settings(threads, flush_denormal=True), self._fork_rng(device):
            torch.manual_seed(seed)  # the initial weights, then dropout, follow the seed
            module = make_module()
            X_t = torch.as_tensor(X, dtype=torch.float32, device=device)
            y_t = torch.as_tensor(y, dtype=self._target_dtype(), device=device)
            validation = (X_t[n_train:], y_t[n_train:]) if n_train < len(X) else None
            history, n_iter, best_epoch = self._train_module(
                module, X_t[:n_train], y_t[:n_train], validation,
                torch.Generator().manual_seed(seed), epochs=epochs, batch_size=batch_size,
                monitor=monitor, history=history, n_iter=n_iter,
                error_sum=self._error_function(fitted, device))
        return module, history, n_iter, best_epoch

    def _target_dtype(self):
        import torch

        return torch.float32

    # ------------------------------------------------------------------ prediction
    def _predict_module(self, X, flops_per_row, n_outputs):
        """Outputs (float64 ndarray) of ``module_`` for float64 inputs ``X`` (rows first).

        The float32 weights are evaluated in float64 (float32 on "mps", which has no
        float64), so a sample's prediction does not depend on which other samples share
        its chunk (float32 kernels round differently for different batch sizes).
        """
        import torch
        from torch.func import functional_call

        module = self.module_
        device = next(module.parameters()).device  # CPU after unpickling
        dtype = torch.float32 if device.type == "mps" else torch.float64
        threads = resolve_n_threads(self.n_threads, flops_per_row * min(len(X), PREDICT_CHUNK),
                                    torch=True)
        outputs = []
        with torch_settings(threads), torch.no_grad():
            module.eval()
            params = {name: p.to(dtype) for name, p in module.state_dict().items()}
            for start in range(0, len(X), PREDICT_CHUNK):
                chunk = torch.as_tensor(X[start:start + PREDICT_CHUNK], dtype=dtype,
                                        device=device)
                outputs.append(functional_call(module, params, (chunk,)).cpu().numpy())
        out = (np.concatenate(outputs).astype(np.float64) if outputs
               else np.zeros((0, n_outputs)))
        if not np.all(np.isfinite(out)):
            raise FloatingPointError(
                f"{type(self).__name__}'s network produced non-finite outputs (overflow): X "
                "is probably far outside the range seen in fit."
            )
        return out

    # ------------------------------------------------------------------ pickling
    def __getstate__(self):
        state = super().__getstate__()
        module = state.get("module_")
        if module is not None and next(module.parameters()).device.type != "cpu":
            state["module_"] = copy.deepcopy(module).cpu()
        return state
