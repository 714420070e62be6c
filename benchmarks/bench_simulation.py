"""Simulation speed and memory against the tutorial's per-step RatInABox loop.

Run: ``python benchmarks/bench_simulation.py`` (about 5 minutes on two cores);
``--quick`` runs every row at a tenth of its length and writes no results.

All comparisons are ratios measured in this one process on the same machine:

(a) 10 min of 25 place cells: ``placedecode.simulate(cache=False)`` vs the tutorial loop
    (``Agent.update(); PlaceCells.update()`` every step).
(b) five populations (place, grid, boundary_vector, head_direction, random_spatial; 25
    each) from one 10-min trajectory vs one loop updating all five every step. Goal >= 20x.
    Boundary vector cells and random spatial neurons are computed by placedecode's own
    evaluators (``sim/_bvc.py``, ``sim/_fast_cells_random_spatial.py``; equal to RatInABox's
    ``get_state`` to ~1e-15 relative). With ``--quick`` (1 min) fixed costs dominate and the
    ratio falls well below the goal: RatInABox building the random spatial neurons' Gaussian
    process (~0.03 s, paid by the loop too) and ``cell_params``' rate-map peak search on a
    2 cm grid (~0.025 s for the four spatial populations in a 1 m box, whatever the length).
(c) (a) again with the trajectory already cached. Goal >= 50x.
(d) 60 min of 1000 place cells: wall time, and peak memory of ``record`` (tracemalloc,
    which NumPy reports to) against the size of the final rate array. Goal <= 2.5x.

Rows of the fast motion engine (issue 15; (a) and (b) use it too, through ``engine="auto"``,
goals >= 10x and >= 20x, timed after one short warm-up call that pays the imports and loads
the compiled kernel, a one-off cost measured in (h)):

(e) the trajectory alone, 10 min at dt 0.01 s: ``simulate_trajectory(engine="ratinabox")``
    (RatInABox's ``Agent.update`` loop) vs ``engine="fast"``, compiled code already loaded.
    Goal >= 50x.
(f) ten seeds of (e) in one ``simulate_trajectories`` call (threads) vs ten
    ``simulate_trajectory(engine="fast")`` calls, and vs ten RatInABox loops (estimated from (e)).
(g) 60 min at dt 0.01 s with 100 place cells (``simulate(cache=False)``): wall time, and the
    peak memory of the whole call (tracemalloc) against the final rate array. Goal <= 1.5x
    (with ``--quick`` the rate array is small and fixed-size evaluation chunks dominate the
    ratio, as they do (d)'s).
(h) numba's compile cost: the first ``simulate_trajectory`` of a fresh process with an empty
    compile cache, and with the cache written (``cache=True`` kernels), minus the imports.
(i) your own Neurons class, with no fast evaluator registered, 25 cells for 10 min:
    ``simulate(cells=MyClass, cache=False)`` vs RatInABox's own loop with that class.
    A position-only subclass of PlaceCells (evaluated with its ``get_state``) and a
    stateful one (RatInABox's per-step loop on the path). Goal >= 1x: never slower.
    ``python benchmarks/bench_simulation.py --user-classes [MINUTES]`` runs (i) alone
    (printed, not written to results/).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import Timer, markdown_table, write_results  # noqa: E402

import placedecode as pdc  # noqa: E402

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


def row_trajectory_alone(minutes: float) -> dict:
    """(e) RatInABox's Agent loop vs the fast engine for one trajectory at dt 0.01 s."""
    kw = dict(minutes=minutes, dt=0.01, random_state=0, cache=False, progress=False)
    pdc.simulate_trajectory(**{**kw, "minutes": 0.01}, engine="fast")  # load the compiled kernel
    with Timer() as reference:
        slow = pdc.simulate_trajectory(engine="ratinabox", **kw)
    with Timer() as ours:
        fast = pdc.simulate_trajectory(engine="fast", **kw)
    return {"ratinabox_s": reference.seconds, "fast_s": ours.seconds, "speedup": reference.seconds / ours.seconds,
            "steps": fast.n_samples, "ns_per_step": 1e9 * ours.seconds / fast.n_samples,
            "max_position_difference_m": float(np.abs(fast.position - slow.position).max()), "goal": 50.0}


def row_many_seeds(minutes: float, ratinabox_per_trajectory_s: float, n_seeds: int = 10) -> dict:
    """(f) ten seeds at once vs one after another (both compiled), and vs RatInABox's loop."""
    kw = dict(minutes=minutes, dt=0.01, cache=False, progress=False)
    seeds = list(range(n_seeds))
    pdc.simulate_trajectories(seeds[:2], **{**kw, "minutes": 0.01})  # load the threaded kernel
    with Timer() as loop:
        for seed in seeds:
            pdc.simulate_trajectory(random_state=seed, engine="fast", **kw)
    with Timer() as batch:
        pdc.simulate_trajectories(seeds, **kw)
    ratinabox_s = n_seeds * ratinabox_per_trajectory_s
    return {"seeds": n_seeds, "one_by_one_s": loop.seconds, "batch_s": batch.seconds,
            "batch_over_one_by_one": loop.seconds / batch.seconds, "ratinabox_estimate_s": ratinabox_s,
            "speedup_vs_ratinabox": ratinabox_s / batch.seconds}


def row_hour_of_place_cells(minutes: float, n_cells: int = 100) -> dict:
    """(g) an hour at dt 0.01 s with 100 place cells: wall time and peak memory of ``simulate``."""
    with Timer() as total:
        rec = pdc.simulate(cells="place", n_cells=n_cells, minutes=minutes, dt=0.01, random_state=0, cache=False,
                          progress=False)
    rates_bytes = rec.rates.nbytes
    del rec
    tracemalloc.start()
    rec = pdc.simulate(cells="place", n_cells=n_cells, minutes=minutes, dt=0.01, random_state=0, cache=False,
                      progress=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del rec
    return {"wall_s": total.seconds, "rates_MiB": rates_bytes / 2**20, "peak_MiB": peak / 2**20,
            "peak_over_rates": peak / rates_bytes, "goal": 1.5}


def row_first_call() -> dict:
    """(h) compile cost: a fresh process's first simulate_trajectory, empty and warm numba cache."""
    probe = ("import time, placedecode as pdc, numba, ratinabox.Agent; t = time.perf_counter(); "
             "pdc.simulate_trajectory(minutes=0.1, random_state=0, cache=False, progress=False, engine='fast'); "
             "print(time.perf_counter() - t)")
    with tempfile.TemporaryDirectory(prefix="pd-numba-cache-") as folder:
        env = {**os.environ, "NUMBA_CACHE_DIR": folder}
        run = lambda: float(subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,  # noqa: E731
                                           text=True, check=True).stdout.split()[-1])
        cold, warm = run(), run()
    return {"first_call_empty_cache_s": cold, "first_call_warm_cache_s": warm}


def user_class_rows(minutes: float = 10.0, n_cells: int = 25, repeats: int = 3) -> tuple[list, dict, bool]:
    """(i): the user's own Neurons classes through placedecode vs RatInABox's own loop (best of ``repeats``)."""
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
        rows.append([f"(i) {cls.__name__} ({path}), {n_cells} cells, {minutes:g} min", best_ref, best_ours,
                     ratio, ">= 1x", f"{'PASS' if ratio >= 1 else 'FAIL'}; record alone {cached.seconds:.2f} s "
                     f"({best_ref / cached.seconds:.0f}x)"])
        payload[f"i_{path}"] = {"class": cls.__name__, "ratinabox_s": best_ref, "ours_s": best_ours,
                                "speedup": ratio, "record_only_s": cached.seconds, "goal": 1.0}
    return rows, payload, ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every row at a tenth of its length; no results written")
    parser.add_argument("--user-classes", nargs="?", type=float, const=10.0, default=None, metavar="MINUTES",
                        help="run row (i) alone (printed, not written)")
    args = parser.parse_args(argv)
    if args.user_classes is not None:
        rows, _, ok = user_class_rows(args.user_classes)
        header = ["case", "RatInABox loop (s)", "placedecode (s)", "speed-up", "goal", "result"]
        print(markdown_table(header, rows))
        return 0 if ok else 1
    scale = 0.1 if args.quick else 1.0
    ten, hour = 10 * scale, 60 * scale
    os.environ["PLACEDECODE_CACHE"] = tempfile.mkdtemp(prefix="pd-bench-cache-")
    rows, payload, ok = [], {}, True
    # warm-up: imports and loading the compiled motion kernel are one-off costs, reported in (h)
    tiny = pdc.simulate_trajectory(minutes=0.05, dt=DT, random_state=1, cache=False, progress=False)
    pdc.record(tiny, cells={k: 2 for k in FIVE}, random_state=0)

    # (a) 25 place cells, 10 min
    with Timer() as ref_a:
        tutorial_loop(ten, {"place": 25})
    with Timer() as ours_a:
        pdc.simulate(cells="place", n_cells=25, minutes=ten, dt=DT, random_state=0, cache=False, progress=False)
    ratio_a = ref_a.seconds / ours_a.seconds
    ok &= ratio_a >= 10
    rows.append(["(a) 25 place cells, 10 min", ref_a.seconds, ours_a.seconds, ratio_a, ">= 10x",
                 "PASS" if ratio_a >= 10 else "FAIL"])

    # (b) five populations from one trajectory
    with Timer() as ref_b:
        tutorial_loop(ten, {k: 25 for k in FIVE})
    with Timer() as ours_b:
        with Timer() as traj_b:
            traj = pdc.simulate_trajectory(minutes=ten, dt=DT, random_state=0, cache=False, progress=False)
        pdc.record(traj, cells={k: 25 for k in FIVE}, random_state=0)
    per_population_b = {}
    for k in FIVE:  # where the time goes (not part of the ratio)
        with Timer() as one:
            pdc.record(traj, cells=k, n_cells=25, random_state=0)
        per_population_b[k] = one.seconds
    ratio_b = ref_b.seconds / ours_b.seconds
    ok &= ratio_b >= 20
    rows.append(["(b) 5 populations x 25, 10 min", ref_b.seconds, ours_b.seconds, ratio_b, ">= 20x",
                 "PASS" if ratio_b >= 20 else "FAIL"])

    # (c) (a) with the trajectory cached
    pdc.simulate(cells="place", n_cells=25, minutes=ten, dt=DT, random_state=0, progress=False)  # fill the cache
    with Timer() as ours_c:
        pdc.simulate(cells="place", n_cells=25, minutes=ten, dt=DT, random_state=0, progress=False)
    ratio_c = ref_a.seconds / ours_c.seconds
    ok &= ratio_c >= 50
    rows.append(["(c) = (a), trajectory cached", ref_a.seconds, ours_c.seconds, ratio_c, ">= 50x", "PASS" if ratio_c >= 50 else "FAIL"])

    # (d) 60 min of 1000 place cells: time and peak memory of the recording step
    with Timer() as traj_d:
        traj60 = pdc.simulate_trajectory(minutes=hour, dt=DT, random_state=0, progress=False)
    with Timer() as rec_d:
        rec = pdc.record(traj60, cells="place", n_cells=1000, random_state=0)
    final_bytes = rec.rates.nbytes
    del rec
    tracemalloc.start()
    rec = pdc.record(traj60, cells="place", n_cells=1000, random_state=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mem_ratio = peak / final_bytes
    ok &= mem_ratio <= 2.5
    rows.append(["(d) 1000 place cells, 60 min", "-", traj_d.seconds + rec_d.seconds, "-", "peak <= 2.5x rates",
                 f"{'PASS' if mem_ratio <= 2.5 else 'FAIL'} ({mem_ratio:.2f}x)"])

    e = row_trajectory_alone(ten)
    ok &= e["speedup"] >= 50
    rows.append(["(e) trajectory alone, 10 min at dt 0.01 (vs Agent loop)", e["ratinabox_s"], e["fast_s"], e["speedup"],
                 ">= 50x", "PASS" if e["speedup"] >= 50 else "FAIL"])
    f = row_many_seeds(ten, e["ratinabox_s"])
    rows.append(["(f) 10 seeds of (e) in one call (vs 10 Agent loops, estimated)", f["ratinabox_estimate_s"],
                 f["batch_s"], f["speedup_vs_ratinabox"], "-", f"{f['batch_over_one_by_one']:.2f}x one by one"])
    g = row_hour_of_place_cells(hour)
    ok &= g["peak_over_rates"] <= 1.5
    rows.append(["(g) 100 place cells, 60 min at dt 0.01", "-", g["wall_s"], "-", "peak <= 1.5x rates",
                 f"{'PASS' if g['peak_over_rates'] <= 1.5 else 'FAIL'} ({g['peak_over_rates']:.2f}x)"])
    h = row_first_call()
    rows_i, payload_i, ok_i = user_class_rows(ten)
    rows += rows_i
    ok &= ok_i

    payload = {
        **payload_i,
        "e": e, "f": f, "g": g, "h": h,
        "a": {"tutorial_s": ref_a.seconds, "ours_s": ours_a.seconds, "speedup": ratio_a, "goal": 10.0},
        "b": {"tutorial_s": ref_b.seconds, "ours_s": ours_b.seconds, "speedup": ratio_b, "goal": 20.0,
              "trajectory_s": traj_b.seconds, "record_one_population_s": per_population_b},
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
        f"\n\n(b): trajectory {traj_b.seconds:.3f} s + recording {ours_b.seconds - traj_b.seconds:.3f} s; one "
        "population of 25 recorded alone: " + ", ".join(f"{k} {v:.3f} s" for k, v in per_population_b.items()) + ".\n"
        f"(d): trajectory {traj_d.seconds:.1f} s + recording {rec_d.seconds:.1f} s; rates "
        f"{final_bytes / 2**20:.0f} MiB, peak during record {peak / 2**20:.0f} MiB ({mem_ratio:.2f}x).\n"
        f"(e): {e['steps']} steps, {e['ns_per_step']:.0f} ns a step compiled; paths differ by at most "
        f"{e['max_position_difference_m']:.1e} m.\n"
        f"(f): {f['seeds']} seeds one by one {f['one_by_one_s']:.2f} s, in one call {f['batch_s']:.2f} s.\n"
        f"(g): rates {g['rates_MiB']:.0f} MiB, peak {g['peak_MiB']:.0f} MiB ({g['peak_over_rates']:.2f}x).\n"
        f"(h): numba compile cost of the first call in a fresh process: {h['first_call_empty_cache_s']:.1f} s with "
        f"an empty cache, {h['first_call_warm_cache_s']:.2f} s once the kernels are cached.\n"
    )
    print(table + notes)
    if not args.quick:
        write_results("simulation", payload, "# Simulation benchmark\n\n" + table + notes)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
