"""Figure family "animation": decoded positions improving over training epochs.

The tutorial's last figure. The hand-coded NumPy network with the tutorial's settings
(:meth:`NumpyMLPRegressor.tutorial`: SGD, η = 0.01, ReLU output, mini-batches of 1 %,
raw rates) is trained one epoch at a time (``warm_start=True, max_epochs=1``) and the
test set is decoded after chosen epochs.
"""

from __future__ import annotations

from pathlib import Path

from ._common import SEED, first_seconds, resolve_out_dir, save, steps, tutorial_recording

NAME = "animation"

FILES = {
    "learning_animation.gif": "The tutorial's hand-coded network learning: the first minute of the "
    "test set decoded after each of 50 epochs (SGD), mean test error in the title.",
    "learning_snapshots.png": "Four frames of the animation: decoded paths after 1, 3, 10 and 50 "
    "epochs.",
}

#: Epochs after which the test set is decoded (frames of the animation).
EPOCHS = (*range(1, 11), 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50)
SNAPSHOTS = (1, 3, 10, 50)
#: Frames of the quick version (``small=True``).
SMALL_EPOCHS = (1, 2, 3, 5, 10)


def record_training(train, test, epochs=EPOCHS, bar=None, **params) -> dict:
    """Train the tutorial's NumPy network epoch by epoch; decode ``test`` after ``epochs``.

    Returns
    -------
    dict of int to ndarray (n_test, D)
        Epoch -> decoded test positions in metres.
    """
    from ..models import NumpyMLPRegressor

    model = NumpyMLPRegressor.tutorial(random_state=SEED, warm_start=True, max_epochs=1, **params)
    frames = {}
    for epoch in range(1, max(epochs) + 1):
        model.fit(train.X, train.y)
        if epoch in epochs:
            frames[epoch] = model.predict(test.X)
        if bar is not None:
            bar.update()
    return frames


def make(out_dir=None, progress: bool = True, epochs=None, small: bool = False) -> list[Path]:
    """Train, record the decoded test paths, and write the GIF and the snapshot figure.

    Parameters
    ----------
    out_dir : str or Path, optional
        Output folder (default: :func:`~placedecode.figures.default_out_dir`).
    progress : bool, default=True
        tqdm progress bar.
    epochs : sequence of int, optional
        Epochs after which the test set is decoded (default :data:`EPOCHS`, or
        :data:`SMALL_EPOCHS` with ``small``); training runs up to the largest.
    small : bool, default=False
        Quick version: 3 minutes of the tutorial's recording, 10 epochs.

    Returns
    -------
    list of Path
        The files written, in the order of :data:`FILES`.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from ..metrics import decoding_error
    from ..plotting import animate_training, plot_trajectory, style

    out = resolve_out_dir(out_dir, small)
    epochs = tuple(sorted(epochs if epochs is not None else (SMALL_EPOCHS if small else EPOCHS)))
    written = []
    with steps(max(epochs) + 2, "figures: animation", progress) as bar, style():
        bar.set_postfix_str("training epoch by epoch")
        rec = tutorial_recording(small=small)
        train, test = rec.split(0.8)
        frames = record_training(train, test, epochs=epochs, bar=bar)
        window = first_seconds(test, 60)

        bar.set_postfix_str("writing the GIF")
        fig, _ = animate_training(test, frames, window=window, name="numpy-tutorial", path=out / "learning_animation.gif", fps=4)
        plt.close(fig)
        written.append(out / "learning_animation.gif")
        bar.update()

        shown = [e for e in SNAPSHOTS if e in frames] or [epochs[-1]]
        fig, axes = plt.subplots(1, len(shown), figsize=(3.6 * len(shown), 3.9), layout="constrained", squeeze=False)
        for ax, epoch in zip(axes[0], shown):
            plot_trajectory(test, frames[epoch], window=window, name="numpy-tutorial", fig=fig, ax=ax)
            ax.set_title(f"epoch {epoch}: mean error {decoding_error(test.y, frames[epoch]):.3g} cm")
            if ax is not axes[0][0]:
                ax.set_ylabel("")
        for get, set_ in (("get_xlim", "set_xlim"), ("get_ylim", "set_ylim")):  # one view for all panels
            limits = np.array([getattr(ax, get)() for ax in axes[0]])
            for ax in axes[0]:
                getattr(ax, set_)(limits[:, 0].min(), limits[:, 1].max())
        fig.suptitle("the tutorial's hand-coded network learning (first minute of the test set)")
        written.append(save(fig, out, "learning_snapshots.png"))
        bar.update()
    return written
