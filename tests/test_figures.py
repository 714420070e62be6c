"""The figure registry and the figure modules (quick versions; the full run is slow)."""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

from placedecode import figures  # noqa: E402
from placedecode.figures import animation, classification, comparison, linear  # noqa: E402
from shared_data import SHARED_DATA  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MNIST = SHARED_DATA / "mnist"
needs_mnist = pytest.mark.skipif(
    not (MNIST / "train-images-idx3-ubyte.gz").is_file(),
    reason=f"MNIST not found at {MNIST} (set $PLACEDECODE_TEST_DATA)",
)


def test_registry_names_modules_captions_and_scripts():
    assert list(figures.FIGURES) == ["data", "linear", "training", "comparison", "animation", "classification", "real"]
    for name in figures.FIGURES:
        module = figures.family(name)
        assert module.NAME == name and callable(module.make) and module.FILES
        assert all(caption.strip() for caption in module.FILES.values())
        assert (ROOT / "scripts" / f"fig_{name}.py").is_file()
    assert set(figures.captions()) == {f for n in figures.FIGURES for f in figures.family(n).FILES}
    assert figures.default_out_dir() == ROOT / "figures"
    assert figures.default_out_dir(small=True) == ROOT / "figures-small"  # quick versions never replace figures/
    with_fallback = figures.captions(fallback=True)
    assert set(with_fallback) - set(figures.captions()) == set(classification.FALLBACK_FILES)


def test_unknown_family_fails_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="unknown figure family 'nope'; known: data, linear"):
        figures.make_figures(out_dir=tmp_path, only=["data", "nope"])
    assert not any(tmp_path.iterdir())


def test_out_dir_must_be_a_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="must be a folder"):
        linear.make(tmp_path / "file", progress=False)


def test_linear_family_small_writes_its_files(tmp_path):
    written = figures.make_figures(out_dir=tmp_path, only=["linear"], progress=False, small=True)
    assert [p.name for p in written] == list(linear.FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(linear.FILES)  # no temporary files
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in written)


def test_animation_family_with_a_tiny_budget(tmp_path):
    from PIL import Image

    written = animation.make(tmp_path, progress=False, epochs=(1, 2), small=True)
    assert [p.name for p in written] == list(animation.FILES)
    with Image.open(tmp_path / "learning_animation.gif") as gif:
        assert gif.n_frames > 1


def test_classification_without_mnist_writes_the_digits_under_other_names(tmp_path, monkeypatch):
    import placedecode.datasets as datasets

    def offline(*args, **kwargs):
        raise datasets.DownloadError("no network here")

    monkeypatch.setattr(datasets, "load_mnist", offline)
    committed = tmp_path / "classification_confusion.png"
    committed.write_bytes(b"an MNIST figure made earlier")
    with pytest.warns(UserWarning, match="8 x 8 digits instead, written as classification_linear_weights_digits"):
        written = classification.make(tmp_path, progress=False, small=True)
    assert [p.name for p in written] == list(classification.FALLBACK_FILES)
    assert all(p.name.endswith("_digits.png") for p in written)
    assert committed.read_bytes() == b"an MNIST figure made earlier"  # never overwritten by other data
    assert all(caption.startswith("Offline stand-in for MNIST") for caption in classification.FALLBACK_FILES.values())


@needs_mnist
def test_classification_reads_mnist_from_data_dir(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no fallback warning
        written = figures.make_figures(tmp_path, only=["classification"], progress=False, small=True,
                                       data_dir=SHARED_DATA)
    assert [p.name for p in written] == list(classification.FILES)


def test_comparison_draws_the_chance_level_from_compare():
    """The figure's decoders are presets with their own colours; the chance line comes from compare's column."""
    import matplotlib.pyplot as plt

    from placedecode.experiments import compare
    from placedecode.plotting import decoder_color, plot_error_by_cell_type

    decoders = comparison.make_decoders()
    assert list(decoders) == ["linear", "knn-20", "numpy-small", "torch-small"]
    assert len({decoder_color(name) for name in decoders}) == len(decoders)
    table = compare(cells=["place", "head_direction"], decoders={"linear": decoders["linear"]}, n_cells=[9],
                    seeds=[0], minutes=1.0, progress=False)
    fig, ax = plot_error_by_cell_type(table, cell_types=["place", "head_direction"], decoders=["linear"])
    from placedecode.plotting._compare import CHANCE_LABEL

    lines = [c for c in ax.collections if c.get_label() == CHANCE_LABEL]
    assert lines, "no chance line drawn from the table's chance_error_cm column"
    chance = {c: float(np.mean(table.where(cells=c)["chance_error_cm"])) for c in ("place", "head_direction")}
    drawn = sorted(round(float(seg[0][1]), 6) for seg in lines[0].get_segments())
    assert drawn == sorted(round(v, 6) for v in chance.values())
    assert chance["place"] > 2 * float(np.mean(table.where(cells="place")["error_cm"]))
    plt.close(fig)


def test_script_help_lists_the_options_from_a_fresh_interpreter():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fig_linear.py"), "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "--out" in result.stdout and "--small" in result.stdout
    assert "--data" not in result.stdout  # simulated data: nothing to point to
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fig_real.py"), "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "--data" in result.stdout


def test_script_with_missing_data_fails_or_skips_as_asked(tmp_path, capsys):
    nowhere = tmp_path / "nowhere"
    assert figures.run_script("real", ["--data", str(nowhere), "--out", str(tmp_path / "out")]) == 2
    assert "error:" in capsys.readouterr().err
    assert figures.run_script("real", ["--data", str(nowhere), "--out", str(tmp_path / "out"), "--skip-missing"]) == 0
    captured = capsys.readouterr()
    assert "were not made" in captured.out and "PLACEDECODE_DATA" in captured.err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_comparison_family_small(tmp_path):
    written = comparison.make(tmp_path, progress=False, small=True)
    assert [p.name for p in written] == list(comparison.FILES)


@pytest.mark.slow
def test_every_family_regenerates_its_figures(tmp_path):
    written = figures.make_figures(out_dir=tmp_path, progress=False, data_dir=SHARED_DATA)
    available = [name for name in figures.FIGURES if figures.missing_data(name, SHARED_DATA) is None]
    names = sorted(p.name for p in written)
    expected = set(figures.captions(available, fallback=True))
    assert set(names) <= expected and set(figures.captions([n for n in available if n != "classification"])) <= set(names)
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    assert all(p.stat().st_size > 10_000 for p in written)
