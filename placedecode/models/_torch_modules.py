"""The torch networks the estimators train, as module-level classes (so they pickle).

Importing this module imports torch; the estimators import it only inside ``fit`` (and
unpickling a fitted estimator imports it through the class references), so that
``import placedecode`` never loads torch.

=====================  ===============================================================
:func:`build_mlp`      ``nn.Sequential`` of Linear layers and activations (the MLPs)
:class:`TemporalBlock` a residual dilated 1-D convolution over time bins
:class:`TCN`           embedding, temporal blocks and read-out (the sequence model)
=====================  ===============================================================
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

ACTIVATION_MODULES = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "gelu": nn.GELU,
    "identity": nn.Identity,
}


def build_mlp(n_in, hidden_layer_sizes, n_out, activation):
    """``nn.Sequential`` of Linear layers with ``activation`` between them (none at the end)."""
    make_activation = ACTIVATION_MODULES[activation]
    layers = []
    for width in hidden_layer_sizes:
        layers += [nn.Linear(n_in, width), make_activation()]
        n_in = width
    layers.append(nn.Linear(n_in, n_out))
    return nn.Sequential(*layers)


class TemporalBlock(nn.Module):
    """``h + dropout(relu(conv(h)))``: a dilated convolution over time that keeps the length.

    The input is padded by ``dilation * (kernel_size - 1)`` zeros in all, half before and
    half after (one more after when that is odd, i.e. for an even ``kernel_size``), so the
    output has as many time bins as the input for any kernel size.

    Parameters
    ----------
    channels, kernel_size, dilation : int
    dropout : float
    """

    def __init__(self, channels, kernel_size, dilation, dropout):
        super().__init__()
        total = dilation * (kernel_size - 1)
        self.padding = (total // 2, total - total // 2)
        self.conv = nn.Conv1d(channels, channels, kernel_size, dilation=dilation)
        self.drop = nn.Dropout(dropout)

    def forward(self, h):  # h: (batch, channels, n_lags)
        return h + self.drop(torch.relu(self.conv(F.pad(h, self.padding))))


class TCN(nn.Module):
    """Temporal convolutional network: a window of spike counts → a position.

    A per-bin embedding of the cells (1 x 1 convolution), ``n_blocks`` residual
    :class:`TemporalBlock` s with dilations 1, 2, 4, ... sharing weights over time, then a
    linear read-out of the whole window (so the network learns how much each lag counts)
    and a small MLP head.

    Parameters
    ----------
    n_cells, n_lags, channels, n_blocks, kernel_size, hidden, n_out : int
    dropout : float
    """

    def __init__(self, n_cells, n_lags, channels, n_blocks, kernel_size, hidden, n_out,
                 dropout):
        super().__init__()
        self.embed = nn.Conv1d(n_cells, channels, 1)
        self.blocks = nn.Sequential(*[TemporalBlock(channels, kernel_size, 2 ** i, dropout)
                                      for i in range(n_blocks)])
        self.head = nn.Sequential(
            nn.Flatten(), nn.Dropout(dropout), nn.Linear(channels * n_lags, hidden), nn.ReLU(),
            nn.Linear(hidden, n_out),
        )

    def forward(self, x):  # x: (batch, n_lags, n_cells)
        h = torch.relu(self.embed(x.transpose(1, 2)))
        return self.head(self.blocks(h))
