"""The normal distribution's cdf and its inverse in double precision, compiled with numba.

RatInABox 1.15.3 maps the Agent's speed to a standard normal and back on every step
(``utils.rayleigh_to_normal`` / ``normal_to_rayleigh``), through ``scipy.stats.norm.ppf``
and ``norm.cdf``, which are SciPy's ``special.ndtri`` and ``special.ndtr``. The fast
motion engine needs both inside compiled code:

* :func:`ndtr` follows Cephes' ``ndtr`` (the one SciPy uses): ``0.5 + 0.5 erf(x / sqrt 2)``
  near zero, ``0.5 erfc(|x| / sqrt 2)`` in the tails (folded for x > 0), with Cephes'
  rational approximations of ``erf`` (|x| <= 1) and ``erfc`` (1 <= x < 8 and x >= 8;
  Cephes 2.2, 1992). The C library's ``erfc`` differs from SciPy's by up to hundreds of
  units in the last place below x = -6, so it is not used.
* :func:`ndtri` is a port of Cephes' ``ndtri`` (S. L. Moshier, Cephes Math Library 2.1,
  1989; SciPy's implementation): a rational approximation in ``y - 0.5`` for the central
  part, and in ``1 / sqrt(-2 log y)`` in each tail (two intervals), relative error below
  ~1e-15.

Both agree with SciPy to a few units in the last place over the whole range (the tests
check ~10^6 points from 1e-300 to 1 - 1e-16). The Rayleigh transforms themselves are
closed forms and live in the step kernel.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_SQRT1_2 = 0.70710678118654752440  # 1 / sqrt(2)
_SQRT_2PI = 2.50662827463100050242
_MAXLOG = 7.09782712893383996843e2  # log(largest double): exp(-x^2) underflows beyond it
_EXP_M2 = 0.13533528323661269189  # exp(-2): the central interval is exp(-2) < y < 1 - exp(-2)

# Central interval, x / sqrt(2 pi) = w + w^3 P0(w^2) / Q0(w^2) with w = y - 0.5.
# Coefficients from the highest power down; the Q polynomials have a leading 1 (omitted).
_P0 = np.array([
    -5.99633501014107895267e1, 9.80010754185999661536e1, -5.66762857469070293439e1,
    1.39312609387279679503e1, -1.23916583867381258016e0,
])
_Q0 = np.array([
    1.95448858338141759834e0, 4.67627912898881538453e0, 8.63602421390890590575e1,
    -2.25462687854119370527e2, 2.00260212380060660359e2, -8.20372256168333339912e1,
    1.59056225126211695515e1, -1.18331621121330003142e0,
])
# Tail, z = sqrt(-2 log y) in [2, 8) (y down to exp(-32) ~ 1.3e-14): x = z - log(z)/z - P1(1/z)/(z Q1(1/z)).
_P1 = np.array([
    4.05544892305962419923e0, 3.15251094599893866154e1, 5.71628192246421288162e1,
    4.40805073893200834700e1, 1.46849561928858024014e1, 2.18663306850790267539e0,
    -1.40256079171354495875e-1, -3.50424626827848203418e-2, -8.57456785154685413611e-4,
])
_Q1 = np.array([
    1.57799883256466749731e1, 4.53907635128879210584e1, 4.13172038254672030440e1,
    1.50425385692907503408e1, 2.50464946208309415979e0, -1.42182922854787788574e-1,
    -3.80806407691578277194e-2, -9.33259480895457427372e-4,
])
# Far tail, z in [8, 64) (y down to exp(-2048), i.e. all positive doubles).
_P2 = np.array([
    3.23774891776946035970e0, 6.91522889068984211695e0, 3.93881025292474443415e0,
    1.33303460815807542389e0, 2.01485389549179081538e-1, 1.23716634817820021358e-2,
    3.01581553508235416007e-4, 2.65806974686737550832e-6, 6.23974539184983293730e-9,
])
_Q2 = np.array([
    6.02427039364742014255e0, 3.67983563856160859403e0, 1.37702099489081330271e0,
    2.16236993594496635890e-1, 1.34204006088543189037e-2, 3.28014464682127739104e-4,
    2.89247864745380683936e-6, 6.79019408009981274425e-9,
])


# erf(x) = x T(x^2) / U(x^2) for |x| <= 1.
_T = np.array([
    9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
    7.00332514112805075473e3, 5.55923013010394962768e4,
])
_U = np.array([
    3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
    2.26290000613890934246e4, 4.92673942608635921086e4,
])
# erfc(x) = exp(-x^2) P(x) / Q(x) for 1 <= x < 8, exp(-x^2) R(x) / S(x) beyond.
_P = np.array([
    2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
    4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
    9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2,
])
_Q = np.array([
    1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
    9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
    1.65666309194161350182e3, 5.57535340817727675546e2,
])
_R = np.array([
    5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
    6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0,
])
_S = np.array([
    2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
    1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0,
])


@njit(cache=True, inline="always")
def _horner(x, coefficients):
    """sum_k c[k] x^(n-k): a polynomial, highest power first (Cephes' ``polevl``)."""
    value = coefficients[0]
    for c in coefficients[1:]:
        value = value * x + c
    return value


@njit(cache=True, inline="always")
def _horner_monic(x, coefficients):
    """x^n + sum_k c[k] x^(n-1-k): the same with an implicit leading 1 (Cephes' ``p1evl``)."""
    value = x + coefficients[0]
    for c in coefficients[1:]:
        value = value * x + c
    return value


@njit(cache=True, inline="always")
def _erf_small(x):
    """erf(x) for |x| <= 1 (Cephes' rational approximation)."""
    z = x * x
    return x * _horner(z, _T) / _horner_monic(z, _U)


@njit(cache=True, inline="always")
def _erfc_large(x):
    """erfc(x) for |x| >= 1 (Cephes' two rational approximations, underflow to 0 or 2)."""
    a = abs(x)
    z = -x * x
    if z < -_MAXLOG:
        return 2.0 if x < 0 else 0.0
    z = math.exp(z)
    if a < 8.0:
        y = (z * _horner(a, _P)) / _horner_monic(a, _Q)
    else:
        y = (z * _horner(a, _R)) / _horner_monic(a, _S)
    if x < 0:
        y = 2.0 - y
    if y == 0.0:
        return 2.0 if x < 0 else 0.0
    return y


@njit(cache=True)
def erfc(x):
    """Complementary error function, Cephes' algorithm (as SciPy's)."""
    if abs(x) < 1.0:
        return 1.0 - _erf_small(x)
    return _erfc_large(x)


@njit(cache=True)
def erf(x):
    """Error function, Cephes' algorithm (as SciPy's)."""
    a = abs(x)
    y = 1.0 - _erfc_large(a) if a > 1.0 else _erf_small(a)
    return -y if x < 0.0 else y


@njit(cache=True)
def ndtr(x):
    """Standard normal cdf Phi(x) = P(Z <= x), as ``scipy.special.ndtr``."""
    if math.isnan(x):
        return math.nan
    u = x * _SQRT1_2
    z = abs(u)
    if z < _SQRT1_2:
        return 0.5 + 0.5 * erf(u)
    y = 0.5 * erfc(z)
    if u > 0:
        y = 1.0 - y
    return y


@njit(cache=True)
def ndtri(y):
    """Inverse of the standard normal cdf, x with Phi(x) = y, as ``scipy.special.ndtri``.

    ``y`` in [0, 1]; 0 and 1 give -inf and +inf, anything else outside [0, 1] gives NaN.
    """
    if y == 0.0:
        return -math.inf
    if y == 1.0:
        return math.inf
    if not (0.0 < y < 1.0):
        return math.nan
    negate = True
    if y > 1.0 - _EXP_M2:
        y = 1.0 - y
        negate = False
    if y > _EXP_M2:
        w = y - 0.5
        w2 = w * w
        x = w + w * (w2 * _horner(w2, _P0) / _horner_monic(w2, _Q0))
        return x * _SQRT_2PI
    z = math.sqrt(-2.0 * math.log(y))
    x0 = z - math.log(z) / z
    inv = 1.0 / z
    if z < 8.0:
        x1 = inv * _horner(inv, _P1) / _horner_monic(inv, _Q1)
    else:
        x1 = inv * _horner(inv, _P2) / _horner_monic(inv, _Q2)
    x = x0 - x1
    return -x if negate else x


@njit(cache=True)
def ndtr_array(x, out):
    """``out[i] = ndtr(x[i])`` (for the tests)."""
    for i in range(x.size):
        out[i] = ndtr(x[i])


@njit(cache=True)
def ndtri_array(y, out):
    """``out[i] = ndtri(y[i])`` (for the tests)."""
    for i in range(y.size):
        out[i] = ndtri(y[i])
