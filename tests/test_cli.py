"""The command line: help, the demo end to end (small), and error handling."""

import shutil
import subprocess
import sys

import pytest

from placedecode.cli import main


def test_help_lists_the_commands():
    exe = shutil.which("placedecode")
    cmd = [exe, "--help"] if exe else [sys.executable, "-m", "placedecode.cli", "--help"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "demo" in out and "figures" in out


def test_demo_decodes_and_writes_figures(tmp_path, capsys):
    rc = main(["demo", "--minutes", "5", "--out", str(tmp_path), "--quiet"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "25 place cells" in out and "train: first 2400 samples" in out and "test: last 600" in out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line[:6] in ("linear", "numpy ", "torch ")}
    assert set(rows) == {"linear", "linear+bias", "numpy", "torch"}
    for name, (mean_cm, median_cm, fit_s) in rows.items():
        assert 0 < float(median_cm) and 0 < float(mean_cm) < 20, name  # chance in a 1 m box is ~52 cm
    for name in ("recording.png", "decoded.png"):
        assert (tmp_path / name).stat().st_size > 10_000
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_demo_digits_classifies(tmp_path, capsys):
    rc = main(["demo", "--task", "digits", "--out", str(tmp_path), "--quiet", "--decoders", "linear", "numpy"])
    out = capsys.readouterr().out
    assert rc == 0
    acc = {line.split()[0]: float(line.split()[1]) for line in out.splitlines() if line.startswith(("linear", "numpy"))}
    # chance is 10 %; least squares scores 94.2 % (as scikit-learn's RidgeClassifier does)
    assert acc["linear"] > 90 and acc["numpy"] > 95
    assert (tmp_path / "digits_confusion.png").exists()


def test_bad_arguments_give_a_clear_error(tmp_path, capsys):
    assert main(["demo", "--cells", "pyramidal", "--out", str(tmp_path), "--quiet"]) == 2
    assert "unknown cell type 'pyramidal'" in capsys.readouterr().err
    assert main(["demo", "--decoders", "svm", "--out", str(tmp_path), "--quiet"]) == 2
    with pytest.raises(SystemExit):
        main(["demo", "--minutes", "-1"])
