"""NumPy's legacy global generator (MT19937 + polar Box-Muller), compiled with numba.

RatInABox draws every random number from ``np.random`` (a legacy ``RandomState``): a
normal for each Ornstein-Uhlenbeck step, a tiny normal jitter for each wall-geometry call,
a normal when a step has zero length, and uniforms when an Agent has to be put back into
a polygonal arena. The fast motion engine reproduces RatInABox's path from a seed by
drawing the *same* numbers, in the same order, from the *same* generator: this module is
a transcription of NumPy's MT19937 bit generator and its legacy ``gauss``/``uniform``
(numpy/random/src/mt19937 and src/legacy), working on the state that
``RandomState.get_state()`` returns. Inside the compiled step loop the draws then cost a
few nanoseconds each and can depend on the state (how many wall-collision checks a step
needed, whether it had zero length) exactly as RatInABox's do.

Legacy ``normal(loc, scale, size)`` fills its output one ``gauss`` at a time (``loc +
scale * gauss``), and ``gauss`` keeps the second value of each Box-Muller pair for the next
call, so a bulk draw equals the same draws made one call at a time; the tests check this,
and check every function here bit for bit against NumPy.

The state of one generator is three arrays (so that many can be stacked, one per seed):
``key`` (624,) uint32, ``ints`` (2,) int64 ``[pos, has_gauss]`` and ``gauss`` (1,) float64.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_N = 624
_M = 397
_MATRIX_A = 0x9908B0DF
_UPPER = 0x80000000
_LOWER = 0x7FFFFFFF
_MASK32 = 0xFFFFFFFF


def state_from_numpy(random_state: np.random.RandomState):
    """``(key, ints, gauss)`` arrays holding a copy of a legacy RandomState's state."""
    name, key, pos, has_gauss, cached = random_state.get_state()
    if name != "MT19937":  # pragma: no cover - RandomState is always MT19937
        raise ValueError(f"expected an MT19937 RandomState; got {name!r}.")
    return (
        np.array(key, dtype=np.uint32),
        np.array([pos, has_gauss], dtype=np.int64),
        np.array([cached], dtype=np.float64),
    )


def state_to_numpy(key, ints, gauss) -> np.random.RandomState:
    """A RandomState positioned where the compiled generator ``(key, ints, gauss)`` is."""
    rs = np.random.RandomState()
    rs.set_state(("MT19937", np.asarray(key, dtype=np.uint32), int(ints[0]), int(ints[1]), float(gauss[0])))
    return rs


@njit(cache=True, inline="always")
def _mix(key, i, j, k):
    """One MT19937 recurrence step: key[i] from key[i], key[j] (= i + 1) and key[k] (= i + 397)."""
    y = (np.int64(key[i]) & _UPPER) | (np.int64(key[j]) & _LOWER)
    value = np.int64(key[k]) ^ (y >> 1)
    if y & 1:
        value ^= _MATRIX_A
    key[i] = value


@njit(cache=True, inline="always")
def _twist(key):
    """Regenerate the 624 words of ``key`` in place (indices wrap modulo 624)."""
    for i in range(_N - _M):
        _mix(key, i, i + 1, i + _M)
    for i in range(_N - _M, _N - 1):
        _mix(key, i, i + 1, i + _M - _N)
    _mix(key, _N - 1, 0, _M - 1)


@njit(cache=True, inline="always")
def next_uint32(key, ints):
    """The next 32-bit output (tempered), as an int64 in [0, 2**32)."""
    if ints[0] >= _N:
        _twist(key)
        ints[0] = 0
    y = np.int64(key[ints[0]])
    ints[0] += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    y ^= y >> 18
    return y & _MASK32


@njit(cache=True, inline="always")
def next_double(key, ints):
    """A double in [0, 1) with 53 random bits (``random_sample``)."""
    a = next_uint32(key, ints) >> 5
    b = next_uint32(key, ints) >> 6
    return (a * 67108864.0 + b) / 9007199254740992.0


@njit(cache=True, inline="always")
def uniform(key, ints, low, high):
    """``RandomState.uniform(low, high)``: ``low + (high - low) * random_sample()``."""
    return low + (high - low) * next_double(key, ints)


@njit(cache=True)
def fill_gauss(key, ints, cached, out, start, count):
    """Write ``count`` standard normals into ``out[start:start + count]``.

    NumPy's legacy polar method: a pair of uniforms in the unit disc gives two normals,
    the second is kept (``ints[1]``, ``cached[0]``) for the next draw. The loop body is
    written out here rather than calling a one-draw helper: numba would count references
    to the state arrays on every call of such a helper, which costs more than the draw.
    """
    for n in range(start, start + count):
        if ints[1]:
            ints[1] = 0
            out[n] = cached[0]
            cached[0] = 0.0
            continue
        while True:
            x1 = 2.0 * next_double(key, ints) - 1.0
            x2 = 2.0 * next_double(key, ints) - 1.0
            r2 = x1 * x1 + x2 * x2
            if r2 < 1.0 and r2 != 0.0:
                break
        f = np.sqrt(-2.0 * np.log(r2) / r2)
        cached[0] = f * x1
        ints[1] = 1
        out[n] = f * x2


@njit(cache=True)
def fill_uniform(key, ints, low, high, out):
    """Fill ``out`` with uniforms on [low, high) (for the tests)."""
    for i in range(out.size):
        out[i] = uniform(key, ints, low, high)
