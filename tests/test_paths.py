"""One rule for where data sets are found, used by the loaders, the figures, the tests and the CLI."""

import os
from pathlib import Path

import pytest

from placedecode import _paths
from placedecode.datasets import get_data_home, load_tampuu2019
from shared_data import SHARED_DATA, TAMPUU, needs_tampuu

FOLDER = "tampuu2019-openfield-2d"


@pytest.fixture
def no_env(tmp_path, monkeypatch):
    monkeypatch.delenv("PLACEDECODE_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home" / ".cache" / "placedecode" / "data"


def test_default_search_is_the_home_folder_then_the_checkout_s_shared_data(no_env):
    assert get_data_home() == no_env
    roots = _paths.data_roots()
    assert roots[0] == no_env
    shared = _paths.checkout_data_dir()
    assert shared == Path(__file__).resolve().parents[2] / "shared" / "data"  # this is a source checkout
    assert roots[1:] == ([shared] if shared.is_dir() else [])
    assert _paths.dataset_folders(FOLDER, groups=("hippocampus",))[:2] == [no_env / FOLDER,
                                                                           no_env / "hippocampus" / FOLDER]


def test_a_named_folder_is_the_only_one_searched(no_env, tmp_path, monkeypatch):
    named = tmp_path / "mine"
    assert _paths.data_roots(named) == [named]
    assert _paths.dataset_folders("mnist", named) == [named / "mnist", named]
    assert _paths.dataset_folders("mnist", named / "MNIST") == [named / "MNIST", named / "MNIST" / "mnist"]
    monkeypatch.setenv("PLACEDECODE_DATA", str(named))
    assert _paths.data_roots() == [named] and get_data_home() == named
    assert _paths.data_roots(tmp_path / "other") == [tmp_path / "other"]  # root= still wins


def test_data_folder_sets_the_variable_for_the_block_only(no_env, tmp_path):
    with _paths.data_folder(tmp_path):
        assert os.environ["PLACEDECODE_DATA"] == str(tmp_path) and _paths.data_roots() == [tmp_path]
    assert "PLACEDECODE_DATA" not in os.environ
    os.environ["PLACEDECODE_DATA"] = "/somewhere"
    with _paths.data_folder(tmp_path):
        pass
    assert os.environ["PLACEDECODE_DATA"] == "/somewhere"


def test_the_tests_shared_data_is_the_checkout_s():
    if not os.environ.get("PLACEDECODE_TEST_DATA"):
        assert SHARED_DATA == _paths.checkout_data_dir()


@needs_tampuu
def test_loaders_find_the_shared_data_without_being_told(no_env):
    if not TAMPUU.is_relative_to(_paths.checkout_data_dir()):
        pytest.skip("PLACEDECODE_TEST_DATA points elsewhere than the checkout's shared data")
    rec = load_tampuu2019("R2217")  # no root, no variable: the checkout's ../shared/data
    assert rec.n_cells == 26 and rec.n_samples == 7510


def test_a_missing_data_set_lists_every_folder_searched(tmp_path, monkeypatch):
    monkeypatch.setenv("PLACEDECODE_DATA", str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError) as info:
        load_tampuu2019("R2192")
    message = str(info.value)
    for folder in (tmp_path / "empty" / FOLDER, tmp_path / "empty" / "hippocampus" / FOLDER):
        assert str(folder) in message
    assert str(_paths.checkout_data_dir()) not in message  # the variable replaces the default search
