"""Housekeeping: one definition of seeds, digests and atomic writes; a cache that never fails a run.

The trajectory cache is driven through the public API (``simulate_trajectory`` with a
private ``$PLACEDECODE_CACHE``); its files are damaged the way they get damaged in real
life: another user's permissions, a write killed mid-way, a truncated file, an old format.
"""

import gc
import json
import os
import signal
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

import placedecode as pdc
from placedecode import _hashing, _io
from placedecode.sim import _cache

SMALL = dict(minutes=0.2, dt=0.1, progress=False)  # 120 steps: a fraction of a second


# ----------------------------------------------------------------------------- seeds
def test_child_seeds_never_collide_by_concatenation():
    d = _hashing.derive_seed
    assert d(0, "ab", "c") != d(0, "a", "bc")
    assert d(0, 1) != d(0, "1")
    assert d(0, 1, 2) != d(0, 12) != d(0, "12")
    assert d(0, "record", "place", 25) != d(1, "record", "place", 25)
    seeds = {d(7, "decoder", "place", n, name, fold) for n in range(30) for name in ("a", "b") for fold in range(5)}
    assert len(seeds) == 300  # independent streams for every task of a sweep
    assert all(0 <= s < 2**32 for s in seeds)


def test_child_seeds_are_the_same_in_another_process():
    here = [_hashing.derive_seed(3, "record", "place:9+grid:4", 13), _hashing.derive_seed(2**40, "x")]
    code = ("from placedecode._hashing import derive_seed; "
            "print(derive_seed(3, 'record', 'place:9+grid:4', 13), derive_seed(2**40, 'x'))")
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert [int(s) for s in there] == here


def test_seed_keys_must_be_ints_or_strings():
    for bad in (0.5, True, None, (1, 2)):
        with pytest.raises(TypeError, match="keys must be ints or strings"):
            _hashing.derive_seed(0, bad)
    with pytest.raises(TypeError, match="seed must be a non-negative int"):
        _hashing.derive_seed(-1, "x")


def test_one_definition_is_used_everywhere():
    from placedecode.experiments import _compare
    from placedecode.sim import _environment, _random

    assert _random.derive_seed is _hashing.derive_seed is _compare.derive_seed
    assert _environment.digest is _hashing.digest is _compare.digest


# ----------------------------------------------------------------------------- digests
def test_digests_spell_each_value_one_way():
    digest = _hashing.digest
    assert digest({"dt": 0.1, "minutes": 2.0}) == digest({"minutes": 2.0, "dt": np.float64(0.1)})
    assert digest(0.1) != digest(float(np.nextafter(0.1, 1)))  # the next double is another value
    assert digest(2) != digest(2.0) and digest(1) != digest(True) and digest("1") != digest(1)
    assert digest([1, 2]) == digest((1, 2)) and digest({3, 1}) == digest({1, 3})
    assert digest(np.array([1.0, 2.0])) != digest(np.array([1, 2]))  # dtype is part of an array
    assert digest(np.array([1.0, 2.0])) == digest(np.array([1.0, 2.0]))
    assert digest(float("nan")) == digest(np.nan) != digest("nan")
    assert digest(float("inf")) != digest(float("-inf"))
    json.loads(_hashing.canonical_json({"x": [np.nan, np.inf]}))  # valid JSON: no bare NaN
    assert len(digest(None)) == 64


def test_estimators_and_environments_are_described_by_their_parameters():
    from placedecode.models import LinearRegressor

    digest = _hashing.digest
    assert digest(LinearRegressor(alpha=1.0)) == digest(LinearRegressor(alpha=1.0))
    assert digest(LinearRegressor(alpha=1.0)) != digest(LinearRegressor(alpha=2.0))
    from ratinabox.Environment import Environment

    assert digest(Environment({"scale": 1.0})) == digest(Environment({"scale": 1.0}))
    assert digest(Environment({"scale": 1.0})) != digest(Environment({"scale": 2.0}))


# ----------------------------------------------------------------------------- atomic writes
def test_a_failed_write_leaves_neither_target_nor_temporary(tmp_path):
    target = tmp_path / "table.csv"
    with pytest.raises(RuntimeError):
        with _io.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []
    with _io.atomic_path(target) as tmp:
        tmp.write_text("whole")
    assert target.read_text() == "whole" and [p.name for p in tmp_path.iterdir()] == ["table.csv"]
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_a_killed_writer_s_temporary_file_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "figure.png"
    script = ("import sys, time\nfrom placedecode._io import atomic_path\n"
              "with atomic_path(sys.argv[1]) as tmp:\n"
              "    tmp.write_bytes(b'half a figure')\n    print('writing', flush=True)\n    time.sleep(120)\n")
    with subprocess.Popen([sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, text=True) as writer:
        try:
            assert writer.stdout.readline().strip() == "writing"
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=30)
    (orphan,) = tmp_path.iterdir()  # SIGKILL: no chance to clean up
    assert orphan.name.startswith(".figure.png.") and orphan.name.endswith(".tmp.png") and not target.exists()

    young = tmp_path / ".figure.png.busywriter.tmp.png"  # another process, still writing
    young.write_bytes(b"in progress")
    with _io.atomic_path(target) as tmp:
        tmp.write_bytes(b"png")
    assert orphan.exists(), "an orphan younger than STALE_AFTER_S may belong to a live writer"

    old = time.time() - _io.STALE_AFTER_S - 60
    os.utime(orphan, (old, old))
    with _io.atomic_path(target) as tmp:
        tmp.write_bytes(b"png again")
    assert not orphan.exists() and young.exists() and target.read_bytes() == b"png again"


def test_output_folders_are_checked_without_creating_anything(tmp_path):
    (tmp_path / "file").write_text("x")
    assert _io.check_output_folder(tmp_path / "new" / "deeper", "out") == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()
    with pytest.raises(ValueError, match=r"out '.*file' is a file, not a folder"):
        _io.check_output_folder(tmp_path / "file", "out")
    with pytest.raises(ValueError, match=r"--out '.*file/sub' cannot be created: '.*file' is a file"):
        _io.check_output_folder(tmp_path / "file" / "sub", "--out")
    with pytest.raises(TypeError, match="out must be a folder path"):
        _io.check_output_folder(3, "out")


def test_an_unwritable_output_folder_is_refused(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() != 0:
        locked.chmod(0o500)
    else:  # root may write anywhere: stand in for the permission check
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(locked) else real(p, mode))
    try:
        with pytest.raises(ValueError, match=r"out '.*locked/results' is not writable .*locked.*permission"):
            _io.check_output_folder(locked / "results", "out")
    finally:
        locked.chmod(0o700)


# ----------------------------------------------------------------------------- the trajectory cache
@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLACEDECODE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "trajectories"


def _cached_file(folder):
    (path,) = folder.glob("trajectory-*.npz")
    assert path.name.startswith(f"trajectory-v{_cache.FORMAT}-")
    return path


def test_an_unreadable_cache_file_is_recomputed_with_a_warning(cache, monkeypatch):
    first = pdc.simulate_trajectory(random_state=11, **SMALL)
    path = _cached_file(cache)
    if os.geteuid() != 0:
        path.chmod(0o000)  # as another user's file would be
    else:  # root reads everything: make open() fail the way it would
        real_open = open

        def denied(file, *args, **kwargs):
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(_cache, "open", denied, raising=False)
    with pytest.warns(RuntimeWarning, match="Cannot read the trajectory cache file .*PermissionError"):
        again = pdc.simulate_trajectory(random_state=11, **SMALL)
    np.testing.assert_array_equal(again.position, first.position)


def test_a_truncated_cache_file_is_discarded_without_leaking_a_file_handle(cache):
    first = pdc.simulate_trajectory(random_state=12, **SMALL)
    path = _cached_file(cache)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = pdc.simulate_trajectory(random_state=12, **SMALL)
        gc.collect()
    messages = [f"{w.category.__name__}: {w.message}" for w in caught]
    assert not [m for m in messages if m.startswith("ResourceWarning")], messages
    assert any("Discarding unreadable trajectory cache file" in m for m in messages), messages
    np.testing.assert_array_equal(again.position, first.position)
    assert _cached_file(cache).stat().st_size == len(data)  # rewritten whole


def test_a_cache_file_of_another_format_is_ignored_not_misread(cache):
    first = pdc.simulate_trajectory(random_state=13, **SMALL)
    path = _cached_file(cache)
    with np.load(path) as data:
        arrays = {k: np.array(data[k]) for k in data.files}
    arrays["_format"] = np.array(1)  # what an older placedecode wrote, under the same name
    arrays["position"] = np.full_like(arrays["position"], 0.5)
    np.savez(path, **arrays)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning either: an old format is a plain miss
        again = pdc.simulate_trajectory(random_state=13, **SMALL)
    np.testing.assert_array_equal(again.position, first.position)
    with np.load(_cached_file(cache)) as data:
        assert int(data["_format"]) == _cache.FORMAT  # replaced by the current format


def test_cache_writes_clean_up_orphans_of_killed_writes(cache):
    cache.mkdir(parents=True)
    old = time.time() - _io.STALE_AFTER_S - 60
    orphans = [cache / ".tmp-abc123.npz", cache / ".trajectory-v2-0123.npz.x1y2.tmp.npz"]
    for orphan in orphans:
        orphan.write_bytes(b"PK")
        os.utime(orphan, (old, old))
    pdc.simulate_trajectory(random_state=14, **SMALL)
    assert sorted(p.name for p in cache.iterdir()) == [_cached_file(cache).name]


def test_an_unwritable_cache_only_warns(tmp_path, monkeypatch):
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    monkeypatch.setenv("PLACEDECODE_CACHE", str(tmp_path / "cache"))
    with pytest.warns(RuntimeWarning, match="Could not write the trajectory cache"):
        traj = pdc.simulate_trajectory(random_state=15, **SMALL)
    assert traj.position.shape == (2, 120)
