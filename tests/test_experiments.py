"""compare(): decoders x cell types x n_cells x seeds x folds, in parallel and resumable.

Small real simulations (1-2 minutes at 0.1 s; trajectories cached for the session by
conftest), small decoders: each test takes seconds.
"""

import json
import math
import os

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.dummy import DummyRegressor

import placedecode
from placedecode.cli import main
from placedecode.experiments import TIMING_COLUMNS, ComparisonTable, compare, make_decoders
from placedecode.models import LinearRegressor, NumpyMLPRegressor
from placedecode.sim import BlockedTimeSeriesSplit

SMALL = dict(minutes=2, progress=False)


class Counting(RegressorMixin, BaseEstimator):
    """Predicts the training mean and counts fits in this process; can fail on demand."""

    fits = 0

    def __init__(self, fail_with=None, interrupt_after=None):
        self.fail_with = fail_with
        self.interrupt_after = interrupt_after

    def fit(self, X, y):
        type(self).fits += 1
        if self.interrupt_after is not None and type(self).fits > self.interrupt_after:
            raise KeyboardInterrupt
        if self.fail_with is not None:
            raise ValueError(self.fail_with)
        self.mean_ = np.mean(y, axis=0)
        return self

    def predict(self, X):
        return np.tile(self.mean_, (len(X), 1))


@pytest.fixture
def counting():
    Counting.fits = 0
    yield Counting
    Counting.fits = 0


def same_numbers(a: ComparisonTable, b: ComparisonTable) -> None:
    assert a.columns == b.columns and len(a) == len(b)
    for column in a.columns:
        if column in TIMING_COLUMNS:
            continue
        x, y = a[column], b[column]
        if x.dtype.kind == "f":
            np.testing.assert_array_equal(x, y, err_msg=column)  # exactly: NaN == NaN here
        else:
            assert x.tolist() == y.tolist(), column


def test_one_row_per_cells_n_cells_decoder_seed_in_nested_order():
    table = compare(cells=["place", "grid"], decoders={"linear": LinearRegressor(fit_intercept=True),
                                                       "mean": DummyRegressor()},
                    n_cells=[9, 16], seeds=[0, 1], **SMALL)
    assert len(table) == 2 * 2 * 2 * 2
    keys = list(zip(table["seed"].tolist(), table["cells"].tolist(), table["n_cells"].tolist(),
                    table["decoder"].tolist()))
    assert keys == [(s, c, n, d) for s in (0, 1) for c in ("place", "grid") for n in (9, 16)
                    for d in ("linear", "mean")]
    assert set(table["fold"].tolist()) == {0}
    assert table["n_train"].tolist() == [960] * 16 and table["n_test"].tolist() == [240] * 16  # 80/20 of 1200
    assert table.n_failed == 0 and set(table["error"].tolist()) == {""}
    assert np.all(table["fit_time_s"] >= 0) and np.all(table["median_error_cm"] > 0)
    assert "16 rows" in repr(table) and "0 failed" in repr(table)


def test_errors_in_cm_are_meaningful():
    table = compare(cells=["place"], decoders={"linear": LinearRegressor(fit_intercept=True),
                                               "mean": DummyRegressor()},
                    n_cells=[25], seeds=[0, 1], **SMALL)
    linear = table.where(decoder="linear")["error_cm"]
    chance = table.where(decoder="mean")["error_cm"]
    assert linear.mean() < 20  # cm, 25 place cells, 2 minutes
    assert np.all(chance > 25)  # predicting the mean position: ~chance in a 1 m box (~52 cm uniform)
    assert np.all(linear < chance)
    assert np.all(table.where(decoder="mean")["r2"] < 0.05)  # the training mean explains nothing


def test_cross_validation_gives_one_row_per_fold():
    table = compare(cells="place", decoders={"linear": LinearRegressor(fit_intercept=True)}, n_cells=16,
                    seeds=[0], cv=BlockedTimeSeriesSplit(n_splits=3, gap=5), minutes=1, progress=False)
    assert table["fold"].tolist() == [0, 1, 2]
    assert table["n_test"].tolist() == [200, 200, 200]  # 600 bins in 3 blocks
    assert table["n_train"].tolist() == [395, 390, 395]  # minus 5 bins each side of the block
    same_numbers(table, compare(cells="place", decoders={"linear": LinearRegressor(fit_intercept=True)},
                                n_cells=16, seeds=[0], cv=BlockedTimeSeriesSplit(3, gap=5), minutes=1,
                                progress=False))


def test_each_seed_trajectory_is_simulated_once(monkeypatch):
    """One trajectory per seed, all seeds in one compiled batch (no call per seed)."""
    calls = []
    single, batch = placedecode.sim.simulate_trajectory, placedecode.sim.simulate_trajectories

    def counted(**kwargs):
        if kwargs["minutes"] == SMALL["minutes"]:  # not the few bins that check the cells up front
            calls.append(kwargs["random_state"])
        return single(**kwargs)

    def counted_batch(seeds, **kwargs):
        calls.extend(["batch", *seeds])
        return batch(seeds, **kwargs)

    monkeypatch.setattr(placedecode.sim, "simulate_trajectory", counted)
    monkeypatch.setattr(placedecode.sim, "simulate_trajectories", counted_batch)
    table = compare(cells=["place", "grid", "boundary_vector"], decoders=make_decoders(["linear", "knn"]),
                    n_cells=[9, 16], seeds=[0, 1], cv=2, **SMALL)
    assert len(table) == 3 * 2 * 2 * 2 * 2
    assert calls == ["batch", 0, 1]
    assert all(r["error"] == "" for r in table)


def test_mixed_population_ignores_n_cells_and_is_labelled():
    table = compare(cells=["place", {"place": 9, "grid": 4}], decoders={"linear": LinearRegressor()},
                    n_cells=[9, 16], seeds=[0], **SMALL)
    assert table["cells"].tolist() == ["place", "place", "place:9+grid:4"]
    assert table["n_cells"].tolist() == [9, 16, 13]


def test_parallel_run_gives_the_same_numbers_as_serial():
    decoders = {"linear": LinearRegressor(fit_intercept=True),
                "numpy": NumpyMLPRegressor(hidden_layer_sizes=(16,), max_epochs=5)}  # random_state None
    kwargs = dict(cells=["place", "grid"], decoders=decoders, n_cells=[9, 16], seeds=[0, 1], **SMALL)
    serial = compare(n_jobs=1, **kwargs)
    same_numbers(serial, compare(n_jobs=2, **kwargs))
    same_numbers(serial, compare(n_jobs=2, backend="threading", **kwargs))
    assert np.all(np.isfinite(serial["error_cm"]))


def test_dask_local_cluster_gives_the_same_numbers():
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_config

    kwargs = dict(cells=["place", "boundary_vector"], decoders={"linear": LinearRegressor(fit_intercept=True)},
                  n_cells=[9], seeds=[0, 1], **SMALL)
    serial = compare(**kwargs)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        same_numbers(serial, compare(backend="dask", **kwargs))
        with parallel_config(backend="dask"):  # the caller's configuration, no argument
            same_numbers(serial, compare(**kwargs))


def test_resume_skips_finished_tasks(tmp_path, counting):
    kwargs = dict(cells=["place"], n_cells=[9, 16], minutes=1, progress=False, out=tmp_path)
    first = compare(decoders={"mean": Counting()}, seeds=[0, 1], **kwargs)
    assert counting.fits == 4
    again = compare(decoders={"mean": Counting()}, seeds=[0, 1], **kwargs)
    assert counting.fits == 4  # nothing recomputed
    assert again.rows == first.rows  # timings included: the rows come from the log
    compare(decoders={"mean": Counting()}, seeds=[0, 1], **{**kwargs, "minutes": 1.0})
    assert counting.fits == 4  # 1 and 1.0 minutes are the same run
    compare(decoders={"mean": Counting()}, seeds=[0, 1, 2], **kwargs)
    assert counting.fits == 6  # only the new seed
    compare(decoders={"mean": Counting()}, seeds=[2], cv=2, **kwargs)
    assert counting.fits == 10  # other settings (cv) are other tasks
    assert (tmp_path / "results.csv").exists() and (tmp_path / "results.md").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files


def test_interrupted_sweep_resumes_where_it_stopped(tmp_path, counting):
    kwargs = dict(cells=["place"], n_cells=[4, 9, 16], seeds=[0], minutes=1, progress=False, out=tmp_path)
    with pytest.raises(KeyboardInterrupt):
        compare(decoders={"mean": Counting(interrupt_after=2)}, **kwargs)
    lines = (tmp_path / "results.jsonl").read_text().splitlines()
    assert len(lines) == 2 and all(json.loads(line)["error"] == "" for line in lines)
    # the decoder's parameters are part of a task's key: resume with the same decoder
    counting.fits = -10  # so that interrupt_after=2 is not reached again
    table = compare(decoders={"mean": Counting(interrupt_after=2)}, **kwargs)
    assert counting.fits == -9 and len(table) == 3 and table.n_failed == 0
    # a torn last line (killed mid-write) is ignored with a warning and its task recomputed
    text = (tmp_path / "results.jsonl").read_text()
    (tmp_path / "results.jsonl").write_text(text[: -len(text.splitlines()[-1]) // 2 - 1])
    with pytest.warns(RuntimeWarning, match="unreadable line"):
        compare(decoders={"mean": Counting(interrupt_after=2)}, **kwargs)
    assert counting.fits == -8
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()[-1:]]
    assert rows[0]["n_cells"] == 16


def test_failing_decoder_is_recorded_and_the_others_finish(tmp_path, counting):
    decoders = {"linear": LinearRegressor(fit_intercept=True), "broken": Counting(fail_with="boom")}
    with pytest.warns(RuntimeWarning, match=r"2 of 4 task\(s\) failed"):
        table = compare(cells=["place"], decoders=decoders, n_cells=[9, 16], seeds=[0], out=tmp_path, **SMALL)
    broken, linear = table.where(decoder="broken"), table.where(decoder="linear")
    assert broken["error"].tolist() == ["ValueError: boom"] * 2
    assert np.all(np.isnan(broken["error_cm"])) and np.all(np.isfinite(linear["error_cm"]))
    assert linear.n_failed == 0
    assert "failed" in table.to_markdown()
    # failed tasks are retried on resume; finished ones are not
    fits = counting.fits
    with pytest.warns(RuntimeWarning, match="failed"):
        compare(cells=["place"], decoders=decoders, n_cells=[9, 16], seeds=[0], out=tmp_path, **SMALL)
    assert counting.fits == fits + 2


def test_csv_round_trip(tmp_path):
    rows = [
        {"cells": "place", "n_cells": 9, "decoder": "linear", "seed": 0, "fold": 0, "error_cm": 1 / 3,
         "median_error_cm": 0.1, "r2": -0.5, "fit_time_s": 1e-5, "predict_time_s": 2e-6, "record_time_s": 0.0,
         "n_train": 960, "n_test": 240, "error": ""},
        {"cells": "place:9+grid:4", "n_cells": 13, "decoder": "broken", "seed": 1, "fold": 2,
         "error_cm": math.nan, "median_error_cm": math.nan, "r2": math.nan, "fit_time_s": math.nan,
         "predict_time_s": math.nan, "record_time_s": 0.25, "n_train": 0, "n_test": 0,
         "error": 'ValueError: x, "y"\nline two'},
    ]
    table = ComparisonTable(rows)
    path = table.to_csv(tmp_path / "sub" / "t.csv")
    back = ComparisonTable.from_csv(path)
    assert back.columns == table.columns
    for column in table.columns:
        x, y = table[column], back[column]
        assert x.dtype == y.dtype, column
        if x.dtype.kind == "f":
            np.testing.assert_array_equal(x, y)
        else:
            assert x.tolist() == y.tolist()
    assert [p.name for p in path.parent.iterdir()] == ["t.csv"]
    with pytest.raises(ValueError, match="lacks the column"):
        (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
        ComparisonTable.from_csv(tmp_path / "bad.csv")


def test_markdown_groups_by_cells_and_n_cells_with_mean_sd_over_seeds():
    rows = []
    for seed, errors in enumerate([(10.0, 20.0), (14.0, 24.0)]):
        for fold, e in enumerate(errors):  # folds average within a seed: 15 and 19
            rows.append({"cells": "place", "n_cells": 25, "decoder": "linear", "seed": seed, "fold": fold,
                         "error_cm": e, "r2": 0.5, "fit_time_s": 1.0, "error": ""})
    rows.append({"cells": "place", "n_cells": 25, "decoder": "torch", "seed": 0, "fold": 0,
                 "error_cm": 2.0, "r2": 0.9, "fit_time_s": 3.0, "error": ""})
    rows.append({"cells": "grid", "n_cells": 50, "decoder": "linear", "seed": 0, "fold": 0,
                 "error_cm": math.nan, "r2": math.nan, "fit_time_s": math.nan, "error": "ValueError: x"})
    table = ComparisonTable(rows)
    lines = table.to_markdown().splitlines()
    assert lines[0] == "| cells | n_cells | linear | torch |"
    assert lines[2] == f"| place | 25 | 17.0 ± {np.std([15, 19], ddof=1):.1f} | 2.0 |"
    assert lines[3] == "| grid | 50 | failed (1 failed) |  |"
    assert "mean ± sd over 1/2 seed(s)" in lines[-1] and "1 task(s) failed" in lines[-1]
    long = table.to_markdown(layout="long").splitlines()
    assert long[0].startswith("| cells | n_cells | decoder | seeds | error_cm |")
    summary = table.summary()
    assert len(summary) == 3 and summary["n_seeds"].tolist() == [2, 1, 0]
    assert summary["error_cm_mean"][0] == 17.0 and summary["n_failed"].tolist() == [0, 0, 1]
    assert table.where(decoder="linear", n_cells=[25])["error_cm"].tolist() == [10.0, 20.0, 14.0, 24.0]
    assert str(table).startswith("ComparisonTable(6 rows")
    with pytest.raises(KeyError, match="no column 'colour'"):
        table["colour"]


@pytest.mark.filterwarnings("ignore:Warning. You have solid 1D boundary conditions")
def test_bad_input_fails_before_any_work():
    ok = {"linear": LinearRegressor()}
    with pytest.raises(ValueError, match="unknown cell type 'pyramidal'; known cell types: 'place'"):
        compare(cells=["place", "pyramidal"], decoders=ok, progress=False)
    with pytest.raises(ValueError, match="decoders is empty"):
        compare(cells="place", decoders={}, progress=False)
    with pytest.raises(ValueError, match="decoders is required"):
        compare(cells="place", progress=False)
    with pytest.raises(TypeError, match=r"decoders\['svm'\] must be an estimator"):
        compare(cells="place", decoders={"svm": "SVR()"}, progress=False)
    with pytest.raises(TypeError, match=r"decoders\['lin'\] must be an estimator instance"):
        compare(cells="place", decoders={"lin": LinearRegressor}, progress=False)
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match="n_jobs must be"):
            compare(cells="place", decoders=ok, n_jobs=bad, progress=False)
    with pytest.raises(ValueError, match="seeds must hold ints >= 0"):
        compare(cells="place", decoders=ok, seeds=[-1], progress=False)
    with pytest.raises(ValueError, match=r"seeds must hold ints in \[0, 2\*\*32\) .*random_state.*\[4294967296\]"):
        compare(cells="place", decoders=ok, seeds=[0, 2**32], progress=False)
    with pytest.raises(ValueError, match="n_cells has duplicates"):
        compare(cells="place", decoders=ok, n_cells=[10, 10], progress=False)
    with pytest.raises(ValueError, match="train_fraction"):
        compare(cells="place", decoders=ok, train_fraction=1.5, progress=False)
    with pytest.raises(TypeError, match="cv must be"):
        compare(cells="place", decoders=ok, cv="five", progress=False)
    # errors only the simulator can see come with its own message, before the tasks
    with pytest.raises(ValueError, match="needs a 2D environment"):
        compare(cells="boundary_vector", decoders=ok, n_cells=[9], minutes=0.5, progress=False,
                environment={"dimensionality": "1D"})
    with pytest.raises(ValueError, match="exactly 1 'speed' cell"):
        compare(cells="speed", decoders=ok, n_cells=[1, 5], minutes=0.5, progress=False)
    with pytest.raises(ValueError, match="max_fr must be a positive, finite number; got -1"):
        compare(cells="place", decoders=ok, n_cells=[9], minutes=0.5, max_fr=-1, progress=False)


def test_cli_compare_prints_the_table_and_writes_the_csv(tmp_path, capsys):
    argv = ["compare", "--cells", "place", "place:4+grid:5", "--decoders", "linear", "knn", "--n-cells", "9",
            "--seeds", "0", "1", "--minutes", "1", "--noise", "poisson", "--max-fr", "10", "--out",
            str(tmp_path), "--quiet"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "| cells | n_cells | linear | knn | chance |" in out and "| place:4+grid:5 | 9 |" in out
    assert str(tmp_path / "results.csv") in out and "8 rows (0 failed)" in out
    table = ComparisonTable.from_csv(tmp_path / "results.csv")
    assert len(table) == 8 and np.all(table["error_cm"] < 60)
    assert main(["compare", "--decoders", "svm", "--out", str(tmp_path), "--quiet"]) == 2
    assert "--decoders: unknown decoder name(s) ['svm']" in capsys.readouterr().err
    assert main(["compare", "--cells", "place:x", "--decoders", "linear", "--out", str(tmp_path)]) == 2
    assert "--cells 'place:x': write mixtures as name:count+name:count" in capsys.readouterr().err


def test_top_level_name():
    assert placedecode.compare is compare


# --------------------------------------------------------------------------- edges
@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if anything is simulated: bad input must be refused before any work."""
    def refuse(**kwargs):
        raise AssertionError("simulated before the arguments were checked")

    monkeypatch.setattr(placedecode.sim, "simulate_trajectory", refuse)


def test_every_error_names_the_argument_the_user_passed(tmp_path, no_simulation):
    ok = dict(cells="place", decoders={"linear": LinearRegressor()}, progress=False)
    with pytest.raises(ValueError, match=r"dt=100 s gives 1 time bin\(s\) in minutes=1 .*smaller dt"):
        compare(minutes=1, dt=100, **ok)  # not "an empty train/test split"
    with pytest.raises(ValueError, match=r"dt must be a positive, finite number; got inf"):
        compare(dt=float("inf"), **ok)
    with pytest.raises(ValueError, match=r"minutes must be a positive, finite number; got nan"):
        compare(minutes=float("nan"), **ok)
    with pytest.raises(TypeError, match=r"minutes must be a positive number; got str"):
        compare(minutes="10", **ok)
    with pytest.raises(ValueError, match=r"seeds must hold ints in \[0, 2\*\*32\)"):
        compare(seeds=[10**20], **ok)  # not "random_state must be ..."
    with pytest.raises(ValueError, match=r"cv=1 cannot split the 6000 time bins: n_splits must be >= 2"):
        compare(cv=1, **ok)
    with pytest.raises(ValueError, match=r"train_fraction must be a float in \(0, 1\); got nan"):
        compare(train_fraction=float("nan"), **ok)
    with pytest.raises(TypeError, match="backend must be None or a joblib backend name"):
        compare(backend=3, **ok)
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ValueError, match=r"out '.*a-file' is a file, not a folder"):
        compare(out=tmp_path / "a-file", **ok)
    with pytest.raises(ValueError, match=r"out '.*a-file/sweep' cannot be created: '.*a-file' is a file"):
        compare(out=tmp_path / "a-file" / "sweep", **ok)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # nothing written


def test_an_unknown_backend_is_named_before_any_work(no_simulation):
    with pytest.raises(ValueError, match=r"backend=.nope. cannot be used here: Invalid backend: nope"):
        compare(cells="place", decoders={"linear": LinearRegressor()}, backend="nope", progress=False)


def test_the_results_log_tolerates_any_bytes(tmp_path, counting):
    kwargs = dict(cells=["place"], n_cells=[4, 9, 16], seeds=[0], minutes=1, progress=False, out=tmp_path)
    first = compare(decoders={"mean": Counting()}, **kwargs)
    assert counting.fits == 3
    log = tmp_path / "results.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    damaged = (lines[0]
               + lines[1][:20] + b"\xff\xfe" + lines[1][20:]  # a stray non-UTF-8 byte inside a row
               + b"\x00" * 64 + b"\n"                         # NUL bytes, as a crash can leave
               + b'{"key": 5}\n[1, 2]\n"text"\n'               # valid JSON, but not a row
               + b'{"key": "abc", "n_cells": "many", "error": ""}\n'  # a row with a wrong type
               + lines[2])
    log.write_bytes(damaged)
    with pytest.warns(RuntimeWarning, match=r"Ignored 6 unreadable line\(s\) in .*results.jsonl \(line 2, 3, 4, "
                                            r"5, 6, 7: damaged"):
        again = compare(decoders={"mean": Counting()}, **kwargs)
    assert counting.fits == 4  # only the task whose line was damaged ran again
    same_numbers(first, again)
    with pytest.warns(RuntimeWarning, match="Ignored 6 unreadable line"):  # resumes again, nothing lost
        compare(decoders={"mean": Counting()}, **kwargs)
    assert counting.fits == 4


def test_chance_level_is_predicting_the_training_mean_per_fold():
    from sklearn.neighbors import KNeighborsRegressor

    table = compare(cells=["place", "head_direction"], decoders={"knn": KNeighborsRegressor(),
                                                                "mean": DummyRegressor()},
                    n_cells=[16], seeds=[0, 1], cv=2, minutes=1, progress=False)
    mean = table.where(decoder="mean")
    np.testing.assert_allclose(mean["chance_error_cm"], mean["error_cm"], rtol=1e-12)
    chance = table["chance_error_cm"]
    assert np.all((chance > 20) & (chance < 80))  # cm, a 1 m box
    assert len({(s, f): c for s, f, c in zip(table["seed"], table["fold"], chance)}) == 4  # one per fold
    place = table.where(cells="place", decoder="knn")
    assert np.all(place["error_cm"] < 0.7 * place["chance_error_cm"])  # place cells carry position
    summary = table.summary()
    assert "chance_error_cm_mean" in summary.columns
    lines = table.to_markdown().splitlines()
    assert lines[0] == "| cells | n_cells | knn | mean | chance |"
    chance_place = np.mean([np.mean(table.where(cells="place", seed=s, decoder="knn")["chance_error_cm"])
                            for s in (0, 1)])
    assert lines[2].endswith(f"| {chance_place:.1f} |")
    assert "chance: the error of always predicting the training bins' mean position" in lines[-1]
    assert "chance" in table.to_markdown(layout="long").splitlines()[0]
    assert "chance" not in table.to_markdown(value="r2").splitlines()[0]


WORKER_SCRIPT = """
import os, sys, time
from pathlib import Path
import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from placedecode.experiments import compare

class Sleepy(RegressorMixin, BaseEstimator):
    def __init__(self, folder=""):
        self.folder = folder

    def fit(self, X, y):
        Path(self.folder, f"worker-{os.getpid()}").write_text("fitting")
        time.sleep(300)
        return self

    def predict(self, X):
        return np.zeros((len(X), 2))

compare(cells="place", decoders={"sleepy": Sleepy(sys.argv[1])}, n_cells=[4, 9], seeds=[0], minutes=0.5,
        n_jobs=2, progress=False)
"""


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def test_workers_die_with_their_parent(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    if not os.path.isdir("/proc"):
        pytest.skip("needs /proc to tell an exited worker from a running one")
    pids = []
    with subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, str(tmp_path)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as parent:
        try:
            deadline = time.monotonic() + 120
            while len(pids) < 2 and time.monotonic() < deadline and parent.poll() is None:
                time.sleep(0.1)
                pids = [int(p.name.split("-")[1]) for p in tmp_path.glob("worker-*")]
            assert len(pids) == 2, "the two workers did not start fitting"
            parent.send_signal(signal.SIGKILL)
            parent.wait(timeout=30)
            deadline = time.monotonic() + 20
            while any(_running(p) for p in pids) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not [p for p in pids if _running(p)], "a worker outlived the sweep's process"
        finally:
            for pid in pids:
                if _running(pid):
                    os.kill(pid, signal.SIGKILL)


def test_compare_refuses_a_sweep_that_cannot_fit_in_memory(tmp_path):
    """Hours at a tiny dt are refused before any simulation, naming the estimate and the levers."""
    import time

    import placedecode as pdc

    start = time.perf_counter()
    with pytest.raises(MemoryError, match=r"GiB.*(minutes|dt)") as info:
        pdc.compare(cells="place", decoders=pdc.presets.make_decoders(["linear"]), n_cells=[2000],
                    seeds=[0, 1], minutes=600, dt=0.0005, out=tmp_path / "sweep", progress=False)
    assert isinstance(info.value, pdc.sim.InsufficientMemoryError)
    assert "compare(" in str(info.value) and "n_cells" in str(info.value)
    assert time.perf_counter() - start < 30
    assert not (tmp_path / "sweep" / "results.jsonl").exists()
