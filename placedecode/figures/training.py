"""Figure family "training": the NumPy and torch networks with default settings.

Both networks train on the first 80 % of the tutorial's dataset and are tested on the
last 20 %. The NumPy network holds out the last 10 % of its block for early stopping; the
torch network (no early stopping by default) trains on all of it. This family fits
two networks and takes one to three minutes on two CPU cores.
"""

from __future__ import annotations

from pathlib import Path

from ._common import SEED, first_seconds, resolve_out_dir, save, steps, tutorial_recording

NAME = "training"

FILES = {
    "training_curves.png": "Training error per epoch of the NumPy and torch networks (log scale), "
    "with the linear decoders' test errors as dotted reference lines. Both networks train on the "
    "whole training block by default (no validation slice: the end of a recording is a poor proxy "
    "for its test block), so there is no validation curve.",
    "training_decoders.png": "The first minute of the test set decoded by the linear decoder (with "
    "bias), the hand-coded NumPy network and the torch network.",
    "training_error_over_time.png": "Decoding error (cm, 1 s moving average, log scale) over the "
    "whole test set for the three decoders.",
    "training_error_by_position.png": "Mean test error (cm) by position (10 cm bins) for the three "
    "decoders, on one logarithmic colour scale; hatched bins were not visited in the test set.",
    "training_hidden_weights.png": "First-layer weights of the four hidden units with the largest "
    "weight norm, drawn at the place-cell centres (NumPy network on top, torch below).",
}


def fit_networks(train, progress: bool = False) -> dict:
    """The NumPy and torch regressors with default settings, seed :data:`SEED`, fitted on ``train``."""
    from ..presets import make_decoders

    return {name: model.set_params(verbose=progress).fit(train.X, train.y)
            for name, model in make_decoders(["numpy", "torch"], random_state=SEED).items()}


def make(out_dir=None, progress: bool = True, small: bool = False) -> list[Path]:
    """Train both networks on the tutorial's dataset and draw the training figures.

    Parameters
    ----------
    out_dir : str or Path, optional
        Output folder (default: :func:`~placedecode.figures.default_out_dir`).
    progress : bool, default=True
        tqdm progress bars.
    small : bool, default=False
        Quick version: 3 minutes of the tutorial's recording instead of 10 (the networks
        keep their default settings).

    Returns
    -------
    list of Path
        The files written, in the order of :data:`FILES`.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from ..metrics import decoding_error
    from ..plotting import (
        plot_decoders,
        plot_error_by_position,
        plot_error_over_time,
        plot_training_curves,
        plot_weight_maps,
        style,
    )
    from ..presets import make_decoders

    out = resolve_out_dir(out_dir, small)
    written = []
    with steps(len(FILES) + 1, "figures: training", progress) as bar, style():
        bar.set_postfix_str("training the networks")
        rec = tutorial_recording(small=small)
        train, test = rec.split(0.8)
        linear = {name: model.fit(train.X, train.y)
                  for name, model in make_decoders(["linear-tutorial", "linear"]).items()}
        networks = fit_networks(train, progress=progress)
        bar.update()
        bar.set_postfix_str("drawing")

        references = {name: decoding_error(test.y, m.predict(test.X)) for name, m in linear.items()}
        fig, ax = plot_training_curves(networks, references=references)
        ax.set_title("training curves (tutorial dataset, default settings)")
        written.append(save(fig, out, "training_curves.png"))
        bar.update()

        predictions = {"linear": linear["linear"].predict(test.X)}
        predictions.update({name: m.predict(test.X) for name, m in networks.items()})
        fig, _ = plot_decoders(test, predictions, window=first_seconds(test, 60))
        written.append(save(fig, out, "training_decoders.png"))
        bar.update()

        fig, _ = plot_error_over_time(test, predictions, smooth=1.0, logy=True)
        written.append(save(fig, out, "training_error_over_time.png"))
        bar.update()

        errors = {name: decoding_error(test.y, pred, reduce=None) for name, pred in predictions.items()}
        low = min(float(np.percentile(e, 5)) for e in errors.values())
        high = max(float(e.max()) for e in errors.values())
        fig, axes = plt.subplots(1, 3, figsize=(13.2, 4.0), layout="constrained")
        for (name, pred), ax in zip(predictions.items(), axes):
            # one logarithmic colour scale for all panels: the errors differ thirtyfold
            plot_error_by_position(test, pred, bin_size=0.1, name=name, log=True, vmin=low, vmax=high, fig=fig, ax=ax)
        written.append(save(fig, out, "training_error_by_position.png"))
        bar.update()

        fig, axes = plt.subplots(2, 4, figsize=(15.0, 6.8), layout="constrained")
        for row, (name, model) in zip(axes, networks.items()):
            plot_weight_maps(model, rec, n_units=4, fig=fig, ax=row)
            row[0].annotate(
                name, xy=(-0.42, 0.5), xycoords="axes fraction", rotation=90, va="center", ha="center",
                fontsize="large", fontweight="bold",
            )
        fig.suptitle("first-layer weights of the 4 hidden units with the largest norm (standardised inputs)")
        written.append(save(fig, out, "training_hidden_weights.png"))
        bar.update()
    return written
