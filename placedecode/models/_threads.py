"""Thread policy: how many CPU threads a fit or a prediction may use, scoped to it.

Small networks gain little from several BLAS or torch threads and collapse when the machine
is busy: every matrix product ends in a barrier that waits for the slowest thread, and a
thread the scheduler has parked costs a whole time slice (on a busy two-core machine the
demo's torch fit took 41-48 s with the default threads and ~2 s with one). So the networks
take ``n_threads="auto"`` by default:

* ``"auto"``: one thread unless one training step (forward and backward pass of a
  mini-batch, or one prediction chunk) costs more than :data:`FLOPS_PER_THREAD`
  floating-point operations; then one thread per :data:`FLOPS_PER_THREAD`, at most the
  CPUs this process may run on, and never more than the limits already in force when the
  fit starts (set by the caller with threadpoolctl or ``torch.set_num_threads``, or by
  ``placedecode.experiments.compare`` in its workers);
* an int: exactly that many threads;
* None: leave the thread counts as they are.

:func:`thread_limits` applies the choice to every BLAS and OpenMP library loaded
(threadpoolctl) and, for torch models, to ``torch.set_num_threads``, and restores the
previous values when the block ends, whether it ends normally or with an exception. Any
estimator can use it::

    from placedecode.models._threads import resolve_n_threads, thread_limits
    with thread_limits(resolve_n_threads("auto", flops_per_step=2e6)):
        ...  # one thread here

torch's thread count is process-wide: two fits running in threads of one process (joblib's
threading backend) should be given the same explicit ``n_threads``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from numbers import Integral

#: "auto" gives one thread per this many floating-point operations of a training step.
FLOPS_PER_THREAD = 5e8


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def current_limit(torch: bool = False) -> int:
    """The thread count in force now: BLAS's (and torch's, if ``torch``), the smallest."""
    from threadpoolctl import threadpool_info

    counts = [info["num_threads"] for info in threadpool_info()
              if info.get("user_api") == "blas"]
    if torch and "torch" in sys.modules:
        counts.append(sys.modules["torch"].get_num_threads())
    return max(1, min(counts)) if counts else available_cpus()


def mlp_step_flops(layer_sizes, batch_size: int) -> float:
    """Floating-point operations of one training step of a fully connected network.

    The forward pass multiplies ``batch_size`` inputs through every weight matrix
    (2 operations per weight and sample); the backward pass costs about twice as much.
    """
    weights = sum(n_in * n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))
    return 6.0 * weights * batch_size


def resolve_n_threads(n_threads, flops_per_step: float, torch: bool = False):
    """The thread count for a block of work, or None to leave the threads alone.

    Parameters
    ----------
    n_threads : "auto", int >= 1 or None
        The estimator's ``n_threads`` parameter (see the module docstring).
    flops_per_step : float
        Floating-point operations of one step of the work (e.g. :func:`mlp_step_flops`).
    torch : bool, default=False
        Whether torch's thread count also limits "auto".

    Returns
    -------
    int or None
    """
    if n_threads is None:
        return None
    if isinstance(n_threads, str):
        if n_threads != "auto":
            raise ValueError(
                f"n_threads must be 'auto', a positive int or None; got {n_threads!r}.")
        wanted = int(flops_per_step // FLOPS_PER_THREAD)
        if wanted <= 1:
            return 1
        return max(1, min(wanted, available_cpus(), current_limit(torch)))
    if not isinstance(n_threads, Integral) or isinstance(n_threads, bool) or n_threads < 1:
        raise ValueError(f"n_threads must be 'auto', a positive int or None; got {n_threads!r}.")
    return int(n_threads)


@contextlib.contextmanager
def thread_limits(n_threads, torch: bool = False):
    """Limit BLAS/OpenMP threads (and torch's, if ``torch``) to ``n_threads`` in a block.

    Parameters
    ----------
    n_threads : int or None
        Threads to allow; None changes nothing.
    torch : bool, default=False
        Also set ``torch.set_num_threads`` (torch must be importable).
    """
    if n_threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    previous_torch = None
    if torch:
        import torch as torch_module

        previous_torch = torch_module.get_num_threads()
        if previous_torch != n_threads:
            torch_module.set_num_threads(int(n_threads))
    try:
        with threadpool_limits(limits=int(n_threads)):
            yield
    finally:
        if previous_torch is not None and previous_torch != n_threads:
            torch_module.set_num_threads(previous_torch)
