"""Observation noise on top of noiseless rates.

``noise`` accepts:

- ``None``: ``rates`` are the noiseless rates (the same array as ``true_rates``);
- a number or ``{"type": "gaussian", "std": s}``: independent Gaussian noise with standard
  deviation ``s`` Hz added to every cell and time bin (rates may then dip below zero, as
  in RatInABox's own rate noise);
- ``"poisson"`` or ``{"type": "poisson"}``: spike counts ``n ~ Poisson(true_rate * dt)``
  per bin. ``rates`` then holds ``counts / dt`` in Hz (so every decoder sees Hz whatever
  the noise) and ``Recording.spike_counts`` gives the integer counts back.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

_CHUNK = 4096  # time bins per chunk, to keep temporaries small


@dataclass(frozen=True)
class Noise:
    """A parsed noise specification: ``kind`` in {"none", "gaussian", "poisson"}."""

    kind: str = "none"
    std: float | None = None

    def __str__(self) -> str:
        if self.kind == "gaussian":
            return f"gaussian(std={self.std:g} Hz)"
        return self.kind


def parse_noise(noise) -> Noise:
    if noise is None or (isinstance(noise, str) and noise == "none"):
        return Noise()
    if isinstance(noise, Noise):
        return noise
    if isinstance(noise, numbers.Real) and not isinstance(noise, bool):
        return _gaussian(noise)
    if isinstance(noise, str):
        if noise == "poisson":
            return Noise("poisson")
        if noise == "gaussian":
            raise ValueError("noise='gaussian' needs a standard deviation: pass noise=<std in Hz>.")
    if isinstance(noise, dict):
        kind = noise.get("type")
        extra = sorted(set(noise) - {"type", "std"})
        if extra:
            raise ValueError(f"noise dict has unknown key(s) {extra}; allowed: 'type', 'std'.")
        if kind == "poisson":
            return Noise("poisson")
        if kind == "gaussian":
            if "std" not in noise:
                raise ValueError("noise={'type': 'gaussian'} needs 'std' (Hz).")
            return _gaussian(noise["std"])
    raise ValueError(
        "noise must be None, a Gaussian std in Hz (e.g. 0.1), 'poisson', or a dict like "
        f"{{'type': 'gaussian', 'std': 0.1}} / {{'type': 'poisson'}}; got {noise!r}."
    )


def _gaussian(std) -> Noise:
    std = float(std)
    if not np.isfinite(std) or std < 0:
        raise ValueError(f"Gaussian noise std must be a finite number >= 0 (Hz); got {std!r}.")
    return Noise("gaussian", std) if std > 0 else Noise()


def apply_noise(true_rates: np.ndarray, dt: float, noise: Noise, rng: np.random.Generator) -> np.ndarray:
    """Observed rates (N, T) in Hz for ``true_rates`` (N, T) under ``noise``."""
    if noise.kind == "none":
        return true_rates
    out = np.empty_like(true_rates)
    T = true_rates.shape[1]
    for s in range(0, T, _CHUNK):
        block = true_rates[:, s : s + _CHUNK]
        if noise.kind == "gaussian":
            out[:, s : s + _CHUNK] = block + rng.normal(0.0, noise.std, size=block.shape)
        else:
            lam = np.clip(block, 0.0, None) * dt
            out[:, s : s + _CHUNK] = rng.poisson(lam) / dt
    return out
