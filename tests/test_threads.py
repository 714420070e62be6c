"""Thread policy: small fits use one thread, scoped to fit and predict, restored afterwards."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import placedecode as pdc
from placedecode.models import _numpy_optim
from placedecode.models._threads import (
    FLOPS_PER_THREAD,
    available_cpus,
    mlp_step_flops,
    resolve_n_threads,
    thread_limits,
)

torch = pytest.importorskip("torch")


def _blas_threads():
    return min(info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas")


def _data(n=200):
    rng = np.random.default_rng(0)
    X = rng.random((n, 5))
    return X, np.c_[X[:, 0] + X[:, 1], X[:, 2] * X[:, 3]]


def test_auto_gives_one_thread_to_the_tutorials_networks():
    tutorial = mlp_step_flops((25, 200, 200, 2), 64)  # NumpyMLPRegressor's default
    mnist = mlp_step_flops((784, 200, 200, 10), 128)  # NumpyMLPClassifier on MNIST
    torch_default = mlp_step_flops((25, *[200] * 5, 2), 64)
    for flops in (tutorial, mnist, torch_default):
        assert flops < 2 * FLOPS_PER_THREAD and resolve_n_threads("auto", flops) == 1
    assert resolve_n_threads(None, 1e12) is None and resolve_n_threads(3, 1.0) == 3
    with pytest.raises(ValueError, match="n_threads must be 'auto', a positive int or None"):
        resolve_n_threads("many", 1.0)


def test_auto_uses_more_threads_only_for_big_steps_and_never_above_the_limit_in_force():
    big = 40 * FLOPS_PER_THREAD
    assert resolve_n_threads("auto", big) == min(40, available_cpus(), _blas_threads())
    with threadpool_limits(limits=1):  # e.g. set by compare() in its workers
        assert resolve_n_threads("auto", big) == 1


def test_thread_limits_apply_inside_and_restore_after_an_exception():
    before_blas, before_torch = _blas_threads(), torch.get_num_threads()
    with pytest.raises(RuntimeError):
        with thread_limits(1, torch=True):
            assert _blas_threads() == 1 and torch.get_num_threads() == 1
            raise RuntimeError("interrupted")
    assert _blas_threads() == before_blas and torch.get_num_threads() == before_torch


def test_numpy_fit_runs_its_matrix_products_on_the_threads_asked_for(monkeypatch):
    seen = []
    real_step = _numpy_optim.Adam.step

    def recording_step(self, theta, g):
        seen.append(_blas_threads())
        real_step(self, theta, g)

    monkeypatch.setattr(_numpy_optim.Adam, "step", recording_step)
    X, y = _data()
    before = _blas_threads()
    pdc.NumpyMLPRegressor((8,), max_epochs=2, random_state=0).fit(X, y)  # n_threads="auto"
    assert set(seen) == {1} and _blas_threads() == before
    seen.clear()
    pdc.NumpyMLPRegressor((8,), max_epochs=2, n_threads=2, random_state=0).fit(X, y)
    assert set(seen) == {2} and _blas_threads() == before


@pytest.mark.parametrize("name", ["TorchMLPRegressor", "TorchSequenceRegressor"])
def test_torch_fit_and_predict_scope_torchs_threads(name, monkeypatch):
    cls = getattr(pdc, name)
    seen = []
    real_loss = cls._loss

    def recording_loss(self, out, target):
        seen.append(torch.get_num_threads())
        return real_loss(self, out, target)

    monkeypatch.setattr(cls, "_loss", recording_loss)
    X, y = _data()
    small = dict(hidden_layer_sizes=(8,), max_epochs=1) if name == "TorchMLPRegressor" else dict(
        context=2, channels=4, hidden=8, max_epochs=1)
    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        model = cls(**small, random_state=0).fit(X, y)
        assert set(seen) == {1} and torch.get_num_threads() == 2
        model.predict(X)
        assert torch.get_num_threads() == 2
        seen.clear()
        cls(**small, n_threads=None, random_state=0).fit(X, y)  # None: leave them alone
        assert set(seen) == {2}
    finally:
        torch.set_num_threads(previous)


def test_results_do_not_depend_on_the_callers_thread_settings():
    X, y = _data(400)
    model = pdc.NumpyMLPRegressor((32,), max_epochs=5, random_state=0)
    with threadpool_limits(limits=1):
        one = model.fit(X, y).predict(X)
    two = model.fit(X, y).predict(X)  # "auto" picks the same single thread
    np.testing.assert_array_equal(one, two)
