"""The continuity prior of :class:`~placedecode.models.BayesianDecoder`: a random-walk filter.

The position is a hidden Markov chain on the decoder's grid: between consecutive time bins
it makes a Gaussian random-walk step (standard deviation ``sigma`` grid bins), or, with a
small probability ``eps``, jumps to any visited bin. Given the likelihood of every bin at
every time, the forward pass gives the causal (filtered) posterior, and the backward pass
turns it into the smoothed posterior that uses the later bins too. One call decodes ONE
block of consecutive bins; the decoder calls it once per block.
"""

from __future__ import annotations

import numpy as np

_TINY = 1e-300


class RandomWalkFilter:
    """Forward(-backward) passes of the random walk on a grid.

    Parameters
    ----------
    mask : ndarray of bool, shape (n_bins,)
        Visited grid bins (the chain lives on them).
    grid_shape : tuple
        ``(nx,)`` or ``(ny, nx)``: how the flat bins form the grid.
    sigma : float
        Step standard deviation in grid bins.
    eps : float
        Jump probability per time bin.
    """

    def __init__(self, mask, grid_shape, sigma, eps):
        self.mask = np.asarray(mask, dtype=bool)
        self.grid_shape = tuple(grid_shape)
        self.sigma = float(sigma)
        self.eps = float(eps)
        self.uniform = self.mask / self.mask.sum()

    def propagate(self, p, transpose=False):
        """Apply the random-walk kernel to ``p`` (n_bins,): ``K p`` (forward) or ``Kᵀ p``.

        ``K(x' | x) = (1 - ε) G(x' - x) mask(x') + ε u(x')`` with ``G`` a Gaussian of std
        ``sigma`` (truncated at 4 std; mass leaving the arena is lost, which the
        normalisation of the posterior absorbs), ``u`` uniform over the visited bins and
        ``ε = eps``. ``G`` is symmetric, so the transpose is the same filter with the mask
        applied before instead of after.
        """
        from scipy.ndimage import gaussian_filter

        eps = self.eps
        if transpose:  # (Kᵀ v)(x) = (1 - ε) Σ_x' G(x' - x) mask(x') v(x') + ε Σ_x' u(x') v(x')
            q = gaussian_filter((p * self.mask).reshape(self.grid_shape), sigma=self.sigma,
                                mode="constant", truncate=4.0).ravel()
            return (1.0 - eps) * q + eps * (self.uniform @ p)
        q = gaussian_filter(p.reshape(self.grid_shape), sigma=self.sigma, mode="constant",
                            truncate=4.0).ravel()
        return (1.0 - eps) * q * self.mask + eps * p.sum() * self.uniform

    def log_posterior(self, ll, direction="forward"):
        """Log posterior (T, n_bins) of one block from its log-likelihoods ``ll`` (T, n_bins).

        ``direction="forward"``: the prior of bin ``t`` is the posterior of ``t - 1``
        propagated by one step (a causal filter), starting from the uniform prior.
        ``"both"``: forward-backward smoothing over the block.
        """
        T = len(ll)
        L = np.exp(ll - ll.max(axis=1, keepdims=True))  # masked bins: exp(-inf) = 0
        alpha = np.empty_like(L)
        prior = self.uniform
        for t in range(T):
            a = L[t] * prior
            s = a.sum()
            alpha[t] = a / s if s > 0 else L[t] / L[t].sum()
            prior = self.propagate(alpha[t])  # K α_t: the prior of bin t + 1
        if direction == "forward":
            post = alpha
        else:
            post = np.empty_like(L)
            post[-1] = alpha[-1]
            beta = self.mask.astype(np.float64)
            for t in range(T - 2, -1, -1):
                beta = self.propagate(L[t + 1] * beta, transpose=True)  # Kᵀ (L β)
                beta = beta / max(beta.max(), _TINY)
                p = alpha[t] * beta
                s = p.sum()
                post[t] = p / s if s > 0 else alpha[t]
        with np.errstate(divide="ignore"):
            return np.log(post)
