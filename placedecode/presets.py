"""Named decoders: what "linear", "numpy", "torch", "bayes" ... mean, written once.

The demo, :func:`placedecode.experiments.compare` (through :func:`make_decoders`), the
``placedecode`` command line, the figures and the plot colours
(:func:`placedecode.plotting.decoder_color`) all take their decoders from
:data:`PRESETS`. The rule: a family name is that family's recommended decoder, built with
its estimator's defaults -- except that ``linear`` fits a bias, as ``LinearClassifier``
and scikit-learn's ``LinearRegression`` do (without one, a population that falls silent
decodes to the corner (0, 0): worse than chance on spike counts). A variant with other
settings has a longer name that says how it differs (``-tutorial``: the seed tutorial's
settings; ``-small``: a small network for quick sweeps); a figure that needs yet another
model gives it yet another name.

====================  ========================================================================
name                  decoder
====================  ========================================================================
``linear``            ``LinearRegressor(fit_intercept=True)``: closed-form least squares
``linear-tutorial``   ``LinearRegressor()``: the tutorial's ``W = Y Xᵀ (X Xᵀ)⁻¹``, no bias
``numpy``             ``NumpyMLPRegressor()``: the hand-coded NumPy network, its defaults
``numpy-small``       ``NumpyMLPRegressor((64,), max_epochs=60)``: small, for quick sweeps
``numpy-tutorial``    ``NumpyMLPRegressor.tutorial()``: the tutorial's settings (SGD, ReLU)
``torch``             ``TorchMLPRegressor()``: the deep PyTorch network, its defaults
``torch-small``       ``TorchMLPRegressor((64, 64), max_epochs=30)``: small, for sweeps
``bayes``             ``BayesianDecoder()``: Poisson likelihood on a 5-cm grid, its defaults
``knn``               ``KNeighborsRegressor()``: k-nearest neighbours (k = 5), a reference
====================  ========================================================================

For classification (``task="classification"``) the family names give the matching
classifiers with their defaults: ``linear`` is ``LinearClassifier()`` (with a bias),
``numpy`` ``NumpyMLPClassifier()``, ``torch`` ``TorchMLPClassifier()`` and ``knn``
``KNeighborsClassifier()``.

Examples
--------
>>> from placedecode.presets import make_decoder, make_decoders
>>> make_decoders(["linear", "bayes"])
{'linear': LinearRegressor(fit_intercept=True), 'bayes': BayesianDecoder()}
>>> make_decoder("numpy", random_state=0).random_state
0
"""

from __future__ import annotations

import dataclasses
from typing import Callable

__all__ = ["DECODERS", "PRESETS", "Preset", "make_decoder", "make_decoders", "preset_names"]

TASKS = ("regression", "classification")


@dataclasses.dataclass(frozen=True)
class Preset:
    """One named decoder: how to build it for each task, and a one-line description.

    Attributes
    ----------
    name : str
        The name used by the demo, ``compare``, the command line, figures and colours.
    description : str
        One line: the estimator and what it is for.
    regressor : callable
        No arguments; returns an unfitted regressor (``random_state`` left at None).
    classifier : callable or None
        The same for classification, or None where the family has no classifier.
    """

    name: str
    description: str
    regressor: Callable
    classifier: Callable | None = None

    def build(self, task: str = "regression"):
        """An unfitted estimator of this preset for ``task``."""
        factory = self.regressor if task == "regression" else self.classifier
        if factory is None:
            raise ValueError(f"decoder {self.name!r} has no {task} version; choose from "
                             f"{preset_names(task)}.")
        return factory()


def _models():
    from . import models

    return models


def _knn(kind: str):
    from sklearn import neighbors

    return getattr(neighbors, f"KNeighbors{kind}")()


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("linear", "LinearRegressor(fit_intercept=True): closed-form least squares with a bias",
               lambda: _models().LinearRegressor(fit_intercept=True), lambda: _models().LinearClassifier()),
        Preset("linear-tutorial", "LinearRegressor(): the tutorial's closed form W = Y X^T (X X^T)^-1, no bias",
               lambda: _models().LinearRegressor()),
        Preset("numpy", "NumpyMLPRegressor(): the hand-coded NumPy network, default settings",
               lambda: _models().NumpyMLPRegressor(), lambda: _models().NumpyMLPClassifier()),
        Preset("numpy-small", "NumpyMLPRegressor((64,), max_epochs=60): a small hand-coded network for "
               "quick sweeps", lambda: _models().NumpyMLPRegressor((64,), max_epochs=60)),
        Preset("numpy-tutorial", "NumpyMLPRegressor.tutorial(): the tutorial's settings (SGD, ReLU output, "
               "raw rates)", lambda: _models().NumpyMLPRegressor.tutorial()),
        Preset("torch", "TorchMLPRegressor(): the deep PyTorch network, default settings",
               lambda: _models().TorchMLPRegressor(), lambda: _models().TorchMLPClassifier()),
        Preset("torch-small", "TorchMLPRegressor((64, 64), max_epochs=30): a small PyTorch network for "
               "quick sweeps", lambda: _models().TorchMLPRegressor((64, 64), max_epochs=30)),
        Preset("bayes", "BayesianDecoder(): Poisson likelihood on a 5-cm grid, flat prior, its defaults",
               lambda: _models().BayesianDecoder()),
        Preset("knn", "KNeighborsRegressor(): k-nearest neighbours (k=5), a non-parametric reference",
               lambda: _knn("Regressor"), lambda: _knn("Classifier")),
    )
}

#: Regression presets by name -> their one-line description (what ``--help`` lists).
DECODERS: dict[str, str] = {name: p.description for name, p in PRESETS.items()}


def _check_task(task) -> str:
    if task not in TASKS:
        raise ValueError(f"task must be 'regression' or 'classification'; got {task!r}.")
    return task


def preset_names(task: str = "regression") -> list[str]:
    """The preset names available for ``task`` ("regression" or "classification"), in table order."""
    _check_task(task)
    return [n for n, p in PRESETS.items() if task == "regression" or p.classifier is not None]


def make_decoder(name: str, random_state=None, task: str = "regression"):
    """One unfitted decoder by preset name (see :data:`PRESETS`).

    Parameters
    ----------
    name : str
        A preset name, e.g. ``"linear"`` or ``"bayes"``.
    random_state : None, int or numpy Generator, default=None
        Set on the estimator when it has a ``random_state`` parameter. None leaves it
        unset, so that :func:`~placedecode.experiments.compare` seeds each fit itself.
    task : {"regression", "classification"}, default="regression"

    Returns
    -------
    estimator
        A new, unfitted scikit-learn-style estimator.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones) or task.
    """
    _check_task(task)
    if not isinstance(name, str) or name not in PRESETS:
        raise ValueError(f"unknown decoder name {name!r}; choose from {preset_names(task)}.")
    estimator = PRESETS[name].build(task)
    if random_state is not None and "random_state" in estimator.get_params(deep=False):
        estimator.set_params(random_state=random_state)
    return estimator


def make_decoders(names=None, random_state=None, task: str = "regression") -> dict:
    """Unfitted decoders by preset name: ``{name: estimator}`` in the order given.

    Parameters
    ----------
    names : str or iterable of str, optional
        Preset names, e.g. ``["linear", "numpy", "torch"]``. None: every preset for ``task``.
    random_state : None, int or numpy Generator, default=None
        As in :func:`make_decoder` (the same seed for each).
    task : {"regression", "classification"}, default="regression"

    Returns
    -------
    dict of str to estimator

    Raises
    ------
    ValueError
        If ``names`` is empty, repeats a name or holds an unknown one.
    """
    _check_task(task)
    if names is None:
        names = preset_names(task)
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if not isinstance(n, str) or n not in PRESETS]
    if unknown or not names:
        raise ValueError(f"unknown decoder name(s) {unknown}; choose from {preset_names(task)}.")
    if len(set(names)) != len(names):
        raise ValueError(f"decoder names repeat: {names}.")
    return {n: make_decoder(n, random_state=random_state, task=task) for n in names}
