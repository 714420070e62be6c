"""Figure family "linear": the tutorial's closed-form decoder, its errors and its weights."""

from __future__ import annotations

from pathlib import Path

from ._common import first_seconds, resolve_out_dir, save, steps, tutorial_recording

NAME = "linear"

FILES = {
    "linear_trajectory.png": "True and linearly decoded path over the first minute of the test set "
    "(last 2 of the 10 minutes): the tutorial's W = Y X^T (X X^T)^-1, and the same with a bias.",
    "linear_weights.png": "The tutorial's interpretation figure: each place cell's weight to x and "
    "to y drawn at its field centre (m/Hz); weights grow along the axis they decode.",
    "linear_error_by_position.png": "Mean test error (cm) of the linear decoders by position "
    "(10 cm bins): largest near the walls, where a linear read-out of Gaussian fields bends.",
}


def make(out_dir=None, progress: bool = True, small: bool = False) -> list[Path]:
    """Fit the linear decoders on the tutorial's dataset and draw their figures.

    Parameters
    ----------
    out_dir : str or Path, optional
        Output folder (default: :func:`~placedecode.figures.default_out_dir`).
    progress : bool, default=True
        tqdm progress bar.
    small : bool, default=False
        Quick version: 3 minutes of the tutorial's recording instead of 10.

    Returns
    -------
    list of Path
        The files written, in the order of :data:`FILES`.
    """
    import matplotlib.pyplot as plt

    from ..plotting import plot_decoders, plot_error_by_position, plot_weight_maps, style
    from ..presets import make_decoders

    out = resolve_out_dir(out_dir, small)
    written = []
    with steps(len(FILES) + 1, "figures: linear", progress) as bar, style():
        bar.set_postfix_str("fitting")
        rec = tutorial_recording(small=small)
        train, test = rec.split(0.8)
        models = {name: model.fit(train.X, train.y)
                  for name, model in make_decoders(["linear-tutorial", "linear"]).items()}
        bar.update()
        bar.set_postfix_str("drawing")

        fig, _ = plot_decoders(test, models, window=first_seconds(test, 60))
        fig.suptitle("linear decoding, first minute of the test set")
        written.append(save(fig, out, "linear_trajectory.png"))
        bar.update()

        fig, _ = plot_weight_maps(models["linear-tutorial"], rec)
        fig.suptitle("the tutorial's W (no bias): weight of each place cell, drawn at its centre")
        written.append(save(fig, out, "linear_weights.png"))
        bar.update()

        predictions = {name: model.predict(test.X) for name, model in models.items()}
        fig, axes = plt.subplots(1, 2, figsize=(9.2, 4.0), layout="constrained")
        for (name, pred), ax in zip(predictions.items(), axes):
            plot_error_by_position(test, pred, bin_size=0.1, name=name, fig=fig, ax=ax)
        vmax = max(float(ax.images[0].get_array().max()) for ax in axes)
        for ax in axes:
            ax.images[0].set_clim(0, vmax)  # one colour scale for both panels
        written.append(save(fig, out, "linear_error_by_position.png"))
        bar.update()
    return written
