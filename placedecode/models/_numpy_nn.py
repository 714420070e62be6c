r"""Fast engine of the hand-coded network: activations, losses and layers in NumPy.

No autograd: every derivative below is written by hand, next to the function it
differentiates. This is the engine the estimators train with; it keeps work arrays and
writes into them with ``out=`` so that a training step allocates almost nothing. The same
network written for reading, in the tutorial's own notation and without work arrays, is
:mod:`placedecode.models.backprop`; the tests check that both give the same gradients to
1e-10 (depths 1-4, every activation).

Notation, and how it differs from the tutorial's (``backprop``)
---------------------------------------------------------------
The tutorial is the notebook ``deeplearning.ipynb`` of TomGeorge1234/DeepLearningTutorial
(section 3); :mod:`placedecode.models.backprop` writes it symbol for symbol. Activations
are column-major, one column per sample. For a mini-batch of ``B`` samples (the tutorial's
``N_batch``) and a network of ``L`` weight layers:

=====================  ====================================  ==================================
symbol                 meaning                               shape
=====================  ====================================  ==================================
``A⁽⁰⁾``               the inputs ``Xᵀ``                     ``(n_features, B)``
``Ā⁽ⁿ⁾``               ``A⁽ⁿ⁾`` with a row of ones appended  ``(n_units(n) + 1, B)``
``W⁽ⁿ⁾``               weights; the LAST column is the bias  ``(n_units(n), n_units(n-1) + 1)``
``N⁽ⁿ⁾ = W⁽ⁿ⁾Ā⁽ⁿ⁻¹⁾``  pre-activations                       ``(n_units(n), B)``
``A⁽ⁿ⁾ = σ(N⁽ⁿ⁾)``     post-activations (σ_L at n = L)       ``(n_units(n), B)``
``C⁽ⁿ⁾ = ∂L/∂N⁽ⁿ⁾``    back-propagated error                 ``(n_units(n), B)``
=====================  ====================================  ==================================

Five conventions differ from the tutorial's; the first three are for speed and none
changes the maths, the last two are options:

1. **The row of ones is LAST**, not on top (``Ā = [A; 1]``, bias = last column of ``W``;
   the tutorial's ``H_ = [1; H]``, bias = first column), so that a hidden layer's
   ``A⁽ⁿ⁾`` is the contiguous view ``Ā⁽ⁿ⁾[:-1]`` of a work array whose last row is filled
   with ones once. The tutorial's ``W`` is ``np.roll(W, 1, axis=1)`` of this one.
2. **``A`` is the tutorial's ``H``** (post-activations; ``A⁽ᴸ⁾`` is its ``Ŷ``) and ``Ā``
   its ``H_``; ``B`` is its ``N_batch``.
3. **The 2/B factor is inside C.** The tutorial writes ``C⁽ᴸ⁾ = σ'(N⁽ᴸ⁾) ∘ (Ŷ − Y)``
   and ``∂L/∂W⁽ⁿ⁾ = (2/N_batch) C⁽ⁿ⁾ H⁽ⁿ⁻¹⁾_ᵀ``; here ``C⁽ᴸ⁾`` is the true derivative
   ``∂L/∂N⁽ᴸ⁾ = (2/B) σ_L'(N⁽ᴸ⁾) ∘ (A⁽ᴸ⁾ − Y)`` (``(A⁽ᴸ⁾ − Y)/B`` for the softmax
   cross-entropy), so every ``C⁽ⁿ⁾`` is the tutorial's times 2/B and the weight gradients
   need no factor: it is applied once, to the small ``C⁽ᴸ⁾``, instead of to every
   ``∂L/∂W⁽ⁿ⁾``.
4. **The bias column is not penalised** by default; the tutorial's update
   ``W ← W − η ∂L/∂W − η l2 W`` decays every entry (``Network(..., penalize_bias=True)``).
5. **Every layer has a bias column**; without a bias (the tutorial's ``use_bias=False``,
   ``b = 0``) it is kept at 0 and not trained (``Network(..., use_bias=False)``).

The objective of one mini-batch is the data loss plus an L2 penalty on the weights (the
bias column is not penalised unless ``penalize_bias``)::

    L = loss(A⁽ᴸ⁾, Y) + (λ/2) Σₙ ‖W⁽ⁿ⁾[:, :-1]‖²

and back-propagation is the recursion::

    C⁽ᴸ⁾    = ∂loss/∂N⁽ᴸ⁾                                  (the loss's ``output_error``)
    ∂L/∂W⁽ⁿ⁾ = C⁽ⁿ⁾ Ā⁽ⁿ⁻¹⁾ᵀ + λ [W⁽ⁿ⁾[:, :-1], 0]
    C⁽ⁿ⁻¹⁾  = σ'(N⁽ⁿ⁻¹⁾) ∘ (W⁽ⁿ⁾[:, :-1]ᵀ C⁽ⁿ⁾)          (the bias column dropped)

:class:`Network` holds the weights of all layers in ONE flat parameter vector
``theta`` (each ``W⁽ⁿ⁾`` is a reshaped view of it), so an optimizer step
(:mod:`placedecode.models._numpy_optim`) is a handful of vectorised operations whatever
the depth. Work arrays for a batch size are allocated once and reused.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, ndtr

from ._numpy_optim import flush_subnormal

# --------------------------------------------------------------------------------------
# Activations: σ (forward) and the step C = σ'(N) ∘ G (backward), side by side.
# ``forward(N, out)`` writes σ(N) into ``out``; ``backward(N, A, G, scratch)`` overwrites
# ``G`` with σ'(N) ∘ G, where ``A = σ(N)`` is passed because σ' is cheaper from it.
# --------------------------------------------------------------------------------------


class Identity:
    """σ(N) = N;  σ'(N) = 1."""

    name = "identity"

    @staticmethod
    def forward(N, out):
        np.copyto(out, N)
        return out

    @staticmethod
    def backward(N, A, G, scratch):
        return G


class ReLU:
    """σ(N) = max(N, 0);  σ'(N) = 1 where N > 0, else 0."""

    name = "relu"

    @staticmethod
    def forward(N, out):
        return np.maximum(N, 0, out=out)

    @staticmethod
    def backward(N, A, G, scratch):
        np.greater(N, 0, out=scratch)
        G *= scratch
        return G


class Tanh:
    """σ(N) = tanh(N);  σ'(N) = 1 − tanh²(N) = 1 − A²."""

    name = "tanh"

    @staticmethod
    def forward(N, out):
        return np.tanh(N, out=out)

    @staticmethod
    def backward(N, A, G, scratch):
        np.multiply(A, A, out=scratch)
        np.subtract(1, scratch, out=scratch)
        G *= scratch
        return G


class Sigmoid:
    """σ(N) = 1 / (1 + e⁻ᴺ);  σ'(N) = σ(N)(1 − σ(N)) = A(1 − A)."""

    name = "sigmoid"

    @staticmethod
    def forward(N, out):
        return expit(N, out=out)

    @staticmethod
    def backward(N, A, G, scratch):
        np.subtract(1, A, out=scratch)
        scratch *= A
        G *= scratch
        return G


class GELU:
    """σ(N) = N Φ(N);  σ'(N) = Φ(N) + N φ(N), with Φ and φ the standard normal CDF and
    density (the Gaussian error linear unit of Hendrycks & Gimpel, exact, not the tanh
    approximation)."""

    name = "gelu"

    @staticmethod
    def forward(N, out):
        return np.multiply(N, ndtr(N), out=out)  # ndtr's temporary: ``out`` may be ``N``

    @staticmethod
    def backward(N, A, G, scratch):
        np.multiply(N, N, out=scratch)
        scratch *= -0.5
        np.exp(scratch, out=scratch)
        scratch *= N
        scratch *= 1.0 / np.sqrt(2.0 * np.pi)  # N φ(N)
        scratch += ndtr(N)
        G *= scratch
        return G


class Softmax:
    """σ(N)ₖ = exp(Nₖ) / Σⱼ exp(Nⱼ) over the units (rows) of each column.

    Its Jacobian is not diagonal, so it has no ``backward`` of the element-wise kind:
    paired with the cross-entropy it gives ``C⁽ᴸ⁾ = (A⁽ᴸ⁾ − Y)/B`` directly
    (:class:`SoftmaxCrossEntropy`).
    """

    name = "softmax"

    @staticmethod
    def forward(N, out):
        np.subtract(N, N.max(axis=0, keepdims=True), out=out)  # exp never overflows
        np.exp(out, out=out)
        out /= out.sum(axis=0, keepdims=True)
        flush_subnormal(out)  # confident outputs underflow; subnormals slow every later op
        return out


ACTIVATIONS = {cls.name: cls for cls in (Identity, ReLU, Tanh, Sigmoid, GELU)}

# --------------------------------------------------------------------------------------
# Losses: the value (float64, for the history) and C⁽ᴸ⁾ = ∂loss/∂N⁽ᴸ⁾, side by side.
# --------------------------------------------------------------------------------------


class SquaredError:
    """Squared Euclidean distance, averaged over the B samples of a batch (the tutorial's).

    ``loss = (1/B) Σ_b ‖A⁽ᴸ⁾_b − Y_b‖²``  ⇒  ``C⁽ᴸ⁾ = 2 σ_L'(N⁽ᴸ⁾) ∘ (A⁽ᴸ⁾ − Y) / B``.
    """

    def __init__(self, output_activation):
        self.activation = output_activation

    def value(self, N, Y):
        """Mean loss (float) of outputs with pre-activations ``N`` against targets ``Y``."""
        N = np.asarray(N, dtype=np.float64)
        A = self.activation.forward(N, np.empty_like(N))
        return float(np.sum((A - Y) ** 2)) / N.shape[1]

    def output_error(self, N, A, Y, out, scratch):
        """Write ``C⁽ᴸ⁾`` into ``out`` (shape ``(n_outputs, B)``) and return it."""
        np.subtract(A, Y, out=out)
        out *= 2.0 / A.shape[1]
        return self.activation.backward(N, A, out, scratch)

    @staticmethod
    def chance(Y):
        """The loss of predicting every column of ``Y`` by the mean column."""
        Y = np.asarray(Y, dtype=np.float64)
        return float(np.sum((Y - Y.mean(axis=1, keepdims=True)) ** 2)) / max(1, Y.shape[1])


class SoftmaxCrossEntropy:
    """Softmax output with cross-entropy, averaged over the B samples of a batch.

    With one-hot targets ``Y`` (``(n_classes, B)``) and ``A⁽ᴸ⁾ = softmax(N⁽ᴸ⁾)``:
    ``loss = −(1/B) Σ_b Σ_k Y_kb log A⁽ᴸ⁾_kb``  ⇒  ``C⁽ᴸ⁾ = (A⁽ᴸ⁾ − Y) / B``.

    (Derivation: ``log A_kb = N_kb − log Σⱼ exp(N_jb)``, so
    ``∂(−Σ_k Y_kb log A_kb)/∂N_ib = −Y_ib + A_ib Σ_k Y_kb = A_ib − Y_ib``.)
    """

    activation = Softmax

    def value(self, N, Y):
        """Mean cross-entropy (float), computed stably from the logits ``N``."""
        N = np.asarray(N, dtype=np.float64)
        shifted = N - N.max(axis=0, keepdims=True)
        log_A = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
        return -float(np.sum(Y * log_A)) / N.shape[1]

    def output_error(self, N, A, Y, out, scratch):
        """Write ``C⁽ᴸ⁾ = (A⁽ᴸ⁾ − Y)/B`` into ``out`` and return it."""
        np.subtract(A, Y, out=out)
        out *= 1.0 / A.shape[1]
        return out

    @staticmethod
    def chance(Y):
        """The loss of predicting the class frequencies of one-hot ``Y``: their entropy."""
        p = np.asarray(Y, dtype=np.float64).mean(axis=1)
        p = p[p > 0]
        return float(-np.sum(p * np.log(p)))


# --------------------------------------------------------------------------------------
# The network: the forward pass keeps N⁽ⁿ⁾ and A⁽ⁿ⁾; the backward pass is one loop.
# --------------------------------------------------------------------------------------


def layer_shapes(layer_sizes):
    """Shapes ``(n_out, n_in + 1)`` of the bias-augmented weights of consecutive layers."""
    return [(n_out, n_in + 1) for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def init_weights(layer_sizes, rng, method="glorot", dtype=np.float64, use_bias=True):
    """Random bias-augmented weights for ``layer_sizes = (n_in, *hidden, n_out)``.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units of the input, hidden and output layers.
    rng : numpy.random.RandomState
        Source of randomness.
    method : {"glorot", "tutorial"}
        ``"glorot"``: weights uniform in ``±√(6/(n_in + n_out))`` (Glorot & Bengio 2010,
        scikit-learn's and Keras' default), biases 0. ``"tutorial"``: every entry,
        biases included, normal with standard deviation ``2/√n_in``, drawn layer by layer
        in the tutorial's shape ``(n_out, n_in + 1)`` with the bias FIRST (then moved to
        the last column), so a ``RandomState`` seeded as the tutorial's ``np.random`` gives
        the tutorial's very weights.
    dtype : numpy dtype
    use_bias : bool, default=True
        False draws only ``(n_out, n_in)`` per layer (the tutorial's shape without its
        row of ones) and sets the bias column to 0; :class:`Network` with
        ``use_bias=False`` keeps it there.

    Returns
    -------
    list of ndarray
        ``W⁽ⁿ⁾`` of shape ``(n_out, n_in + 1)``, bias in the last column.
    """
    weights = []
    for n_out, n_in_plus_1 in layer_shapes(layer_sizes):
        n_in = n_in_plus_1 - 1
        W = np.zeros((n_out, n_in + 1))
        if method == "tutorial" and use_bias:  # drawn bias first, as the tutorial's W
            W[...] = np.roll(rng.normal(0.0, 2.0 / np.sqrt(n_in), size=(n_out, n_in + 1)),
                             -1, axis=1)
        elif method == "tutorial":
            W[:, :-1] = rng.normal(0.0, 2.0 / np.sqrt(n_in), size=(n_out, n_in))
        else:
            bound = np.sqrt(6.0 / (n_in + n_out))
            W[:, :-1] = rng.uniform(-bound, bound, size=(n_out, n_in))
        weights.append(W.astype(dtype))
    return weights


class _Workspace:
    """Work arrays for one batch size ``B`` (allocated once, reused every step)."""

    def __init__(self, shapes, B, dtype):
        sizes = [shapes[0][1] - 1] + [n_out for n_out, _ in shapes]
        # Ā⁽ⁿ⁾ for n = 1..L-1 (hidden layers): the last row is the constant ones row.
        self.A_bar = [np.ones((n + 1, B), dtype=dtype) for n in sizes[1:-1]]
        self.A = [A_bar[:-1] for A_bar in self.A_bar] + [np.empty((sizes[-1], B), dtype)]
        self.N = [np.empty((n, B), dtype=dtype) for n in sizes[1:]]
        self.C = [np.empty((n, B), dtype=dtype) for n in sizes[1:]]
        self.scratch = [np.empty((n, B), dtype=dtype) for n in sizes[1:]]


class Network:
    r"""A fully connected network with bias-augmented weights stored in one flat vector.

    Parameters
    ----------
    weights : list of ndarray
        ``W⁽ⁿ⁾`` of shape ``(n_units(n), n_units(n-1) + 1)``, bias in the last column.
        They are COPIED into :attr:`theta`; :attr:`weights` are views of it.
    activation : {"identity", "relu", "tanh", "sigmoid", "gelu"}
        σ of the hidden layers.
    loss : SquaredError or SoftmaxCrossEntropy
        The loss; its ``activation`` is the output non-linearity σ_L.
    dtype : numpy dtype
        Floating type of the parameters and all work arrays.
    use_bias : bool, default=True
        False: the bias column is not trained (its gradient is set to 0, so it keeps its
        value, 0 from :func:`init_weights`): the network computes ``N⁽ⁿ⁾ = W⁽ⁿ⁾A⁽ⁿ⁻¹⁾``.
    penalize_bias : bool, default=False
        True puts the L2 penalty on the bias column too, ``(λ/2) Σₙ ‖W⁽ⁿ⁾‖²`` (the
        tutorial's update decays every entry of ``W``).

    Attributes
    ----------
    theta : ndarray of shape (n_params,)
        All parameters, layer after layer (each ``W⁽ⁿ⁾`` row-major).
    weights : list of ndarray
        Views of ``theta`` reshaped to the ``W⁽ⁿ⁾``.
    grad : ndarray of shape (n_params,)
        ``∂L/∂theta`` after :meth:`backward`; :attr:`grads` are its per-layer views.
    """

    def __init__(self, weights, activation, loss, dtype=np.float64, use_bias=True,
                 penalize_bias=False):
        self.dtype = np.dtype(dtype)
        self.use_bias = bool(use_bias)
        self.shapes = [tuple(W.shape) for W in weights]
        sizes = [W.size for W in weights]
        self.theta = np.empty(sum(sizes), dtype=self.dtype)
        self.grad = np.zeros_like(self.theta)
        self.weights = self._views(self.theta)
        self.grads = self._views(self.grad)
        for W_view, W in zip(self.weights, weights):
            W_view[...] = W
        self._weight_mask = np.ones_like(self.theta)  # 1 on weights, 0 on biases
        for mask in self._views(self._weight_mask):
            mask[:, -1] = 1 if penalize_bias else 0
        self._penalty = np.empty_like(self.theta)
        self.loss = loss
        hidden = ACTIVATIONS[activation]
        self.activations = [hidden] * (len(weights) - 1) + [loss.activation]
        self._workspaces = {}
        self._ws = None
        self._A_bar_input = None

    def _views(self, flat):
        views, start = [], 0
        for shape in self.shapes:
            stop = start + shape[0] * shape[1]
            views.append(flat[start:stop].reshape(shape))
            start = stop
        return views

    def _workspace(self, B):
        if B not in self._workspaces:
            self._workspaces[B] = _Workspace(self.shapes, B, self.dtype)
        return self._workspaces[B]

    def forward(self, A_bar):
        """Forward pass ``N⁽ⁿ⁾ = W⁽ⁿ⁾Ā⁽ⁿ⁻¹⁾``, ``A⁽ⁿ⁾ = σ(N⁽ⁿ⁾)``, keeping both.

        Parameters
        ----------
        A_bar : ndarray of shape (n_features + 1, B)
            ``Ā⁽⁰⁾``: the inputs, one column per sample, with a last row of ones. May be
            a column slice of a larger array (no copy is made).

        Returns
        -------
        ndarray of shape (n_outputs, B)
            ``A⁽ᴸ⁾``, a work array overwritten by the next call with the same ``B``.
        """
        # 0-based lists: weights[n - 1] is W⁽ⁿ⁾, ws.N[n - 1] is N⁽ⁿ⁾, ws.A_bar[n - 1] is Ā⁽ⁿ⁾.
        ws = self._ws = self._workspace(A_bar.shape[1])
        self._A_bar_input = A_bar  # Ā⁽⁰⁾
        for n in range(1, len(self.weights) + 1):
            np.matmul(self.weights[n - 1], A_bar, out=ws.N[n - 1])  # N⁽ⁿ⁾ = W⁽ⁿ⁾ Ā⁽ⁿ⁻¹⁾
            self.activations[n - 1].forward(ws.N[n - 1], out=ws.A[n - 1])  # A⁽ⁿ⁾ = σ(N⁽ⁿ⁾)
            if n < len(self.weights):
                A_bar = ws.A_bar[n - 1]  # Ā⁽ⁿ⁾ = [A⁽ⁿ⁾; 1]: A⁽ⁿ⁾ was written into its rows
        return ws.A[-1]

    @property
    def output_pre_activation(self):
        """``N⁽ᴸ⁾`` of the last :meth:`forward` call (a work array, overwritten next call)."""
        return self._ws.N[-1]

    def backward(self, Y, l2=0.0):
        """Backward pass after :meth:`forward`: fill :attr:`grad` with ``∂L/∂theta``.

        Parameters
        ----------
        Y : ndarray of shape (n_outputs, B)
            Targets of the batch passed to :meth:`forward` (one-hot for cross-entropy).
        l2 : float
            λ of the penalty ``(λ/2) Σₙ ‖W⁽ⁿ⁾[:, :-1]‖²``.

        Returns
        -------
        ndarray of shape (n_params,)
            :attr:`grad`.
        """
        # Python lists are 0-based: W[n - 1] is W⁽ⁿ⁾, ws.N[n - 1] is N⁽ⁿ⁾, A_bar[n] is Ā⁽ⁿ⁾.
        ws, W, dW, sigma = self._ws, self.weights, self.grads, self.activations
        A_bar = [self._A_bar_input, *ws.A_bar]  # Ā⁽⁰⁾ … Ā⁽ᴸ⁻¹⁾
        C = self.loss.output_error(ws.N[-1], ws.A[-1], Y, ws.C[-1], ws.scratch[-1])  # C⁽ᴸ⁾
        for n in range(len(W), 0, -1):  # n = L, L-1, …, 1
            np.matmul(C, A_bar[n - 1].T, out=dW[n - 1])  # ∂L/∂W⁽ⁿ⁾ = C⁽ⁿ⁾ Ā⁽ⁿ⁻¹⁾ᵀ (+ λ below)
            if n > 1:  # C⁽ⁿ⁻¹⁾ = σ'(N⁽ⁿ⁻¹⁾) ∘ (W⁽ⁿ⁾[:, :-1]ᵀ C⁽ⁿ⁾)
                np.matmul(W[n - 1][:, :-1].T, C, out=ws.C[n - 2])
                C = sigma[n - 2].backward(ws.N[n - 2], ws.A[n - 2], ws.C[n - 2],
                                          ws.scratch[n - 2])
        if l2:  # + λ [W⁽ⁿ⁾[:, :-1], 0] for all layers at once, on the flat vectors
            np.multiply(self.theta, self._weight_mask, out=self._penalty)
            self._penalty *= l2
            self.grad += self._penalty
        if not self.use_bias:  # the bias column stays as it is (0): no row of ones
            for dW_n in dW:
                dW_n[:, -1] = 0.0
        return self.grad

    def objective(self, A_bar, Y, l2=0.0):
        """Mean loss plus L2 penalty (float64) of one batch: what :meth:`backward` derives."""
        self.forward(A_bar)
        penalised = self.theta.astype(np.float64) * self._weight_mask  # biases: 0 unless penalised
        penalty = 0.5 * l2 * float(np.sum(penalised ** 2))
        return self.loss.value(self.output_pre_activation, Y) + penalty

    def predict_logits(self, X_bar, chunk=8192):
        """``N⁽ᴸ⁾`` for inputs ``X_bar`` ``(n_features + 1, n_samples)``, in chunks (a copy)."""
        n_samples = X_bar.shape[1]
        out = np.empty((self.shapes[-1][0], n_samples), dtype=self.dtype)
        for start in range(0, n_samples, chunk):
            stop = min(start + chunk, n_samples)
            self.forward(X_bar[:, start:stop])
            out[:, start:stop] = self.output_pre_activation
        return out
