"""The command line: help, the demo end to end (small), and every user error as one line, exit code 2."""

import os
import shutil
import subprocess
import sys

import pytest

import placedecode
from placedecode.cli import main
from shared_data import SHARED_DATA, needs_tampuu


def placedecode_cmd(*args):
    exe = shutil.which("placedecode")
    return [exe, *args] if exe else [sys.executable, "-m", "placedecode.cli", *args]


def run_cli(*args, cwd=None):
    return subprocess.run(placedecode_cmd(*args), capture_output=True, text=True, timeout=300, cwd=cwd)


def table_rows(out: str, names) -> dict:
    return {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.split()[:1] and
            line.split()[0] in names}


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if anything is simulated: bad options must be refused before any work."""
    def refuse(**kwargs):
        raise AssertionError("simulated before the options were checked")

    monkeypatch.setattr(placedecode.sim, "simulate_trajectory", refuse)


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0 and "demo" in result.stdout and "figures" in result.stdout


def test_demo_decodes_and_writes_figures(tmp_path, capsys):
    rc = main(["demo", "--minutes", "5", "--out", str(tmp_path), "--quiet"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "25 place cells" in out and "train: first 2400 samples" in out and "test: last 600" in out
    names = ("linear-tutorial", "linear", "numpy", "torch", "bayes", "(chance)")
    rows = table_rows(out, names)
    assert set(rows) == set(names)
    chance = float(rows.pop("(chance)")[0])
    assert 40 < chance < 65  # predicting the mean position in a 1 m box
    for name, (mean_cm, median_cm, fit_s) in rows.items():
        assert 0 < float(median_cm) and 0 < float(mean_cm) < 20, name
    for name in ("recording.png", "decoded.png"):
        assert (tmp_path / name).stat().st_size > 10_000
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_demo_shows_progress_during_the_fits(tmp_path, capsys):
    assert main(["demo", "--minutes", "1", "--decoders", "linear", "numpy", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "Fitting decoders" in err and "2/2" in err  # the bar over the decoders
    assert "NumpyMLPRegressor" in err  # and the network's own epoch bar


def test_demo_digits_classifies(tmp_path, capsys):
    rc = main(["demo", "--task", "digits", "--out", str(tmp_path), "--quiet", "--decoders", "linear", "numpy"])
    out = capsys.readouterr().out
    assert rc == 0
    acc = {line.split()[0]: float(line.split()[1]) for line in out.splitlines() if line.startswith(("linear", "numpy"))}
    # chance is 10 %; least squares scores 94.2 % (as scikit-learn's RidgeClassifier does)
    assert acc["linear"] > 90 and acc["numpy"] > 95
    assert (tmp_path / "digits_confusion.png").exists()


@needs_tampuu
def test_demo_decodes_a_real_rat_from_the_data_folder(tmp_path, capsys):
    rc = main(["demo", "--task", "real", "--data", str(SHARED_DATA), "--decoders", "linear", "bayes",
               "--out", str(tmp_path), "--quiet"])
    out = capsys.readouterr().out
    assert rc == 0 and "rat R2192" in out and "63 units" in out
    rows = table_rows(out, ("linear", "bayes", "(chance)"))
    assert float(rows["linear"][0]) < float(rows["(chance)"][0]) < 50  # cm
    assert (tmp_path / "decoded.png").stat().st_size > 10_000


# ----------------------------------------------------------------------------- user errors
def test_user_errors_end_in_one_line_naming_the_option(tmp_path):
    """As a user meets them: a fresh process, exit code 2, no traceback, nothing written."""
    (tmp_path / "a-file").write_text("x")
    cases = [
        (["demo", "--minutes", "inf"], "argument --minutes: must be a finite number; got 'inf'"),
        (["compare", "--n-cells", "-3"], "argument --n-cells: must be >= 1; got '-3'"),
        (["demo", "--out", str(tmp_path / "a-file")], f"--out '{tmp_path / 'a-file'}' is a file, not a folder"),
        (["compare", "--decoders", "svm"], "--decoders: unknown decoder name(s) ['svm']; choose from linear"),
    ]
    for args, expected in cases:
        result = run_cli(*args, cwd=tmp_path)
        last = result.stderr.strip().splitlines()[-1]
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr and expected in last, (args, result.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.parametrize("args, expected", [
    (["demo", "--minutes", "nan"], "argument --minutes: must be a finite number; got 'nan'"),
    (["demo", "--dt", "-0.1"], "argument --dt: must be a number > 0; got '-0.1'"),
    (["demo", "--seed", str(2**40)], "argument --seed: must be between 0 and 4294967295"),
    (["demo", "--n-cells", "ten"], "argument --n-cells: must be a whole number; got 'ten'"),
    (["compare", "--seeds", "-1"], "argument --seeds: must be between 0 and 4294967295"),
    (["compare", "--cv", "1"], "argument --cv: must be >= 2"),
    (["compare", "--max-fr", "inf"], "argument --max-fr: must be a finite number"),
    (["compare", "--noise", "loud"], "argument --noise: must be 'poisson', 'none' or a Gaussian std"),
    (["compare", "--n-jobs", "0"], "argument --n-jobs: must be a positive number of workers or -1"),
    (["demo", "--task", "maze"], "argument --task: invalid choice: 'maze'"),
])
def test_malformed_numbers_and_choices_are_refused_as_they_are_parsed(args, expected, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2 and expected in capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize("args, expected", [
    (["demo", "--cells", "pyramidal"], "--cells: unknown cell type 'pyramidal'; known cell types: place"),
    (["demo", "--decoders", "svm"], "--decoders: unknown decoder name(s) ['svm']"),
    (["demo", "--task", "digits", "--decoders", "bayes"], "--decoders: unknown decoder name(s) ['bayes']"),
    (["demo", "--minutes", "0.001"], "--minutes 0.001 at --dt 0.1 s gives 1 time bin(s); at least 10"),
    (["demo", "--data", "."], "--data is read by --task real only"),
    (["demo", "--task", "real", "--data", "/no/such/folder"], "--data '/no/such/folder' is not an existing folder"),
    (["compare", "--cells", "place", "pyramidal"], "--cells: unknown cell type 'pyramidal'"),
    (["compare", "--cells", "place:x"], "--cells 'place:x': write mixtures as name:count+name:count"),
    (["compare", "--decoders", "linear", "linear"], "--decoders lists a decoder twice"),
    (["compare", "--minutes", "1", "--dt", "100"], "--minutes 1 at --dt 100 s gives 1 time bin(s)"),
    (["figures", "--only", "nope"], "--only: unknown figure family 'nope'; choose from data, linear"),
])
def test_names_and_values_are_checked_before_any_work(args, expected, capsys, tmp_path, no_simulation):
    assert main([*args, "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert expected in err[-1] and err[-1].startswith(f"placedecode {args[0]}: error: ")
    assert not (tmp_path / "out").exists()


def test_output_folders_are_checked_before_any_work(tmp_path, capsys, monkeypatch, no_simulation):
    (tmp_path / "a-file").write_text("x")
    for command in ("demo", "compare", "figures"):
        assert main([command, "--out", str(tmp_path / "a-file" / "sub"), "--quiet"]) == 2
        assert f"--out '{tmp_path / 'a-file' / 'sub'}' cannot be created" in capsys.readouterr().err
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(locked) else real(p, mode))
    assert main(["compare", "--out", str(locked / "sweep"), "--quiet"]) == 2
    assert "is not writable" in capsys.readouterr().err and not (locked / "sweep").exists()


def test_a_library_error_becomes_one_line(tmp_path, capsys):
    # only the simulator knows that a 2D box has exactly one speed cell: found after the trajectory
    rc = main(["compare", "--cells", "speed", "--n-cells", "5", "--decoders", "linear", "--seeds", "0",
               "--minutes", "0.2", "--out", str(tmp_path), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1
    assert err[0].startswith("placedecode compare: error: n_cells: a 2D environment has exactly 1 'speed'")


def test_a_diverged_network_is_one_line_too(tmp_path, capsys, monkeypatch):
    import placedecode._demo
    from placedecode.models import TrainingDivergedError

    def diverged(**kwargs):
        raise TrainingDivergedError("the loss became inf at epoch 3; lower learning_rate")

    monkeypatch.setattr(placedecode._demo, "run_demo", diverged)
    assert main(["demo", "--out", str(tmp_path), "--quiet"]) == 1
    assert capsys.readouterr().err.strip() == ("placedecode demo: error: the loss became inf at epoch 3; "
                                               "lower learning_rate")


def test_ctrl_c_ends_with_one_line_and_exit_code_130(tmp_path, capsys, monkeypatch):
    import placedecode._demo

    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(placedecode._demo, "run_demo", interrupted)
    assert main(["demo", "--out", str(tmp_path), "--quiet"]) == 130
    assert capsys.readouterr().err.strip() == "placedecode demo: interrupted."


# ----------------------------------------------------------------------------- figures
def test_figures_help_lists_the_families(capsys):
    from placedecode.figures import FIGURES

    with pytest.raises(SystemExit) as info:
        main(["figures", "--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0 and "--data" in out
    listed = [line.split()[0] for line in out.split("figure families (--only):")[1].strip().splitlines()]
    assert listed == list(FIGURES)
    assert "real            decoding real hippocampal recordings (Tampuu et al. 2019)." in out


def test_figures_data_points_the_families_at_a_folder(tmp_path, capsys, monkeypatch):
    import placedecode.figures

    seen = []

    def make_figures(out_dir=None, only=None, progress=True):  # no data_dir: the variable is set
        seen.append((os.environ.get("PLACEDECODE_DATA"), only))
        return []

    monkeypatch.delenv("PLACEDECODE_DATA", raising=False)
    monkeypatch.setattr(placedecode.figures, "make_figures", make_figures)
    assert main(["figures", "--data", str(tmp_path), "--only", "real", "--out", str(tmp_path / "f"), "--quiet"]) == 0
    assert seen == [(str(tmp_path), ["real"])] and "PLACEDECODE_DATA" not in os.environ

    def make_figures_with_data_dir(out_dir=None, only=None, progress=True, data_dir=None):
        seen.append(("data_dir", data_dir))
        return []

    monkeypatch.setattr(placedecode.figures, "make_figures", make_figures_with_data_dir)
    assert main(["figures", "--data", str(tmp_path), "--out", str(tmp_path / "f"), "--quiet"]) == 0
    assert seen[-1] == ("data_dir", tmp_path)
    assert "Wrote 0 figure(s)" in capsys.readouterr().out
