"""placedecode: decode an animal's position from the activity of spatial neurons.

Simulate a recording with RatInABox, decode it with scikit-learn-style estimators (closed
form linear, a hand-coded NumPy network, a deep torch network) and plot what they do::

    import placedecode as pd
    rec = pd.simulate(cells="place", n_cells=25, minutes=10, dt=0.1, random_state=0)
    train, test = rec.split(0.8)
    model = pd.LinearRegressor(fit_intercept=True).fit(train.X, train.y)
    pd.decoding_error(test.y, model.predict(test.X))          # mean error in cm

Layouts: a :class:`Recording` keeps the neuroscience layout (``rates`` is
``(N_cells, T)``, ``position`` is ``(D, T)``); estimators take scikit-learn's layout, which
``Recording.X`` ``(T, N_cells)`` and ``Recording.y`` ``(T, D)`` provide. Units: metres,
seconds, Hz; errors in centimetres.

Public names are imported on first use, so ``import placedecode`` is fast and does not
import torch, RatInABox or matplotlib until they are needed.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    # simulation
    "Trajectory": ".sim",
    "Recording": ".sim",
    "simulate_trajectory": ".sim",
    "simulate_trajectories": ".sim",
    "record": ".sim",
    "simulate": ".sim",
    "BlockedTimeSeriesSplit": ".sim",
    "CELL_TYPES": ".sim",
    "from_ratinabox": ".sim",
    "register_cell_type": ".sim",
    "PoorCoverageWarning": ".sim",
    # decoders
    "LinearRegressor": ".models",
    "LinearClassifier": ".models",
    "NumpyMLPRegressor": ".models",
    "NumpyMLPClassifier": ".models",
    "TorchMLPRegressor": ".models",
    "TorchMLPClassifier": ".models",
    "TrainingDivergedError": ".models",
    "BayesianDecoder": ".models",
    "TorchSequenceRegressor": ".models",
    "TimeWindow": ".features",
    "RateMaps": ".sim",
    # datasets
    "load_mnist": ".datasets",
    "load_digits": ".datasets",
    "load_binned": ".datasets",
    "load_tampuu2019": ".datasets",
    # metrics
    "decoding_error": ".metrics",
    "r2_per_axis": ".metrics",
    "decoding_error_scorer": ".metrics",
    # experiments
    "compare": ".experiments",
}

# Subpackages reachable as attributes (``placedecode.plotting``) without importing them
# eagerly: each pulls in a heavy dependency (matplotlib, RatInABox, torch).
_SUBMODULES = ("sim", "models", "metrics", "features", "datasets", "plotting", "experiments", "figures", "presets")

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*__all__, *_SUBMODULES, "__version__"])
