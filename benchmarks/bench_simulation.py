"""Simulation speed and memory against the tutorial's per-step RatInABox loop.

Run: ``python benchmarks/bench_simulation.py`` (about 3 minutes on two cores).

All comparisons are ratios measured in this one process on the same machine:

(a) 10 min of 25 place cells: ``placedecode.simulate(cache=False)`` vs the tutorial loop
    (``Agent.update(); PlaceCells.update()`` every step).
(b) five populations (place, grid, boundary_vector, head_direction, random_spatial; 25
    each) from one 10-min trajectory vs one loop updating all five every step. Goal >= 2x.
(c) (a) again with the trajectory already cached. Goal >= 50x.
(d) 60 min of 1000 place cells: wall time, and peak memory of ``record`` (tracemalloc,
    which NumPy reports to) against the size of the final rate array. Goal <= 2.5x.
(e) your own Neurons class, with no fast evaluator registered, 25 cells for 10 min:
    ``simulate(cells=MyClass, cache=False)`` vs RatInABox's own loop with that class.
    A position-only subclass of PlaceCells (evaluated with its ``get_state``) and a
    stateful one (RatInABox's per-step loop on the path). Goal >= 1x: never slower.
    ``python benchmarks/bench_simulation.py --user-classes [MINUTES]`` runs (e) alone
    (printed, not written to results/).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import Timer, markdown_table, write_results  # noqa: E402

import placedecode as pd  # noqa: E402

DT = 0.1
FIVE = ("place", "grid", "boundary_vector", "head_direction", "random_spatial")
RIB_CLASSES = {
    "place": ("PlaceCells", {"widths": 0.15, "place_cell_centres": "uniform"}),
    "grid": ("GridCells", {}),
    "boundary_vector": ("BoundaryVectorCells", {}),
    "head_direction": ("HeadDirectionCells", {}),
    "random_spatial": ("RandomSpatialNeurons", {"lengthscale": 0.1}),
}


def tutorial_loop(minutes: float, populations: dict[str, int], seed: int = 0):
    """The tutorial's way: one Agent and its Neurons updated together, step by step."""
    import importlib

    from ratinabox.Agent import Agent
    from ratinabox.Environment import Environment

    rn = importlib.import_module("ratinabox.Neurons")
    np.random.seed(seed)
    with contextlib.redirect_stdout(io.StringIO()):
        env = Environment()
        agent = Agent(env, params={"dt": DT})
        cells = [getattr(rn, RIB_CLASSES[k][0])(agent, params={"n": n, **RIB_CLASSES[k][1]}) for k, n in populations.items()]
        for _ in range(int(round(minutes * 60 / DT))):
            agent.update()
            for c in cells:
                c.update()
    return [np.array(c.history["firingrate"]).T for c in cells]


def user_class_rows(minutes: float = 10.0, n_cells: int = 25, repeats: int = 3) -> tuple[list, dict, bool]:
    """(e): the user's own Neurons classes through placedecode vs RatInABox's own loop (best of ``repeats``)."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, "tests"))
    from ratinabox.Agent import Agent
    from ratinabox.Environment import Environment
    from user_cells import AdaptingPlaceCells, SharpPlaceCells

    import placedecode as pdc

    pdc.simulate(cells=SharpPlaceCells, n_cells=2, minutes=0.1, random_state=1, cache=False, progress=False)  # imports
    rows, payload, ok = [], {}, True

    def ratinabox_loop(cls):
        np.random.seed(0)
        with contextlib.redirect_stdout(io.StringIO()):
            agent = Agent(Environment(), params={"dt": DT})
            cells = cls(agent, params={"n": n_cells})
            for _ in range(int(round(minutes * 60 / DT))):
                agent.update()
                cells.update()

    for label, cls in (("get_state", SharpPlaceCells), ("per_step", AdaptingPlaceCells)):
        ref_s, ours_s = [], []
        for _ in range(repeats):  # interleaved; the best of each (the machine is shared)
            with Timer() as ref:
                ratinabox_loop(cls)
            with Timer() as ours:
                rec = pdc.simulate(cells=cls, n_cells=n_cells, minutes=minutes, dt=DT, random_state=0, cache=False,
                                   progress=False)
            ref_s.append(ref.seconds)
            ours_s.append(ours.seconds)
        best_ref, best_ours = min(ref_s), min(ours_s)
        path = rec.populations[0].path
        assert path == label, (cls.__name__, path)
        traj = pdc.simulate_trajectory(minutes=minutes, dt=DT, random_state=0, progress=False)
        with Timer() as cached:
            pdc.record(traj, cells=cls, n_cells=n_cells, random_state=0)
        ratio = best_ref / best_ours
        ok &= ratio >= 1.0
        rows.append([f"(e) {cls.__name__} ({path}), {n_cells} cells, {minutes:g} min", best_ref, best_ours,
                     ratio, ">= 1x", f"{'PASS' if ratio >= 1 else 'FAIL'}; record alone {cached.seconds:.2f} s "
                     f"({best_ref / cached.seconds:.0f}x)"])
        payload[f"e_{path}"] = {"class": cls.__name__, "ratinabox_s": best_ref, "ours_s": best_ours,
                                "speedup": ratio, "record_only_s": cached.seconds, "goal": 1.0}
    return rows, payload, ok


def main() -> int:
    if "--user-classes" in sys.argv:
        args = sys.argv[sys.argv.index("--user-classes") + 1:]
        rows, _, ok = user_class_rows(float(args[0]) if args else 10.0)
        header = ["case", "RatInABox loop (s)", "placedecode (s)", "speed-up", "goal", "result"]
        print(markdown_table(header, rows))
        return 0 if ok else 1

    os.environ["PLACEDECODE_CACHE"] = tempfile.mkdtemp(prefix="pd-bench-cache-")
    rows, payload, ok = [], {}, True

    # (a) 25 place cells, 10 min
    with Timer() as ref_a:
        tutorial_loop(10, {"place": 25})
    with Timer() as ours_a:
        pd.simulate(cells="place", n_cells=25, minutes=10, dt=DT, random_state=0, cache=False, progress=False)
    ratio_a = ref_a.seconds / ours_a.seconds
    rows.append(["(a) 25 place cells, 10 min", ref_a.seconds, ours_a.seconds, ratio_a, "-", "-"])

    # (b) five populations from one trajectory
    with Timer() as ref_b:
        tutorial_loop(10, {k: 25 for k in FIVE})
    with Timer() as ours_b:
        traj = pd.simulate_trajectory(minutes=10, dt=DT, random_state=0, cache=False, progress=False)
        pd.record(traj, cells={k: 25 for k in FIVE}, random_state=0)
    ratio_b = ref_b.seconds / ours_b.seconds
    ok &= ratio_b >= 2
    rows.append(["(b) 5 populations x 25, 10 min", ref_b.seconds, ours_b.seconds, ratio_b, ">= 2x", "PASS" if ratio_b >= 2 else "FAIL"])

    # (c) (a) with the trajectory cached
    pd.simulate(cells="place", n_cells=25, minutes=10, dt=DT, random_state=0, progress=False)  # fill the cache
    with Timer() as ours_c:
        pd.simulate(cells="place", n_cells=25, minutes=10, dt=DT, random_state=0, progress=False)
    ratio_c = ref_a.seconds / ours_c.seconds
    ok &= ratio_c >= 50
    rows.append(["(c) = (a), trajectory cached", ref_a.seconds, ours_c.seconds, ratio_c, ">= 50x", "PASS" if ratio_c >= 50 else "FAIL"])

    # (d) 60 min of 1000 place cells: time and peak memory of the recording step
    with Timer() as traj_d:
        traj60 = pd.simulate_trajectory(minutes=60, dt=DT, random_state=0, progress=False)
    with Timer() as rec_d:
        rec = pd.record(traj60, cells="place", n_cells=1000, random_state=0)
    final_bytes = rec.rates.nbytes
    del rec
    tracemalloc.start()
    rec = pd.record(traj60, cells="place", n_cells=1000, random_state=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mem_ratio = peak / final_bytes
    ok &= mem_ratio <= 2.5
    rows.append(["(d) 1000 place cells, 60 min", "-", traj_d.seconds + rec_d.seconds, "-", "peak <= 2.5x rates",
                 f"{'PASS' if mem_ratio <= 2.5 else 'FAIL'} ({mem_ratio:.2f}x)"])

    rows_e, payload_e, ok_e = user_class_rows()
    rows += rows_e
    ok &= ok_e

    payload = {
        **payload_e,
        "a": {"tutorial_s": ref_a.seconds, "ours_s": ours_a.seconds, "speedup": ratio_a},
        "b": {"tutorial_s": ref_b.seconds, "ours_s": ours_b.seconds, "speedup": ratio_b, "goal": 2.0},
        "c": {"tutorial_s": ref_a.seconds, "ours_s": ours_c.seconds, "speedup": ratio_c, "goal": 50.0},
        "d": {
            "trajectory_s": traj_d.seconds,
            "record_s": rec_d.seconds,
            "rates_MiB": final_bytes / 2**20,
            "peak_MiB": peak / 2**20,
            "peak_over_rates": mem_ratio,
            "goal": 2.5,
        },
    }
    header = ["case", "tutorial loop (s)", "placedecode (s)", "speed-up", "goal", "result"]
    table = markdown_table(header, rows)
    notes = (
        f"\n\n(d): trajectory {traj_d.seconds:.1f} s + recording {rec_d.seconds:.1f} s; rates "
        f"{final_bytes / 2**20:.0f} MiB, peak during record {peak / 2**20:.0f} MiB ({mem_ratio:.2f}x).\n"
        "What bounds (a): RatInABox's Agent.update (~90 % of the tutorial loop) runs in both.\n"
    )
    print(table + notes)
    write_results("simulation", payload, "# Simulation benchmark\n\n" + table + notes)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
