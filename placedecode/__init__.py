"""placedecode: decode an animal's position from the activity of spatial neurons.

Simulate a recording with RatInABox, decode it with scikit-learn-style estimators (closed
form linear, a hand-coded NumPy network, a deep torch network) and plot what they do::

    import placedecode as pdc
    rec = pdc.simulate(cells="place", n_cells=25, minutes=10, dt=0.1, random_state=0)
    train, test = rec.split(0.8)
    model = pdc.LinearRegressor(fit_intercept=True).fit(train.X, train.y)
    pdc.decoding_error(test.y, model.predict(test.X))          # mean error in cm

Layouts: a :class:`Recording` keeps the neuroscience layout (``rates`` is
``(N_cells, T)``, ``position`` is ``(D, T)``); estimators take scikit-learn's layout, which
``Recording.X`` ``(T, N_cells)`` and ``Recording.y`` ``(T, D)`` provide. Units: metres,
seconds, Hz; errors in centimetres.

Public names are imported on first use, so ``import placedecode`` is fast and does not
import torch, RatInABox or matplotlib until they are needed.
"""

from __future__ import annotations

import lazy_loader as _lazy

__version__ = "0.1.0"

# One lazy-loading mechanism (lazy_loader, SPEC 1) for every public name: a name is imported
# from its subpackage on first use, and the subpackages (``placedecode.plotting`` ...) are
# reachable as attributes without being imported eagerly (each pulls in a heavy dependency:
# matplotlib, RatInABox, torch).
__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    submodules=["datasets", "experiments", "features", "figures", "metrics", "models", "plotting", "presets",
                "sim"],
    submod_attrs={
        "sim": ["Trajectory", "Recording", "RateMaps", "simulate_trajectory", "simulate_trajectories", "record",
                "simulate", "BlockedTimeSeriesSplit", "CELL_TYPES", "from_ratinabox", "register_cell_type",
                "PoorCoverageWarning"],
        "models": ["LinearRegressor", "LinearClassifier", "NumpyMLPRegressor", "NumpyMLPClassifier",
                   "TorchMLPRegressor", "TorchMLPClassifier", "TrainingDivergedError", "BayesianDecoder",
                   "TorchSequenceRegressor"],
        "features": ["TimeWindow"],
        "datasets": ["load_mnist", "load_digits", "load_binned", "load_tampuu2019", "load_linear_track",
                     "from_spike_times", "linearize", "from_pynapple", "DataWarning"],
        "metrics": ["decoding_error", "r2_per_axis", "decoding_error_scorer"],
        "experiments": ["compare"],
    },
)
