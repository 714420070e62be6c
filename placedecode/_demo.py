"""``placedecode demo``: the main job, end to end.

Positions (default): simulate the tutorial's recording, split it by time, fit every decoder
with its default settings, print a table of test errors and fit times, and write figures.
Digits (``--task digits``): the same models classify scikit-learn's bundled 8 x 8 digits.
Real (``--task real``): the same decoders on a real rat (Tampuu et al. 2019), read from the
data folder (``--data DIR``, else the search of :mod:`placedecode._paths`).

The decoders are named presets (:mod:`placedecode.presets`), so "linear" here is the
"linear" of ``compare``, the command line and the figures.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

#: Decoders the demo fits by default, per task (names of :data:`placedecode.presets.PRESETS`).
DEFAULT_DECODERS = {
    "positions": ("linear-tutorial", "linear", "numpy", "torch", "bayes"),
    "digits": ("linear", "numpy", "torch"),
    "real": ("linear", "bayes", "numpy", "torch"),
}
TASKS = tuple(DEFAULT_DECODERS)
#: The rat of ``--task real``.
REAL_RAT = "R2192"


def demo_decoders(task: str, names=None, seed: int = 0) -> dict:
    """The demo's unfitted decoders for ``task``: ``names`` (default :data:`DEFAULT_DECODERS`)."""
    from .presets import make_decoders

    kind = "classification" if task == "digits" else "regression"
    return make_decoders(DEFAULT_DECODERS[task] if names is None else names, random_state=seed, task=kind)


def _table(header: list[str], rows: list[list]) -> str:
    cells = [header] + [[f"{v:.2f}" if isinstance(v, float) else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in cells[1:]])


def _fit_all(models: dict, X_train, y_train, X_test, score, progress: bool):
    """Fit and score each model, with a bar over the models (and the networks' own epoch bars)."""
    from tqdm.auto import tqdm

    rows, outputs = [], {}
    with tqdm(total=len(models), desc="Fitting decoders", unit="decoder", disable=not progress,
              mininterval=0.5) as bar:
        for name, model in models.items():
            bar.set_postfix_str(name)
            if progress and "verbose" in model.get_params(deep=False):
                model.set_params(verbose=True)  # the networks' per-epoch progress bars
            start = time.perf_counter()
            model.fit(X_train, y_train)
            fit_s = time.perf_counter() - start
            pred = model.predict(X_test)
            outputs[name] = pred
            rows.append([name, *score(pred), fit_s])
            bar.update()
    return rows, outputs


def run_demo(
    task: str = "positions",
    out: Path | str = "placedecode-output",
    cells: str = "place",
    n_cells: int = 25,
    minutes: float = 10.0,
    dt: float = 0.1,
    seed: int = 0,
    decoders=None,
    progress: bool = True,
    data=None,
) -> dict:
    """Run the demo; returns ``{"table": [...rows], "figures": [paths]}``.

    Parameters
    ----------
    task : {"positions", "digits", "real"}, default="positions"
    out : str or Path, default="placedecode-output"
        Folder for the figures (checked before any work).
    cells, n_cells, minutes, dt, seed
        The simulated recording (``task="positions"``): cell type, number of cells,
        duration in minutes, time bin in seconds, seed of simulation and decoders.
    decoders : list of str, optional
        Preset names (default: :data:`DEFAULT_DECODERS` of the task).
    progress : bool, default=True
        Progress bars over the simulation and the fits.
    data : str or Path, optional
        ``task="real"``: the folder holding the recordings (or a parent of it).
    """
    from ._io import check_output_folder

    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}; got {task!r}.")
    out = check_output_folder(out, "out")
    models = demo_decoders(task, decoders, seed)
    if task == "digits":
        return _run_digits(out, seed, models, progress)
    if task == "real":
        return _run_real(out, models, progress, data)

    from .sim import simulate

    rec = simulate(cells=cells, n_cells=n_cells, minutes=minutes, dt=dt, random_state=seed, progress=progress)
    train, test = rec.split(0.8)
    print(
        f"placedecode demo: {rec.n_cells} {cells} cells, {rec.duration / 60:.3g} min at dt={dt:g} s "
        f"({rec.n_samples} samples, {rec.n_dims}D), seed {seed}\n"
        f"  train: first {train.n_samples} samples ({train.duration / 60:.3g} min); "
        f"test: last {test.n_samples} samples ({test.duration / 60:.3g} min)"
    )
    rows, paths = _decode_and_draw(rec, train, test, models, out, progress)
    return {"table": rows, "figures": paths}


def _decode_and_draw(rec, train, test, models, out, progress):
    """Fit, print the error table (with the chance level), draw the recording and decoded paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plotting
    from .metrics import decoding_error

    def score(pred):
        err = decoding_error(test.y, pred, reduce=None)
        return [float(np.mean(err)), float(np.median(err))]

    rows, predictions = _fit_all(models, train.X, train.y, test.X, score, progress)
    chance = score(np.broadcast_to(np.mean(train.y, axis=0), test.y.shape))
    print()
    print(_table(["decoder", "mean error (cm)", "median error (cm)", "fit time (s)"],
                 rows + [["(chance)", *chance, "-"]]))
    print("(chance: always predicting the training set's mean position)")

    paths = []
    with plotting.style():
        fig = plt.figure(figsize=(11, 4.2), layout="constrained")
        left, right = fig.subfigures(1, 2, width_ratios=[1, 1.6])
        plotting.plot_trajectory(rec.y, t=rec.t, window=(rec.t[0], rec.t[0] + min(rec.duration, 120.0)),
                                 environment=rec.environment, fig=left, ax=left.subplots())
        spread = np.linspace(0, rec.n_cells - 1, min(6, rec.n_cells)).round().astype(int)
        plotting.plot_rate_maps(rec, spread, ncols=3, fig=right)
        paths.append(plotting.save_figure(fig, out / "recording.png", close=True))

        fig, _ = plotting.plot_decoders(test, predictions, window=(test.t[0], test.t[0] + 60.0))
        paths.append(plotting.save_figure(fig, out / "decoded.png", close=True))
    print(f"\nFigures written to {out.resolve()}/: " + ", ".join(p.name for p in paths))
    return rows, paths


def _run_real(out: Path, models: dict, progress: bool, data) -> dict:
    from .datasets import load_tampuu2019

    rec = load_tampuu2019(REAL_RAT, root=data)
    train, test = rec.split(0.8)
    print(
        f"placedecode demo --task real: rat {REAL_RAT} (Tampuu et al. 2019), {rec.n_cells} units, "
        f"{rec.duration / 60:.3g} min in {rec.dt:g}-s bins (spike counts)\n"
        f"  train: first {train.n_samples} bins; test: last {test.n_samples} bins"
    )
    rows, paths = _decode_and_draw(rec, train, test, models, out, progress)
    return {"table": rows, "figures": paths}


def _run_digits(out: Path, seed: int, models: dict, progress: bool) -> dict:
    import matplotlib

    matplotlib.use("Agg")

    from . import plotting
    from .datasets import load_digits

    X_train, y_train = load_digits("train")
    X_test, y_test = load_digits("test")
    print(
        f"placedecode demo --task digits: scikit-learn's 8x8 digits, {len(X_train)} train / "
        f"{len(X_test)} test images, seed {seed}"
    )
    rows, predictions = _fit_all(
        models, X_train, y_train, X_test, lambda pred: [100.0 * float(np.mean(pred == y_test))], progress
    )
    print()
    print(_table(["classifier", "test accuracy (%)", "fit time (s)"], rows))
    best = max(rows, key=lambda r: r[1])[0]
    with plotting.style():
        fig, _ = plotting.plot_confusion_matrix(y_test, predictions[best])
        fig.suptitle(f"{best} classifier on digits")
        path = plotting.save_figure(fig, out / "digits_confusion.png", close=True)
    print(f"\nFigures written to {out.resolve()}/: {path.name}")
    return {"table": rows, "figures": [path]}
