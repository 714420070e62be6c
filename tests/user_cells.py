"""RatInABox Neurons classes written the way a user writes them (RatInABox's template).

Importable as ``user_cells`` (the tests folder is on ``sys.path`` under pytest; subprocesses
get it through ``PYTHONPATH``), so ``"user_cells:SharpPlaceCells"`` works as a cell type.
"""

import copy

import numpy as np
from ratinabox.Neurons import PlaceCells


class SharpPlaceCells(PlaceCells):
    """Place cells whose field is RatInABox's Gaussian raised to a power (sharper fields).

    Position-only: its ``get_state(evaluate_at=None, pos=...)`` is valid over a whole path.
    """

    default_params = {"sharpness": 3.0, "name": "SharpPlaceCells"}

    def __init__(self, Agent, params={}):  # noqa: B006 - RatInABox's signature
        self.params = copy.deepcopy(__class__.default_params)
        self.params.update(params)
        super().__init__(Agent, self.params)

    def get_state(self, evaluate_at="agent", **kwargs):
        field = (super().get_state(evaluate_at, **kwargs) - self.min_fr) / (self.max_fr - self.min_fr)
        return field**self.sharpness * (self.max_fr - self.min_fr) + self.min_fr


class AdaptingPlaceCells(PlaceCells):
    """Place cells that adapt: ``rate = field (1 - strength a)``, ``da/dt = (field / max_fr - a) / tau``.

    The adaptation ``a`` is per-step state updated on every ``get_state()`` call of the
    per-step loop, so evaluating ``get_state`` at many positions at once is not valid.
    """

    default_params = {"adaptation_tau": 1.5, "adaptation_strength": 0.7, "name": "AdaptingPlaceCells"}

    def __init__(self, Agent, params={}):  # noqa: B006 - RatInABox's signature
        self.params = copy.deepcopy(__class__.default_params)
        self.params.update(params)
        super().__init__(Agent, self.params)
        self.adaptation = np.zeros(self.n)

    def get_state(self, evaluate_at="agent", **kwargs):
        field = super().get_state(evaluate_at, **kwargs)
        if evaluate_at == "agent":
            field = field.reshape(-1)
            self.adaptation = self.adaptation + self.Agent.dt / self.adaptation_tau * (
                field / self.max_fr - self.adaptation)
            return field * (1 - self.adaptation_strength * self.adaptation)
        return field * (1 - self.adaptation_strength * self.adaptation[:, None])
