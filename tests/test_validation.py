"""The decoders' short input check for float64 arrays accepts and refuses what validate_data does."""

import warnings

import numpy as np
import pytest
from sklearn.utils.validation import validate_data

from placedecode.models import BayesianDecoder
from placedecode.models._validation import validate_float_arrays

pd = pytest.importorskip("pandas")

RNG = np.random.default_rng(0)
X = RNG.poisson(2.0, size=(50, 4)).astype(float)
Y = RNG.uniform(0, 1, size=(50, 2))


def _outcome(check, *args, **kwargs):
    """(result or None, (error type, message) or None, warning messages)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = check(*args, **kwargs)
        except Exception as err:  # noqa: BLE001 - the error is what is compared
            return None, (type(err), str(err)), [str(w.message) for w in caught]
    return out, None, [str(w.message) for w in caught]


def _inf(a, where):
    a = a.copy()
    a[where] = np.inf
    return a


FIT_INPUTS = {
    "float arrays": (X, Y),
    "1-D y": (X, Y[:, 0]),
    "int X": (X.astype(int), Y),
    "list X": (X.tolist(), Y),
    "Fortran X": (np.asfortranarray(X), Y),
    "NaN in X": (np.where(X == X.max(), np.nan, X), Y),
    "inf in y": (X, _inf(Y, (3, 1))),
    "1-D X": (X[:, 0], Y),
    "3-D y": (X, Y[:, :, None]),
    "no samples": (X[:0], Y[:0]),
    "no features": (X[:, :0], Y),
    "lengths differ": (X, Y[:-1]),
    "y None": (X, None),
    "finite but the sum overflows": (np.full((50, 4), 1e308), Y),
    "dataframe": (pd.DataFrame(X, columns=list("abcd")), Y),
}


@pytest.mark.parametrize("name", FIT_INPUTS)
def test_fit_checks_equal_validate_data(name):
    Xin, yin = FIT_INPUTS[name]
    fast, slow = BayesianDecoder(), BayesianDecoder()
    got = _outcome(validate_float_arrays, fast, Xin, yin, reset=True, multi_output=True)
    want = _outcome(validate_data, slow, Xin, yin, reset=True, dtype=np.float64, multi_output=True,
                    y_numeric=True)
    assert got[1:] == want[1:]
    if want[0] is not None:
        for a, b in zip(got[0], want[0]):
            np.testing.assert_array_equal(a, b)
            assert a.dtype == b.dtype
        assert fast.n_features_in_ == slow.n_features_in_
        assert hasattr(fast, "feature_names_in_") == hasattr(slow, "feature_names_in_")


PREDICT_INPUTS = {"float array": X[:5], "3 features": X[:5, :3], "NaN": np.full((5, 4), np.nan),
                  "int": X[:5].astype(int), "dataframe": pd.DataFrame(X[:5], columns=list("abcd"))}


@pytest.mark.parametrize("fitted_on", ["array", "dataframe"])
@pytest.mark.parametrize("name", PREDICT_INPUTS)
def test_predict_checks_equal_validate_data(name, fitted_on):
    Xfit = X if fitted_on == "array" else pd.DataFrame(X, columns=list("abcd"))
    fast, slow = BayesianDecoder().fit(Xfit, Y), BayesianDecoder().fit(Xfit, Y)
    got = _outcome(validate_float_arrays, fast, PREDICT_INPUTS[name], reset=False)
    want = _outcome(validate_data, slow, PREDICT_INPUTS[name], reset=False, dtype=np.float64)
    assert got[1:] == want[1:]  # same errors and warnings (e.g. "X does not have valid feature names")
    if want[0] is not None:
        np.testing.assert_array_equal(got[0], want[0])


def test_a_refit_on_arrays_forgets_the_dataframe_columns():
    model = BayesianDecoder().fit(pd.DataFrame(X, columns=list("abcd")), Y)
    assert list(model.feature_names_in_) == list("abcd")
    model.fit(X[:, :3], Y)
    assert not hasattr(model, "feature_names_in_") and model.n_features_in_ == 3
