"""Decoders with scikit-learn's estimator API.

======================  ==========================================================
``LinearRegressor``     closed-form least squares ``W = Y Xᵀ (X Xᵀ)⁻¹`` (+ bias, ridge)
``LinearClassifier``    the same on one-hot targets
``NumpyMLPRegressor``   hand-coded NumPy network, hand-derived backprop
``NumpyMLPClassifier``  the same with a softmax cross-entropy output
``TorchMLPRegressor``   deep PyTorch network (torch imported only when used)
``TorchMLPClassifier``  the same with a softmax cross-entropy output
======================  ==========================================================

All take scikit-learn's layout: ``X`` is ``(n_samples, n_features)`` and ``y`` is
``(n_samples,)`` or ``(n_samples, n_targets)``. Names are loaded on first access so that
``import placedecode`` stays light (and never imports torch).
"""

from __future__ import annotations

import importlib

from ._base import TrainingDivergedError

_LAZY = {
    "LinearRegressor": "._linear",
    "LinearClassifier": "._linear",
    "NumpyMLPRegressor": "._numpy_mlp",
    "NumpyMLPClassifier": "._numpy_mlp",
    "TorchMLPRegressor": "._torch_mlp",
    "TorchMLPClassifier": "._torch_mlp",
    "BayesianDecoder": "._bayes",
    "TorchSequenceRegressor": "._torch_seq",
}

__all__ = sorted([*_LAZY, "TrainingDivergedError"])


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return __all__
