r"""The tutorial's deep network, forward and backward, in plain NumPy: read it in one sitting.

This module is for reading. It writes the hand-coded network of the deep-learning tutorial
placedecode grew out of — the notebook ``deeplearning.ipynb`` of the GitHub repository
TomGeorge1234/DeepLearningTutorial, section 3 "Deep neural networks (trained without
autograd packages)" — in the tutorial's own symbols, for any number of layers (its section
3.9), with no work arrays and no tricks. :class:`~placedecode.models.NumpyMLPRegressor`
trains the same network with a fast engine (:mod:`placedecode.models._numpy_nn`; its
:meth:`~placedecode.models.NumpyMLPRegressor.tutorial` is :func:`train` with its
defaults), and the tests check that the two give the same gradients to 1e-10.

Notation (the tutorial's)
-------------------------
Data arrays have one column per datapoint, as the tutorial's ``X`` of shape
``(N_cells, N)``; a batch has ``N_batch`` columns; the network has ``L`` weight layers
(``L − 1`` hidden layers; the tutorial's has ``L = 3``).

=============================  ========================================  =====================
symbol (code)                  meaning                                   shape
=============================  ========================================  =====================
``X = H⁽⁰⁾``  (``H[0]``)       the inputs (firing rates)                 ``(n₀, N_batch)``
``H⁽ⁿ⁾_``  (``H_``)            ``H⁽ⁿ⁾`` with a row of ones ON TOP         ``(nₙ + b, N_batch)``
``W⁽ⁿ⁾``  (``W[n]``)           weights; with a bias its FIRST column     ``(nₙ, nₙ₋₁ + b)``
``N⁽ⁿ⁾ = W⁽ⁿ⁾ H⁽ⁿ⁻¹⁾_``        pre-activations of layer ``n``            ``(nₙ, N_batch)``
``H⁽ⁿ⁾ = σ(N⁽ⁿ⁾)``             post-activations (σ of the output at L)   ``(nₙ, N_batch)``
``Ŷ = H⁽ᴸ⁾``  (``Y_hat``)      the network's output (positions)          ``(n_L, N_batch)``
``C⁽ⁿ⁾``  (``C[n]``)           the back-propagated error of layer ``n``  ``(nₙ, N_batch)``
=============================  ========================================  =====================

``b`` is 1 when the layers have a bias, 0 when not (the tutorial's ``b = int(use_bias)``):
the row of ones goes on top of each layer's input, so ``W⁽ⁿ⁾[:, 0]`` is the bias and
``W⁽ⁿ⁾[:, b:]`` the weights proper. The tutorial's ``X_``, ``H1_``, ``H2_`` are
``H_ = add_dummy_row(H[n])`` for n = 0, 1, 2 here; its ``N1 … N3``, ``H1``, ``H2``,
``W1 … W3``, ``C1 … C3`` are ``N[n]``, ``H[n]``, ``W[n]``, ``C[n]``.

The loss of a batch is the mean squared Euclidean error; the tutorial's update
``W ← W − η ∂L/∂W − η l2 W`` adds weight decay on EVERY entry of ``W``, biases included,
which is the gradient of an L2 penalty, so here::

    L = (1/N_batch) Σ_n ‖ŷ⁽ⁿ⁾ − y⁽ⁿ⁾‖² + (l2/2) Σₙ ‖W⁽ⁿ⁾‖²

Back-propagation (the tutorial's sections 3.4 and 3.9), from the output down::

    C⁽ᴸ⁾ = σ'(N⁽ᴸ⁾) ∘ (Ŷ − Y)
    C⁽ⁿ⁾ = σ'(N⁽ⁿ⁾) ∘ (W⁽ⁿ⁺¹⁾[:, b:]ᵀ · C⁽ⁿ⁺¹⁾)           (the bias column has no input below)
    ∂L/∂W⁽ⁿ⁾ = (2/N_batch) C⁽ⁿ⁾ · H⁽ⁿ⁻¹⁾_ᵀ + l2 W⁽ⁿ⁾

The factor 2/N_batch comes from differentiating ``(1/N_batch) Σ ‖Ŷ − Y‖²``; as in the
tutorial it is kept out of ``C`` and applied once per weight gradient. Lists are indexed
by the layer number, so ``W[n]`` is ``W⁽ⁿ⁾`` (``W[0]`` is unused), ``H[0]`` is ``X`` and
``H[L]`` is ``Ŷ``.

Examples
--------
>>> import numpy as np
>>> from placedecode.models import backprop
>>> rng = np.random.default_rng(0)
>>> X = rng.uniform(0, 1, size=(4, 200))                   # 4 cells, 200 time bins
>>> Y = np.vstack([X[0] * X[1], X[2]])                     # a 2-D "position"
>>> W = backprop.train(X, Y, hidden_layer_sizes=(16,), epochs=300, batch_frac=0.1,
...                    eta=0.05, l2=0.0, output_activation="identity", seed=0)
>>> N, H = backprop.forward(W, X, output_activation="identity")
>>> bool(backprop.loss(H[-1], Y, W) < 0.2 * backprop.loss(Y.mean(1, keepdims=True), Y, W))
True
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, ndtr

__all__ = ["ACTIVATIONS", "add_dummy_row", "init_weights", "forward", "loss", "backward",
           "train"]

# Each activation σ beside its derivative σ' (the tutorial's ``activation(N, deriv=True)``).
ACTIVATIONS = {
    "relu": (lambda N: np.maximum(N, 0.0), lambda N: (N > 0).astype(float)),
    "tanh": (np.tanh, lambda N: 1.0 - np.tanh(N) ** 2),
    "sigmoid": (expit, lambda N: expit(N) * (1.0 - expit(N))),
    "gelu": (lambda N: N * ndtr(N), lambda N: ndtr(N) + N * np.exp(-N**2 / 2) / np.sqrt(2 * np.pi)),
    "identity": (lambda N: N, lambda N: np.ones_like(N)),
}


def add_dummy_row(H, b=1):
    """``H_ = [1; H]``: a row of ones on top when ``b = 1`` (so ``W H_`` adds ``W[:, 0]``)."""
    return np.vstack([np.ones((1, H.shape[1])), H]) if b else H


def _b(W_n, H):
    """1 if ``W_n`` has a bias column for inputs ``H`` (``nₙ₋₁ + 1`` columns), else 0."""
    return W_n.shape[1] - H.shape[0]


def init_weights(layer_sizes, seed=None, use_bias=True):
    """Random ``W⁽¹⁾ … W⁽ᴸ⁾`` for ``layer_sizes = (n₀, n₁, …, n_L)``, the tutorial's way.

    Every entry (biases included) is drawn from ``RandomState(seed).normal`` with mean 0
    and standard deviation ``2/√nₙ₋₁``, layer after layer, as the tutorial's
    ``np.random.normal`` after ``np.random.seed(seed)``.

    Returns
    -------
    list
        ``[None, W⁽¹⁾, …, W⁽ᴸ⁾]``, ``W⁽ⁿ⁾`` of shape ``(nₙ, nₙ₋₁ + b)``.
    """
    rng = seed if isinstance(seed, np.random.RandomState) else np.random.RandomState(seed)
    b = int(use_bias)
    return [None] + [rng.normal(0.0, 2.0 / np.sqrt(n_in), size=(n_out, n_in + b))
                     for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def forward(W, X, activation="relu", output_activation="relu"):
    """The forward pass: ``N⁽ⁿ⁾ = W⁽ⁿ⁾ H⁽ⁿ⁻¹⁾_``, ``H⁽ⁿ⁾ = σ(N⁽ⁿ⁾)``, for n = 1 … L.

    Parameters
    ----------
    W : list
        ``[None, W⁽¹⁾, …, W⁽ᴸ⁾]``, with or without bias columns.
    X : ndarray of shape (n₀, N_batch)
        Inputs, one column per datapoint.
    activation, output_activation : str
        σ of the hidden layers and of the output layer (keys of :data:`ACTIVATIONS`).

    Returns
    -------
    N, H : list
        ``N = [None, N⁽¹⁾, …, N⁽ᴸ⁾]`` and ``H = [X, H⁽¹⁾, …, H⁽ᴸ⁾]`` (``H[L]`` is ``Ŷ``).
    """
    L = len(W) - 1
    N, H = [None], [X]
    for n in range(1, L + 1):
        sigma = ACTIVATIONS[output_activation if n == L else activation][0]
        H_ = add_dummy_row(H[n - 1], _b(W[n], H[n - 1]))
        N.append(W[n] @ H_)        # N⁽ⁿ⁾ = W⁽ⁿ⁾ H⁽ⁿ⁻¹⁾_
        H.append(sigma(N[n]))      # H⁽ⁿ⁾ = σ(N⁽ⁿ⁾)
    return N, H


def loss(Y_hat, Y, W, l2=0.0):
    """``L = (1/N_batch) Σ ‖ŷ − y‖² + (l2/2) Σₙ ‖W⁽ⁿ⁾‖²`` for outputs ``Ŷ``."""
    N_batch = Y.shape[1]
    penalty = sum(np.sum(W_n ** 2) for W_n in W[1:])
    return float(np.sum((Y_hat - Y) ** 2) / N_batch + l2 / 2 * penalty)


def backward(W, N, H, Y, activation="relu", output_activation="relu", l2=0.0):
    """The backward pass: ``∂L/∂W⁽ⁿ⁾`` for n = L … 1, from a :func:`forward` pass.

    Parameters
    ----------
    W : list
        ``[None, W⁽¹⁾, …, W⁽ᴸ⁾]``, the weights :func:`forward` used.
    N, H : list
        What :func:`forward` returned.
    Y : ndarray of shape (n_L, N_batch)
        The targets.
    activation, output_activation : str
        As in :func:`forward`.
    l2 : float, default=0.0
        The weight decay (L2 penalty) on every entry of ``W``, biases included.

    Returns
    -------
    list
        ``[None, ∂L/∂W⁽¹⁾, …, ∂L/∂W⁽ᴸ⁾]``, each shaped like its ``W⁽ⁿ⁾``.
    """
    L, N_batch = len(W) - 1, Y.shape[1]
    C, dLdW = [None] * (L + 1), [None] * (L + 1)
    C[L] = ACTIVATIONS[output_activation][1](N[L]) * (H[L] - Y)   # C⁽ᴸ⁾ = σ'(N⁽ᴸ⁾) ∘ (Ŷ − Y)
    for n in range(L, 0, -1):
        b = _b(W[n], H[n - 1])
        if n < L:  # C⁽ⁿ⁾ = σ'(N⁽ⁿ⁾) ∘ (W⁽ⁿ⁺¹⁾[:, b:]ᵀ · C⁽ⁿ⁺¹⁾)
            b_above = _b(W[n + 1], H[n])
            C[n] = ACTIVATIONS[activation][1](N[n]) * (W[n + 1][:, b_above:].T @ C[n + 1])
        H_ = add_dummy_row(H[n - 1], b)
        dLdW[n] = (2 / N_batch) * (C[n] @ H_.T) + l2 * W[n]       # ∂L/∂W⁽ⁿ⁾
    return dLdW


def train(X, Y, hidden_layer_sizes=(200, 200), *, activation="relu", output_activation="relu",
          use_bias=True, epochs=50, batch_frac=0.01, eta=0.01, l2=0.01, seed=None):
    """The tutorial's stochastic batched gradient descent, ``W⁽ⁿ⁾ ← W⁽ⁿ⁾ − η ∂L/∂W⁽ⁿ⁾``.

    ``int(epochs / batch_frac)`` steps; each takes a fresh random batch of
    ``N_batch = int(batch_frac · N_train)`` distinct datapoints (``choice(N_train, N_batch,
    replace=False)``), so an "epoch" is ``1 / batch_frac`` steps and a datapoint may recur
    or be missed within one. All random numbers (weights, then batches) come from
    ``RandomState(seed)``, in the tutorial's order. The defaults are the tutorial's run:
    two hidden layers of 200 ReLU units, a ReLU output, η = 0.01, l2 = 0.01, batches of
    1 %, 50 epochs; its solution cell trains it with ``use_bias=False`` (see
    :meth:`NumpyMLPRegressor.tutorial`, the same run with the fast engine).

    Parameters
    ----------
    X : ndarray of shape (n₀, N_train)
        Inputs, one column per datapoint (rates in Hz).
    Y : ndarray of shape (n_L, N_train)
        Targets (positions in metres).
    hidden_layer_sizes : sequence of int
        Units of each hidden layer.
    activation, output_activation : str
        σ of the hidden layers and of the output layer (keys of :data:`ACTIVATIONS`).
    use_bias : bool
        Give every layer a bias (a row of ones on its input).
    epochs : float
        Passes' worth of steps (``epochs / batch_frac`` steps).
    batch_frac : float
        Fraction of the training datapoints in one batch.
    eta, l2 : float
        Learning rate η and weight decay l2.
    seed : int, RandomState or None

    Returns
    -------
    list
        The trained ``[None, W⁽¹⁾, …, W⁽ᴸ⁾]``.
    """
    rng = seed if isinstance(seed, np.random.RandomState) else np.random.RandomState(seed)
    W = init_weights((X.shape[0], *hidden_layer_sizes, Y.shape[0]), rng, use_bias)
    N_train = X.shape[1]
    N_batch = int(batch_frac * N_train)
    for _ in range(int(epochs / batch_frac)):
        batch_ids = rng.choice(N_train, size=N_batch, replace=False)
        N, H = forward(W, X[:, batch_ids], activation, output_activation)
        dLdW = backward(W, N, H, Y[:, batch_ids], activation, output_activation, l2)
        W = [None] + [W[n] - eta * dLdW[n] for n in range(1, len(W))]
    return W
