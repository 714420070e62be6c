"""``placedecode demo``: the main job, end to end.

Positions (default): simulate the tutorial's recording, split it by time, fit every decoder
with its default settings, print a table of test errors and fit times, and write figures.
Digits (``--task digits``): the same models classify scikit-learn's bundled 8 x 8 digits.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np


def position_decoders(seed: int) -> dict:
    """The decoders the demo compares, each with default settings (the names used in tables)."""
    from .models import LinearRegressor, NumpyMLPRegressor, TorchMLPRegressor

    return {
        "linear": LinearRegressor(),
        "linear+bias": LinearRegressor(fit_intercept=True),
        "numpy": NumpyMLPRegressor(random_state=seed),
        "torch": TorchMLPRegressor(random_state=seed),
    }


def digit_classifiers(seed: int) -> dict:
    from .models import LinearClassifier, NumpyMLPClassifier, TorchMLPClassifier

    return {
        "linear": LinearClassifier(),
        "numpy": NumpyMLPClassifier(random_state=seed),
        "torch": TorchMLPClassifier(random_state=seed),
    }


def _select(models: dict, names) -> dict:
    if names is None:
        return models
    unknown = [n for n in names if n not in models]
    if unknown:
        raise ValueError(f"unknown decoder(s) {unknown}; choose from {sorted(models)}.")
    return {n: models[n] for n in names}


def _table(header: list[str], rows: list[list]) -> str:
    cells = [header] + [[f"{v:.2f}" if isinstance(v, float) else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in cells[1:]])


def _fit_all(models: dict, X_train, y_train, X_test, score, progress: bool):
    rows, outputs = [], {}
    for name, model in models.items():
        if progress:
            print(f"  fitting {name} ...", flush=True)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        pred = model.predict(X_test)
        outputs[name] = pred
        rows.append([name, *score(pred), fit_s])
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
) -> dict:
    """Run the demo; returns ``{"table": [...rows], "figures": [paths]}``."""
    out = Path(out)
    if task == "digits":
        return _run_digits(out, seed, decoders, progress)
    if task != "positions":
        raise ValueError(f"task must be 'positions' or 'digits'; got {task!r}.")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plotting
    from .metrics import decoding_error
    from .sim import simulate

    models = _select(position_decoders(seed), decoders)
    rec = simulate(cells=cells, n_cells=n_cells, minutes=minutes, dt=dt, random_state=seed, progress=progress)
    train, test = rec.split(0.8)
    print(
        f"placedecode demo: {rec.n_cells} {cells} cells, {rec.duration / 60:.3g} min at dt={dt:g} s "
        f"({rec.n_samples} samples, {rec.n_dims}D), seed {seed}\n"
        f"  train: first {train.n_samples} samples ({train.duration / 60:.3g} min); "
        f"test: last {test.n_samples} samples ({test.duration / 60:.3g} min)"
    )

    def score(pred):
        err = decoding_error(test.y, pred, reduce=None)
        return [float(np.mean(err)), float(np.median(err))]

    rows, predictions = _fit_all(models, train.X, train.y, test.X, score, progress)
    print()
    print(_table(["decoder", "mean error (cm)", "median error (cm)", "fit time (s)"], rows))

    paths = []
    with plotting.style():
        fig = plt.figure(figsize=(11, 4.2), layout="constrained")
        left, right = fig.subfigures(1, 2, width_ratios=[1, 1.6])
        plotting.plot_trajectory(rec.y, t=rec.t, window=(0, min(rec.duration, 120.0)),
                                 environment=rec.environment, fig=left, ax=left.subplots())
        spread = np.linspace(0, rec.n_cells - 1, min(6, rec.n_cells)).round().astype(int)
        plotting.plot_rate_maps(rec, spread, ncols=3, fig=right)
        paths.append(plotting.save_figure(fig, out / "recording.png", close=True))

        fig, _ = plotting.plot_decoders(test, predictions, window=(test.t[0], test.t[0] + 60.0))
        paths.append(plotting.save_figure(fig, out / "decoded.png", close=True))
    print(f"\nFigures written to {out.resolve()}/: " + ", ".join(p.name for p in paths))
    return {"table": rows, "figures": paths}


def _run_digits(out: Path, seed: int, decoders, progress: bool) -> dict:
    import matplotlib

    matplotlib.use("Agg")

    from . import plotting
    from .datasets import load_digits

    X_train, y_train = load_digits("train")
    X_test, y_test = load_digits("test")
    models = _select(digit_classifiers(seed), decoders)
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
