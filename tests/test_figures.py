"""The figure registry and the figure modules (fast runs on small data; the full run is slow)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

import placedecode as pd  # noqa: E402
from placedecode import figures  # noqa: E402
from placedecode.figures import animation, linear  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small_recording():
    """Stands in for the tutorial's 10-minute dataset: 2 minutes of 25 place cells."""
    return pd.simulate(cells="place", n_cells=25, minutes=2, dt=0.1, random_state=0, progress=False)


def test_registry_names_modules_captions_and_scripts():
    assert list(figures.FIGURES) == ["data", "linear", "training", "comparison", "animation", "classification", "real"]
    for name in figures.FIGURES:
        module = figures.family(name)
        assert module.NAME == name and callable(module.make) and module.FILES
        assert all(caption.strip() for caption in module.FILES.values())
        assert (ROOT / "scripts" / f"fig_{name}.py").is_file()
    assert set(figures.captions()) == {f for n in figures.FIGURES for f in figures.family(n).FILES}
    assert figures.default_out_dir() == ROOT / "figures"


def test_unknown_family_fails_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="unknown figure family 'nope'; known: data, linear"):
        figures.make_figures(out_dir=tmp_path, only=["data", "nope"])
    assert not any(tmp_path.iterdir())


def test_out_dir_must_be_a_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="must be a folder"):
        linear.make(tmp_path / "file", progress=False)


def test_linear_family_writes_its_files(tmp_path, monkeypatch, small_recording):
    monkeypatch.setattr(linear, "tutorial_recording", lambda progress=False: small_recording)
    written = linear.make(tmp_path, progress=False)
    assert [p.name for p in written] == list(linear.FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(linear.FILES)  # no temporary files
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in written)


def test_animation_family_with_a_tiny_budget(tmp_path, monkeypatch, small_recording):
    from PIL import Image

    monkeypatch.setattr(animation, "tutorial_recording", lambda progress=False: small_recording)
    written = animation.make(tmp_path, progress=False, epochs=(1, 2))
    assert [p.name for p in written] == list(animation.FILES)
    with Image.open(tmp_path / "learning_animation.gif") as gif:
        assert gif.n_frames > 1


def test_script_help_runs_from_a_fresh_interpreter():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fig_linear.py"), "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "--out" in result.stdout


@pytest.mark.slow
def test_every_family_regenerates_its_figures(tmp_path):
    written = figures.make_figures(out_dir=tmp_path, progress=False)
    available = [name for name in figures.FIGURES if figures.missing_data(name) is None]
    expected = sorted(figures.captions(available))
    assert sorted(p.name for p in written) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == expected
    assert all(p.stat().st_size > 10_000 for p in written)
