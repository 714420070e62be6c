"""Figure family "comparison": decoders across cell types and population sizes.

Both figures are sweeps of :func:`placedecode.experiments.compare`: each seed's path is
simulated once and shared by every cell type, population size and decoder; every decoder
is fitted on the first 80 % of a 5-minute recording and tested on the last 20 %, for three
seeds, with the tasks spread over two worker processes. To keep the family within a few
minutes on two cores the networks are the small presets ("numpy-small": one hidden layer
of 64 units, at most 60 epochs; "torch-small": two layers of 64, at most 30 epochs; see
:mod:`placedecode.presets`), so their errors are upper bounds on what the default settings
reach (see the "training" family); "knn-20" is k-nearest neighbours with k = 20. The dashed
lines are the chance level: the error of predicting the training block's mean position,
which :func:`~placedecode.experiments.compare` reports for every fold (``chance_error_cm``).
"""

from __future__ import annotations

from pathlib import Path

from ._common import resolve_out_dir, save

NAME = "comparison"

FILES = {
    "comparison_cell_types.png": "Test error (cm; mean ± std over 3 seeds, dots: seeds) of four "
    "decoders from 25 cells of each type, on noiseless rates and on Poisson spike counts (20 Hz "
    "peak, 0.1 s bins); dashed: the chance level (predicting the training mean), where head-direction "
    "cells, which carry no position, sit.",
    "comparison_n_cells.png": "Test error (cm) against the number of cells, one panel per cell "
    "type (Poisson spike counts, 20 Hz peak): a line per decoder, band = std over 3 seeds; dashed: the "
    "chance level.",
}

CELL_TYPES = ("place", "grid", "boundary_vector", "random_spatial", "head_direction")
N_CELLS = 25
SIZE_CELL_TYPES = ("place", "grid", "boundary_vector")
SIZES = (4, 9, 16, 36, 64, 100)
SEEDS = (0, 1, 2)
MINUTES = 5.0
MAX_FR = 20.0
NOISES = {"noiseless rates": None, "Poisson spike counts": "poisson"}
#: The quick version (``small=True``): one seed, shorter recordings, three sizes, one process.
SMALL = {"seeds": (0,), "minutes": 1.5, "sizes": (4, 16, 64), "n_jobs": 1}


def make_decoders() -> dict:
    """The compared decoders (small networks, see the module docstring).

    Their ``random_state`` is left unset: :func:`~placedecode.experiments.compare` seeds
    each fit from the task it belongs to, so the figure is reproducible.
    """
    from sklearn.neighbors import KNeighborsRegressor

    from ..presets import make_decoders

    decoders = make_decoders(["linear", "numpy-small", "torch-small"])
    return {"linear": decoders["linear"], "knn-20": KNeighborsRegressor(n_neighbors=20),
            "numpy-small": decoders["numpy-small"], "torch-small": decoders["torch-small"]}


def run_comparison(cells, n_cells, noise, seeds=SEEDS, minutes: float = MINUTES, n_jobs: int = 2,
                   progress: bool = False):
    """One :func:`~placedecode.experiments.compare` sweep of :func:`make_decoders`.

    Parameters
    ----------
    cells : sequence of str
        Cell types.
    n_cells : sequence of int
        Population sizes.
    noise : None or "poisson"
        Observation noise (Poisson spike counts at :data:`MAX_FR` Hz peak).
    seeds : sequence of int, default=(0, 1, 2)
    minutes : float, default=5
    n_jobs : int, default=2
        Worker processes.
    progress : bool, default=False

    Returns
    -------
    ComparisonTable
        One row per (cells, n_cells, decoder, seed); ``error_cm`` is the mean test error.

    Raises
    ------
    RuntimeError
        If any task failed (the figure would silently miss a bar).
    """
    from ..experiments import compare

    table = compare(cells=list(cells), decoders=make_decoders(), n_cells=list(n_cells), seeds=list(seeds),
                    minutes=minutes, noise=noise, max_fr=MAX_FR if noise else None, n_jobs=n_jobs,
                    progress=progress)
    if table.n_failed:
        failed = table.where(error=lambda e: bool(e)).rows[0]
        raise RuntimeError(f"{table.n_failed} comparison task(s) failed, e.g. {failed['decoder']} on "
                           f"{failed['cells']}: {failed['error']}")
    return table


def make(out_dir=None, progress: bool = True, seeds=None, minutes=None, small: bool = False) -> list[Path]:
    """Run the comparisons and draw them.

    Parameters
    ----------
    out_dir : path, optional
        Output folder (default: :func:`~placedecode.figures.default_out_dir`).
    progress : bool, default=True
    seeds : sequence of int, optional
        Default (0, 1, 2); (0,) with ``small``.
    minutes : float, optional
        Default 5; 1.5 with ``small``. Fewer seeds or minutes make a quick (noisier)
        version.
    small : bool, default=False
        Quick version (:data:`SMALL`): one seed, 1.5 minutes, sizes 4, 16 and 64, one
        process.

    Returns
    -------
    list of Path
        The files written, in the order of :data:`FILES`.
    """
    import matplotlib.pyplot as plt

    from ..plotting import plot_error_by_cell_type, plot_error_vs_n_cells, style

    out = resolve_out_dir(out_dir, small)
    seeds = tuple(seeds if seeds is not None else (SMALL["seeds"] if small else SEEDS))
    minutes = float(minutes if minutes is not None else (SMALL["minutes"] if small else MINUTES))
    sizes, n_jobs = (SMALL["sizes"], SMALL["n_jobs"]) if small else (SIZES, 2)
    by_type = {label: run_comparison(CELL_TYPES, [N_CELLS], noise, seeds, minutes, n_jobs, progress=progress)
               for label, noise in NOISES.items()}
    by_size = run_comparison(SIZE_CELL_TYPES, sizes, "poisson", seeds, minutes, n_jobs, progress=progress)
    decoders = list(make_decoders())

    written = []
    with style():
        fig, axes = plt.subplots(1, 2, figsize=(12.5, 4.0), layout="constrained", sharey=True)
        for ax, (noise, table) in zip(axes, by_type.items()):
            plot_error_by_cell_type(table, cell_types=CELL_TYPES, decoders=decoders, fig=fig, ax=ax)
            ax.set_title(f"{noise}: {ax.get_title()}")
        axes[0].get_legend().remove()
        axes[1].set_ylabel("")
        axes[1].tick_params(labelleft=True)
        written.append(save(fig, out, "comparison_cell_types.png"))

        fig, axes = plt.subplots(1, len(SIZE_CELL_TYPES), figsize=(4.2 * len(SIZE_CELL_TYPES), 3.8),
                                 layout="constrained", sharey=True)
        for ax, cell_type in zip(axes, SIZE_CELL_TYPES):
            plot_error_vs_n_cells(by_size, cell_type=cell_type, decoders=decoders, fig=fig, ax=ax)
            ax.set_title(cell_type.replace("_", "-") + " cells")
            if ax is not axes[0]:
                ax.set_ylabel("")
        handles, labels = axes[0].get_legend_handles_labels()
        for ax in axes:
            if ax.get_legend() is not None:
                ax.get_legend().remove()
        fig.legend(handles, labels, title="decoder", loc="outside right upper", frameon=False)
        fig.suptitle(f"Poisson spike counts ({MAX_FR:g} Hz peak), {minutes:g} min, mean ± std over "
                     f"{len(seeds)} seeds")
        written.append(save(fig, out, "comparison_n_cells.png"))
    return written
