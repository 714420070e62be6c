"""Decoders with scikit-learn's estimator API.

``LinearRegressor``     closed-form least squares ``W = Y Xᵀ (X Xᵀ)⁻¹`` (+ bias, ridge)
``LinearClassifier``    the same on one-hot targets
``NumpyMLPRegressor``   hand-coded NumPy network, hand-derived backprop
``NumpyMLPClassifier``  the same with a softmax cross-entropy output
``TorchMLPRegressor``   deep PyTorch network (torch imported only when used)
``TorchMLPClassifier``  the same with a softmax cross-entropy output
======================  ==========================================================
=======
==========================  ==========================================================
``LinearRegressor``         closed-form least squares ``W = Y Xᵀ (X Xᵀ)⁻¹`` (+ bias, ridge)
``LinearClassifier``        the same on one-hot targets
``NumpyMLPRegressor``       hand-coded NumPy network, hand-derived backprop
``NumpyMLPClassifier``      the same with a softmax cross-entropy output
``TorchMLPRegressor``       deep PyTorch network (torch imported only when used)
``TorchMLPClassifier``      the same with a softmax cross-entropy output
``TorchSequenceRegressor``  temporal convolutions over seconds of spike history
``BayesianDecoder``         Poisson naive Bayes over a grid of positions
``backprop``                the tutorial's network, forward and backward, for reading
==========================  ==========================================================

All take scikit-learn's layout: ``X`` is ``(n_samples, n_features)`` and ``y`` is
``(n_samples,)`` or ``(n_samples, n_targets)``. Every network trains through one layer
(:mod:`placedecode.models._training`: history, early stopping, schedules, divergence,
progress) and raises :class:`TrainingDivergedError` when its loss runs away.

Names are loaded on first access with ``lazy_loader`` (SPEC 1), so that
``import placedecode`` stays light and never imports torch.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=["backprop"],
    submod_attrs={
        "_base": ["TrainingDivergedError"],
        "_linear": ["LinearRegressor", "LinearClassifier"],
        "_numpy_regressor": ["NumpyMLPRegressor"],
        "_numpy_classifier": ["NumpyMLPClassifier"],
        "_torch_regressor": ["TorchMLPRegressor"],
        "_torch_classifier": ["TorchMLPClassifier"],
        "_torch_seq": ["TorchSequenceRegressor"],
        "_bayes": ["BayesianDecoder"],
    },
)
