"""Seeding for RatInABox, which draws every random number from NumPy's global generator.

placedecode never leaves the caller's global random state changed: each call that needs
RatInABox's randomness runs inside :func:`seeded_global_numpy`, which saves the global
state, seeds it, and restores it afterwards (also when the call raises).
"""

from __future__ import annotations

import contextlib
import numbers
import secrets

import numpy as np

from .._hashing import MAX_SEED as _MAX_SEED  # np.random.seed accepts [0, 2**32)
from .._hashing import derive_seed  # noqa: F401 - re-exported: the one definition of child seeds


def resolve_seed(random_state, name: str = "random_state") -> int:
    """Turn a ``random_state`` argument into a concrete integer seed in ``[0, 2**32)``.

    Parameters
    ----------
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        ``None`` draws a fresh seed from the operating system (not reproducible, and the
        global NumPy state is left untouched); an int is used as is; a generator is asked
        for one integer.
    """
    if random_state is None:
        return secrets.randbits(32)
    if isinstance(random_state, (bool, np.bool_)):
        raise TypeError(f"{name} must be None, an int or a NumPy generator; got a bool.")
    if isinstance(random_state, numbers.Integral):
        seed = int(random_state)
        if not 0 <= seed < _MAX_SEED:
            raise ValueError(f"{name} must be an int in [0, 2**32); got {seed}.")
        return seed
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(_MAX_SEED))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(_MAX_SEED, dtype=np.uint64))
    raise TypeError(
        f"{name} must be None, an int, a numpy.random.Generator or a "
        f"numpy.random.RandomState; got {type(random_state).__name__}."
    )


@contextlib.contextmanager
def seeded_global_numpy(seed: int):
    """Seed NumPy's global generator for the duration of the block, then restore it."""
    saved = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(saved)
