r"""The tutorial's deep network, forward and backward, in plain NumPy: read it in one sitting.

This module is for reading. It writes the bias-augmented network of the RatInABox
deep-learning tutorial (``demos/deep_learning_example.ipynb``) symbol for symbol, with no
work arrays and no tricks; :class:`~placedecode.models.NumpyMLPRegressor` trains the same
network with a fast engine (:mod:`placedecode.models._numpy_nn`), and the tests check that
the two give the same gradients to 1e-10.

Notation (the tutorial's)
-------------------------
One column per sample, as in the tutorial's ``(N_cells, T)`` layout; a mini-batch has
``B`` columns; the network has ``L`` weight layers (``L - 1`` hidden layers).

=========================  =======================================  ==================
symbol                     meaning                                  shape
=========================  =======================================  ==================
``H⁽⁰⁾ = X``               the inputs (firing rates)                ``(n₀, B)``
``H̄⁽ⁿ⁾ = [1; H⁽ⁿ⁾]``       ``H⁽ⁿ⁾`` with a row of ones FIRST        ``(nₙ + 1, B)``
``W⁽ⁿ⁾``                   weights; the FIRST column is the bias    ``(nₙ, nₙ₋₁ + 1)``
``N⁽ⁿ⁾ = W⁽ⁿ⁾ H̄⁽ⁿ⁻¹⁾``     pre-activations of layer ``n``           ``(nₙ, B)``
``H⁽ⁿ⁾ = σ(N⁽ⁿ⁾)``         hidden activations (σ_L at n = L)        ``(nₙ, B)``
``Ŷ = H⁽ᴸ⁾``               the network's output (positions)         ``(n_L, B)``
``C⁽ⁿ⁾``                   the back-propagated error of layer n     ``(nₙ, B)``
=========================  =======================================  ==================

The loss of a batch is the mean squared Euclidean error plus an L2 penalty on the weights
(not on the biases)::

    L = (1/B) Σ_b ‖Ŷ_b − Y_b‖² + (λ/2) Σₙ ‖W⁽ⁿ⁾[:, 1:]‖²

Back-propagation (the chain rule, layer by layer from the output)::

    C⁽ᴸ⁾ = σ_L'(N⁽ᴸ⁾) ∘ (Ŷ − Y)
    C⁽ⁿ⁾ = σ'(N⁽ⁿ⁾) ∘ (W⁽ⁿ⁺¹⁾[:, 1:]ᵀ C⁽ⁿ⁺¹⁾)          (the bias column has no input below)
    ∂L/∂W⁽ⁿ⁾ = (2/B) C⁽ⁿ⁾ H̄⁽ⁿ⁻¹⁾ᵀ + λ [0, W⁽ⁿ⁾[:, 1:]]

The factor 2/B comes from differentiating ``(1/B) Σ_b ‖Ŷ_b − Y_b‖²``; it is kept out of
``C`` and applied once per weight gradient. Lists below are indexed by the layer number,
so ``W[n]`` is ``W⁽ⁿ⁾`` (``W[0]`` is unused), ``H[0]`` is ``X`` and ``H[L]`` is ``Ŷ``.

Examples
--------
>>> import numpy as np
>>> from placedecode.models import backprop
>>> rng = np.random.default_rng(0)
>>> X = rng.uniform(0, 1, size=(4, 200))                   # 4 cells, 200 time bins
>>> Y = np.vstack([X[0] * X[1], X[2]])                     # a 2-D "position"
>>> W = backprop.train(X, Y, hidden_layer_sizes=(16,), epochs=300, batch_size=20,
...                    learning_rate=0.05, output_activation="identity", seed=0)
>>> N, H = backprop.forward(W, X, output_activation="identity")
>>> bool(backprop.loss(H[-1], Y, W) < 0.2 * backprop.loss(Y.mean(1, keepdims=True), Y, W))
True
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, ndtr

__all__ = ["ACTIVATIONS", "init_weights", "forward", "loss", "backward", "train"]

# Each activation σ beside its derivative σ'.
ACTIVATIONS = {
    "relu": (lambda N: np.maximum(N, 0.0), lambda N: (N > 0).astype(float)),
    "tanh": (np.tanh, lambda N: 1.0 - np.tanh(N) ** 2),
    "sigmoid": (expit, lambda N: expit(N) * (1.0 - expit(N))),
    "gelu": (lambda N: N * ndtr(N), lambda N: ndtr(N) + N * np.exp(-N**2 / 2) / np.sqrt(2 * np.pi)),
    "identity": (lambda N: N, lambda N: np.ones_like(N)),
}


def with_ones(H):
    """``H̄ = [1; H]``: a row of ones on top, so ``W H̄`` adds the bias ``W[:, 0]``."""
    return np.vstack([np.ones((1, H.shape[1])), H])


def init_weights(layer_sizes, seed=None):
    """Random ``W⁽¹⁾ … W⁽ᴸ⁾`` for ``layer_sizes = (n₀, n₁, …, n_L)``, the tutorial's way.

    Every entry (biases included) is normal with standard deviation ``2/√nₙ₋₁``.

    Returns
    -------
    list
        ``[None, W⁽¹⁾, …, W⁽ᴸ⁾]``, ``W⁽ⁿ⁾`` of shape ``(nₙ, nₙ₋₁ + 1)``.
    """
    rng = np.random.default_rng(seed)
    return [None] + [rng.normal(0.0, 2.0 / np.sqrt(n_in), size=(n_out, n_in + 1))
                     for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def forward(W, X, activation="relu", output_activation="relu"):
    """The forward pass: ``N⁽ⁿ⁾ = W⁽ⁿ⁾ H̄⁽ⁿ⁻¹⁾``, ``H⁽ⁿ⁾ = σ(N⁽ⁿ⁾)``, for n = 1 … L.

    Parameters
    ----------
    W : list
        ``[None, W⁽¹⁾, …, W⁽ᴸ⁾]``.
    X : ndarray of shape (n₀, B)
        Inputs, one column per sample.
    activation, output_activation : str
        σ of the hidden layers and σ_L of the output layer (keys of :data:`ACTIVATIONS`).

    Returns
    -------
    N, H : list
        ``N = [None, N⁽¹⁾, …, N⁽ᴸ⁾]`` and ``H = [X, H⁽¹⁾, …, H⁽ᴸ⁾]`` (``H[L]`` is ``Ŷ``).
    """
    L = len(W) - 1
    N, H = [None], [X]
    for n in range(1, L + 1):
        sigma = ACTIVATIONS[output_activation if n == L else activation][0]
        N.append(W[n] @ with_ones(H[n - 1]))  # N⁽ⁿ⁾ = W⁽ⁿ⁾ H̄⁽ⁿ⁻¹⁾
        H.append(sigma(N[n]))                 # H⁽ⁿ⁾ = σ(N⁽ⁿ⁾)
    return N, H


def loss(Y_hat, Y, W, l2=0.0):
    """``L = (1/B) Σ_b ‖Ŷ_b − Y_b‖² + (λ/2) Σₙ ‖W⁽ⁿ⁾[:, 1:]‖²`` for outputs ``Ŷ``."""
    B = Y.shape[1]
    penalty = sum(np.sum(W_n[:, 1:] ** 2) for W_n in W[1:])
    return float(np.sum((Y_hat - Y) ** 2) / B + l2 / 2 * penalty)


def backward(W, N, H, Y, activation="relu", output_activation="relu", l2=0.0):
    """The backward pass: ``∂L/∂W⁽ⁿ⁾`` for n = L … 1, from a :func:`forward` pass.

    Parameters
    ----------
    W : list
        ``[None, W⁽¹⁾, …, W⁽ᴸ⁾]``, the weights :func:`forward` used.
    N, H : list
        What :func:`forward` returned.
    Y : ndarray of shape (n_L, B)
        The targets.
    activation, output_activation : str
        As in :func:`forward`.
    l2 : float, default=0.0
        λ of the penalty on the weights (not the biases).

    Returns
    -------
    list
        ``[None, ∂L/∂W⁽¹⁾, …, ∂L/∂W⁽ᴸ⁾]``, each shaped like its ``W⁽ⁿ⁾``.
    """
    L, B = len(W) - 1, Y.shape[1]
    C, dW = [None] * (L + 1), [None] * (L + 1)
    d_sigma_L = ACTIVATIONS[output_activation][1]
    C[L] = d_sigma_L(N[L]) * (H[L] - Y)                        # C⁽ᴸ⁾ = σ_L'(N⁽ᴸ⁾) ∘ (Ŷ − Y)
    for n in range(L, 0, -1):
        if n < L:
            d_sigma = ACTIVATIONS[activation][1]
            # C⁽ⁿ⁾ = σ'(N⁽ⁿ⁾) ∘ (W⁽ⁿ⁺¹⁾[:, 1:]ᵀ C⁽ⁿ⁺¹⁾)
            C[n] = d_sigma(N[n]) * (W[n + 1][:, 1:].T @ C[n + 1])
        penalty = np.hstack([np.zeros((W[n].shape[0], 1)), W[n][:, 1:]])  # [0, W⁽ⁿ⁾[:, 1:]]
        dW[n] = (2 / B) * C[n] @ with_ones(H[n - 1]).T + l2 * penalty  # ∂L/∂W⁽ⁿ⁾
    return dW


def train(X, Y, hidden_layer_sizes=(200, 200), *, activation="relu", output_activation="relu",
          epochs=50, batch_size=48, learning_rate=0.01, l2=0.01, seed=None):
    """Mini-batch stochastic gradient descent, ``W⁽ⁿ⁾ ← W⁽ⁿ⁾ − η ∂L/∂W⁽ⁿ⁾``.

    Each epoch visits the samples once in a random order, ``batch_size`` columns at a time.
    The defaults are the tutorial's run on its 4,800 training bins (two hidden layers of
    200 ReLU units, a ReLU output, η = 0.01, λ = 0.01, batches of 1 % of the samples,
    50 epochs); :meth:`NumpyMLPRegressor.tutorial` is the same run with the fast engine.

    Parameters
    ----------
    X : ndarray of shape (n₀, T)
        Inputs, one column per sample (rates in Hz).
    Y : ndarray of shape (n_L, T)
        Targets (positions in metres).
    hidden_layer_sizes : sequence of int
    activation, output_activation : str
    epochs, batch_size : int
    learning_rate, l2 : float
    seed : int or None

    Returns
    -------
    list
        The trained ``[None, W⁽¹⁾, …, W⁽ᴸ⁾]``.
    """
    rng = np.random.default_rng(seed)
    W = init_weights((X.shape[0], *hidden_layer_sizes, Y.shape[0]), seed=rng)
    for _ in range(epochs):
        order = rng.permutation(X.shape[1])
        for start in range(0, X.shape[1], batch_size):
            batch = order[start:start + batch_size]
            N, H = forward(W, X[:, batch], activation, output_activation)
            dW = backward(W, N, H, Y[:, batch], activation, output_activation, l2)
            W = [None] + [W[n] - learning_rate * dW[n] for n in range(1, len(W))]
    return W
