"""The teaching network (placedecode.models.backprop) against the fast engine and the maths."""

import doctest
import importlib

import numpy as np
import pytest

import placedecode as pdc
from placedecode.models import backprop
from placedecode.models._numpy_nn import ACTIVATIONS, Network, SquaredError

ALL = ["relu", "tanh", "sigmoid", "gelu", "identity"]


def _case(depth, seed):
    """Weights (tutorial layout, bias FIRST), inputs and targets of a small network."""
    rng = np.random.default_rng(seed)
    sizes = [4] + [6] * (depth - 1) + [3]
    W = [None] + [rng.normal(0, 0.8, size=(n_out, n_in + 1))
                  for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    X = rng.normal(size=(4, 9))
    Y = rng.uniform(0.1, 1.0, size=(3, 9))
    return W, X, Y


def _engine(W, activation, output_activation, **options):
    """The fast engine on the same weights: its bias is the LAST column (np.roll by -1)."""
    weights = [np.roll(W_n, -1, axis=1) for W_n in W[1:]]
    return Network(weights, activation, SquaredError(ACTIVATIONS[output_activation]), np.float64,
                   **options)


# depth 1 has no hidden layer, so its hidden activation plays no part: one case suffices
CASES = [(depth, hidden, output) for depth in (1, 2, 3, 4) for hidden in ALL for output in ALL
         if depth > 1 or hidden == "relu"]


@pytest.mark.parametrize("depth,activation,output_activation", CASES)
def test_fast_engine_gradients_equal_the_teaching_module(depth, activation, output_activation):
    W, X, Y = _case(depth, seed=depth)
    l2 = 0.3
    N, H = backprop.forward(W, X, activation, output_activation)
    dW = backprop.backward(W, N, H, Y, activation, output_activation, l2)

    # the tutorial decays the biases with the weights: the engine's penalize_bias=True
    net = _engine(W, activation, output_activation, penalize_bias=True)
    X_bar = np.vstack([X, np.ones((1, X.shape[1]))])  # the engine's ones row is last
    np.testing.assert_allclose(net.forward(X_bar), H[-1], rtol=1e-12, atol=1e-14)
    net.backward(Y, l2)
    for n, grad in enumerate(net.grads, start=1):
        np.testing.assert_allclose(np.roll(grad, 1, axis=1), dW[n], rtol=1e-10, atol=1e-12)
    assert net.objective(X_bar, Y, l2) == pytest.approx(backprop.loss(H[-1], Y, W, l2),
                                                        rel=1e-12)

    # by default the engine leaves the biases out of the penalty: they differ by l2 W[:, 0]
    net = _engine(W, activation, output_activation)
    net.forward(X_bar)
    net.backward(Y, l2)
    for n, grad in enumerate(net.grads, start=1):
        expected = dW[n].copy()
        expected[:, 0] -= l2 * W[n][:, 0]
        np.testing.assert_allclose(np.roll(grad, 1, axis=1), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_without_a_bias_the_engine_equals_the_teaching_module(depth):
    W, X, Y = _case(depth, seed=10 + depth)
    W_no_bias = [None] + [W_n[:, 1:] for W_n in W[1:]]  # b = 0: no bias column
    N, H = backprop.forward(W_no_bias, X, "tanh", "relu")
    dW = backprop.backward(W_no_bias, N, H, Y, "tanh", "relu", l2=0.2)
    assert [W_n.shape for W_n in dW[1:]] == [W_n.shape for W_n in W_no_bias[1:]]

    zero_bias = [None] + [np.hstack([np.zeros((W_n.shape[0], 1)), W_n]) for W_n in W_no_bias[1:]]
    net = _engine(zero_bias, "tanh", "relu", use_bias=False, penalize_bias=True)
    X_bar = np.vstack([X, np.ones((1, X.shape[1]))])
    np.testing.assert_allclose(net.forward(X_bar), H[-1], rtol=1e-12, atol=1e-14)
    net.backward(Y, 0.2)
    for n, grad in enumerate(net.grads, start=1):
        np.testing.assert_array_equal(grad[:, -1], 0.0)  # the bias column is not trained
        np.testing.assert_allclose(grad[:, :-1], dW[n], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("activation", ALL)
def test_teaching_gradients_equal_finite_differences(activation):
    W, X, Y = _case(3, seed=7)
    l2, eps = 0.2, 1e-6
    N, H = backprop.forward(W, X, activation, "sigmoid")
    dW = backprop.backward(W, N, H, Y, activation, "sigmoid", l2)
    for n in (1, 3):
        for (i, j) in [(0, 0), (1, 2), (2, 4)]:
            W_plus = [w if w is None else w.copy() for w in W]
            W_minus = [w if w is None else w.copy() for w in W]
            W_plus[n][i, j] += eps
            W_minus[n][i, j] -= eps
            loss_plus = backprop.loss(backprop.forward(W_plus, X, activation, "sigmoid")[1][-1],
                                      Y, W_plus, l2)
            loss_minus = backprop.loss(backprop.forward(W_minus, X, activation, "sigmoid")[1][-1],
                                       Y, W_minus, l2)
            assert dW[n][i, j] == pytest.approx((loss_plus - loss_minus) / (2 * eps), rel=1e-5,
                                                abs=1e-8)


def test_tutorial_conventions_ones_on_top_bias_first_column_decayed():
    H = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(backprop.add_dummy_row(H)[0], 1.0)  # the row of ones on top
    np.testing.assert_array_equal(backprop.add_dummy_row(H, b=0), H)
    W, X, Y = _case(2, seed=1)
    N, _ = backprop.forward(W, X)
    np.testing.assert_allclose(N[1], W[1][:, 1:] @ X + W[1][:, :1])  # bias = first column
    N, H = backprop.forward(W, X)
    without = backprop.backward(W, N, H, Y, l2=0.0)
    decayed = backprop.backward(W, N, H, Y, l2=0.5)
    for n in (1, 2):  # the tutorial's W -= eta * dLdW + eta * l2 * W: every entry, biases too
        np.testing.assert_allclose(decayed[n] - without[n], 0.5 * W[n])


def test_init_weights_draw_the_tutorials_shapes_and_scales_from_randomstate():
    W = backprop.init_weights((25, 200, 200, 2), seed=3, use_bias=False)
    assert [W_n.shape for W_n in W[1:]] == [(200, 25), (200, 200), (2, 200)]
    rng = np.random.RandomState(3)  # the tutorial's np.random.normal, W1 then W2 then W3
    for W_n, (n_out, n_in) in zip(W[1:], [(200, 25), (200, 200), (2, 200)]):
        np.testing.assert_array_equal(W_n, rng.normal(0, 2 / np.sqrt(n_in), size=(n_out, n_in)))
    assert [W_n.shape for W_n in backprop.init_weights((25, 200, 2))[1:]] == [(200, 26), (2, 201)]


def test_teaching_network_decodes_place_cells(place_recording):
    train, test = place_recording
    W = backprop.train(train.X.T, train.y.T, hidden_layer_sizes=(32,), epochs=15,
                       batch_frac=0.01, eta=0.01, l2=0.0, output_activation="identity", seed=0)
    _, H = backprop.forward(W, test.X.T, output_activation="identity")
    chance = pdc.decoding_error(test.y, np.broadcast_to(train.y.mean(0), test.y.shape))
    assert pdc.decoding_error(test.y, H[-1].T) < 0.5 * chance


@pytest.mark.parametrize("module", [
    "placedecode.models.backprop", "placedecode.models._training",
    "placedecode.models._linear", "placedecode.models._numpy_regressor",
    "placedecode.models._numpy_classifier", "placedecode.models._torch_regressor",
    "placedecode.models._torch_classifier", "placedecode.models._torch_seq",
])
def test_docstring_examples_run(module):
    if "torch" in module:
        pytest.importorskip("torch")
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
