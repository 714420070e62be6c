"""Optimizers of the hand-coded network: update the flat parameter vector θ in place.

Each optimizer takes the gradient ``g = ∂L/∂θ`` of one mini-batch (from
:meth:`placedecode.models._numpy_nn.Network.backward`) and updates ``θ`` with a handful of
vectorised operations on preallocated arrays, whatever the depth of the network.
``learning_rate`` is an attribute the training loop may change between steps (plateau
cuts); the rest of the state (moments, step count) carries over between calls when a fit
continues (``warm_start``, ``partial_fit``).
"""

from __future__ import annotations

import numpy as np

#: The parameters and optimizer state are cleared of subnormal floats every this many
#: steps (see :func:`flush_subnormal`).
FLUSH_EVERY = 50


def flush_subnormal(a: np.ndarray) -> None:
    """Set the subnormal entries of ``a`` (|x| < the smallest normal float) to 0, in place.

    Where a parameter's data gradient is zero for a long time (pixels that are never
    inked, silent cells), the L2 penalty shrinks the weight geometrically and the
    optimizer's running averages decay geometrically, into subnormal floats (on
    Fashion-MNIST ~10,000 first-layer weights within 6 epochs); so do the softmax
    probabilities of classes a confident network rules out. x86 CPUs process subnormals
    many times slower than normal floats, and they spread through the backward pass
    (Fashion-MNIST: 112 s per fit instead of 28 s). torch avoids it with
    ``torch.set_flush_denormal``; NumPy has no such switch, so the softmax flushes its
    output, and the optimizers the parameters and their own state every
    :data:`FLUSH_EVERY` steps (a negligible cost; the values changed are 0 to within
    1e-38).
    """
    a[np.abs(a) < np.finfo(a.dtype).tiny] = 0.0


class SGD:
    """Plain stochastic gradient descent: ``θ ← θ − η g``."""

    def __init__(self, n_params, dtype, learning_rate):
        self.learning_rate = learning_rate
        self.step_size = np.empty(n_params, dtype=dtype)
        self.t = 0

    def step(self, theta, g):
        self.t += 1
        if self.t % FLUSH_EVERY == 0:
            flush_subnormal(theta)
        np.multiply(g, self.learning_rate, out=self.step_size)
        theta -= self.step_size


class Momentum:
    """Heavy-ball momentum: ``v ← μ v − η g``;  ``θ ← θ + v``."""

    def __init__(self, n_params, dtype, learning_rate, momentum=0.9):
        self.learning_rate, self.momentum = learning_rate, momentum
        self.velocity = np.zeros(n_params, dtype=dtype)
        self.step_size = np.empty(n_params, dtype=dtype)
        self.t = 0

    def step(self, theta, g):
        self.t += 1
        if self.t % FLUSH_EVERY == 0:
            flush_subnormal(theta)
            flush_subnormal(self.velocity)
        self.velocity *= self.momentum
        np.multiply(g, self.learning_rate, out=self.step_size)
        self.velocity -= self.step_size
        theta += self.velocity


class Adam:
    """Adam (Kingma & Ba, 2015), with bias correction folded into the step size.

    ``m ← β₁m + (1−β₁)g``;  ``v ← β₂v + (1−β₂)g²``;  ``t ← t + 1``;
    ``θ ← θ − η_t m / (√v + ε)`` with ``η_t = η √(1−β₂ᵗ) / (1−β₁ᵗ)``.
    """

    def __init__(self, n_params, dtype, learning_rate, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8):
        self.learning_rate, self.beta_1, self.beta_2 = learning_rate, beta_1, beta_2
        self.epsilon = epsilon
        self.t = 0
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)
        self.step_size = np.empty(n_params, dtype=dtype)

    def step(self, theta, g):
        b1, b2, s = self.beta_1, self.beta_2, self.step_size
        self.t += 1
        if self.t % FLUSH_EVERY == 0:
            flush_subnormal(theta)
            flush_subnormal(self.m)
            flush_subnormal(self.v)
        self.m *= b1
        np.multiply(g, 1.0 - b1, out=s)
        self.m += s  #                                     m ← β₁m + (1−β₁)g
        self.v *= b2
        np.multiply(g, g, out=s)
        s *= 1.0 - b2
        self.v += s  #                                     v ← β₂v + (1−β₂)g²
        eta_t = self.learning_rate * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        np.sqrt(self.v, out=s)
        s += self.epsilon
        np.divide(self.m, s, out=s)
        s *= eta_t
        theta -= s  #                                      θ ← θ − η_t m/(√v + ε)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name, n_params, dtype, *, learning_rate, momentum=0.9, beta_1=0.9,
                   beta_2=0.999, epsilon=1e-8, previous=None):
    """The optimizer ``name`` for ``n_params`` parameters, continuing ``previous`` if it
    is of the same kind and size (its moments and step count carry over).

    The hyper-parameters given here always win, so ``set_params`` between two calls of a
    continued fit takes effect.
    """
    cls = OPTIMIZERS[name]
    if isinstance(previous, cls) and previous.step_size.size == n_params:
        optimizer = previous
    elif name == "adam":
        optimizer = cls(n_params, dtype, learning_rate, beta_1, beta_2, epsilon)
    elif name == "momentum":
        optimizer = cls(n_params, dtype, learning_rate, momentum)
    else:
        optimizer = cls(n_params, dtype, learning_rate)
    optimizer.learning_rate = learning_rate
    if name == "adam":
        optimizer.beta_1, optimizer.beta_2, optimizer.epsilon = beta_1, beta_2, epsilon
    elif name == "momentum":
        optimizer.momentum = momentum
    return optimizer
