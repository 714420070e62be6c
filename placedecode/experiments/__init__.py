"""Compare decoders across cell types, population sizes and seeds: one call, local or on a cluster.

Which decoder reads place, grid, boundary-vector or mixed codes best, and how many cells
does each need? :func:`compare` answers it as a sweep::

    from placedecode.experiments import compare, make_decoders
    table = compare(cells=["place", "grid", "boundary_vector", {"place": 50, "grid": 30}],
                    decoders=make_decoders(["linear", "numpy", "torch"]),
                    n_cells=[10, 25, 50, 100], seeds=[0, 1, 2], minutes=10,
                    n_jobs=2, out="sweep")          # resumable: rerun to finish
    print(table.to_markdown())                      # mean ± sd error (cm) over seeds
    table.where(decoder="linear")["error_cm"]       # a column as a NumPy array

How it runs: each seed's trajectory is simulated once (the slow part, cached on disk) and
shared; every (cells, n_cells, decoder, seed, fold) is then an independent joblib task that
records the cells along that trajectory (milliseconds), fits a clone of the decoder and
scores it. Seeds for cells and decoders derive from the task's identity, so the numbers
do not depend on ``n_jobs``, the backend or the order tasks finish in. Finished tasks are
appended to ``out/results.jsonl`` at once; a rerun skips them.

The same call on a Dask cluster (``pip install "dask[distributed]"``; the workers need
placedecode installed, nothing else to change)::

    from dask.distributed import Client
    from joblib import parallel_config

    client = Client("tcp://scheduler:8786")        # an existing scheduler
    with parallel_config(backend="dask"):
        table = compare(..., out="sweep")          # every worker core runs tasks

    # or on a SLURM cluster with dask-jobqueue, one single-core worker per job:
    from dask_jobqueue import SLURMCluster
    cluster = SLURMCluster(cores=1, processes=1, memory="4GB", walltime="02:00:00")
    cluster.scale(jobs=10)
    client = Client(cluster)
    table = compare(..., backend="dask", out="sweep")

Only the calling process writes ``out`` (no shared file system needed); trajectories are
sent to the workers once per seed (joblib scatters them). On a cluster each worker process
caps its BLAS and torch threads at one, so run one single-threaded worker process per core
(``threads_per_worker=1``); locally, ``n_jobs`` workers share the machine's cores.

Public names: :func:`compare`, :class:`ComparisonTable`, :func:`make_decoders` and
:data:`DECODERS` (the named presets of :mod:`placedecode.presets`), :data:`COLUMNS`,
:data:`TIMING_COLUMNS`.
"""

from ..presets import DECODERS, make_decoders
from ._checks import mixture_label
from ._compare import compare
from ._table import COLUMNS, KEY_COLUMNS, TIMING_COLUMNS, ComparisonTable

__all__ = [
    "COLUMNS",
    "ComparisonTable",
    "DECODERS",
    "KEY_COLUMNS",
    "TIMING_COLUMNS",
    "compare",
    "make_decoders",
    "mixture_label",
]
