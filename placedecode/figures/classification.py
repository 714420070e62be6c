"""Figure family "classification": the same decoders classifying handwritten digits.

MNIST (the first 10,000 training images; all 10,000 test images) when its files are
found (``$PLACEDECODE_DATA``, else ``~/.cache/placedecode/data``, then a source checkout's
``../shared/data``: :mod:`placedecode._paths`) or can be downloaded;
otherwise scikit-learn's bundled 8 x 8 digits, and the titles say so. The closed-form
linear classifier (ridge ``alpha=1000``: without it, border pixels that are almost never
inked get the largest weights and the templates drown; it is also the most accurate) and
a small hand-coded NumPy network (one hidden layer of 100 units, at most 20 epochs) are
compared.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ._common import SEED, resolve_out_dir, save, steps

NAME = "classification"

FILES = {
    "classification_linear_weights.png": "The linear classifier's weights of each digit drawn as "
    "an image: a template of the digit's ink (red) against other digits' ink (blue).",
    "classification_hidden_weights.png": "Input weights of the 16 hidden units (of 100) with the "
    "largest norm in the NumPy network: local stroke detectors.",
    "classification_confusion.png": "Confusion matrices (fraction of each true digit) of the linear "
    "classifier and the NumPy network on the test images, accuracy in the titles.",
    "classification_misclassified.png": "The NumPy network's first 16 test mistakes, titled "
    "true -> predicted.",
}

N_TRAIN = 10_000


def load_images(progress: bool = False):
    """``(X_train, y_train, X_test, y_test, image_shape, name)``: MNIST, else the 8 x 8 digits."""
    from ..datasets import load_digits, load_mnist

    try:
        X_train, y_train = load_mnist("mnist", "train", download=True, n_samples=N_TRAIN)
        X_test, y_test = load_mnist("mnist", "test", download=True)
        return X_train, y_train, X_test, y_test, (28, 28), "MNIST"
    except OSError as exc:  # no files and no network (DownloadError is an OSError)
        warnings.warn(f"MNIST unavailable ({exc}); using scikit-learn's 8 x 8 digits instead.", stacklevel=2)
    X_train, y_train = load_digits("train")
    X_test, y_test = load_digits("test")
    return X_train, y_train, X_test, y_test, (8, 8), "8 x 8 digits"


def make(out_dir=None, progress: bool = True) -> list[Path]:
    """Fit both classifiers on the digits and draw the classification figures.

    Returns
    -------
    list of Path
        The files written, in the order of :data:`FILES`.
    """
    import matplotlib.pyplot as plt

    from ..models import LinearClassifier, NumpyMLPClassifier
    from ..plotting import plot_confusion_matrix, plot_image_weights, plot_misclassified, style

    out = resolve_out_dir(out_dir)
    written = []
    with steps(len(FILES) + 1, "figures: classification", progress) as bar, style():
        bar.set_postfix_str("loading and fitting")
        X_train, y_train, X_test, y_test, shape, dataset = load_images()
        models = {
            "linear": LinearClassifier(fit_intercept=True, alpha=1000.0).fit(X_train, y_train),
            "numpy": NumpyMLPClassifier((100,), max_epochs=20, random_state=SEED, verbose=progress).fit(
                X_train, y_train
            ),
        }
        predictions = {name: model.predict(X_test) for name, model in models.items()}
        bar.update()
        bar.set_postfix_str("drawing")

        fig, _ = plot_image_weights(models["linear"], image_shape=shape, ncols=5)
        fig.suptitle(f"linear classifier on {dataset}: one weight image per digit")
        written.append(save(fig, out, "classification_linear_weights.png"))
        bar.update()

        fig, _ = plot_image_weights(models["numpy"], image_shape=shape, n_units=16, ncols=8)
        fig.suptitle(f"NumPy network on {dataset}: input weights of the 16 hidden units with the largest norm")
        written.append(save(fig, out, "classification_hidden_weights.png"))
        bar.update()

        fig, axes = plt.subplots(1, 2, figsize=(10.0, 4.2), layout="constrained")
        for ax, (name, pred) in zip(axes, predictions.items()):
            plot_confusion_matrix(y_test, pred, fig=fig, ax=ax)
            ax.set_title(f"{name}: {ax.get_title()}")
        fig.suptitle(f"{dataset}, {len(y_test):,} test images")
        written.append(save(fig, out, "classification_confusion.png"))
        bar.update()

        fig, _ = plot_misclassified(X_test, y_test, predictions["numpy"], image_shape=shape, n=16, ncols=8)
        fig.suptitle(f"NumPy network's first 16 mistakes on the {dataset} test images (true → predicted)")
        written.append(save(fig, out, "classification_misclassified.png"))
        bar.update()
    return written
