"""Figure family "classification": the same decoders classifying handwritten digits.

MNIST (the first 10,000 training images; all 10,000 test images) when its files are
found (``data_dir``, else ``$PLACEDECODE_DATA``, else ``~/.cache/placedecode/data``, then a
source checkout's ``../shared/data``: :mod:`placedecode._paths`) or can be downloaded.
Otherwise scikit-learn's bundled 8 x 8 digits stand in: their figures are
written under other names (:data:`FALLBACK_FILES`, ``*_digits.png``) with a warning, so the
MNIST figures already in the folder are never replaced by figures of other data. The closed-form
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

#: The same figures drawn from scikit-learn's 8 x 8 digits (the offline stand-in).
FALLBACK_FILES = {
    name.replace(".png", "_digits.png"): "Offline stand-in for MNIST, scikit-learn's 8 x 8 digits: "
    + caption[0].lower() + caption[1:]
    for name, caption in FILES.items()
}

N_TRAIN = 10_000
#: Training and test images of the quick version (``small=True``).
SMALL_N = 2_000


def load_images(data_dir=None, small: bool = False):
    """``(X_train, y_train, X_test, y_test, image_shape, name)``: MNIST, else the 8 x 8 digits.

    ``name`` is ``"MNIST"`` or ``"8 x 8 digits"``; a warning says why MNIST was not used.
    """
    from ..datasets import load_digits, load_mnist

    n_train, n_test = (SMALL_N, SMALL_N) if small else (N_TRAIN, None)
    try:
        X_train, y_train = load_mnist("mnist", "train", root=data_dir, download=True, n_samples=n_train)
        X_test, y_test = load_mnist("mnist", "test", root=data_dir, download=True, n_samples=n_test)
        return X_train, y_train, X_test, y_test, (28, 28), "MNIST"
    except OSError as exc:  # no files and no network (DownloadError is an OSError)
        warnings.warn(f"MNIST unavailable ({exc}); drawing scikit-learn's 8 x 8 digits instead, written as "
                      f"{', '.join(FALLBACK_FILES)} so that MNIST figures are not replaced.", stacklevel=3)
    X_train, y_train = load_digits("train")
    X_test, y_test = load_digits("test")
    return X_train, y_train, X_test, y_test, (8, 8), "8 x 8 digits"


def make(out_dir=None, progress: bool = True, small: bool = False, data_dir=None) -> list[Path]:
    """Fit both classifiers on the digits and draw the classification figures.

    Parameters
    ----------
    out_dir : str or Path, optional
        Output folder (default: :func:`~placedecode.figures.default_out_dir`).
    progress : bool, default=True
        tqdm progress bars.
    small : bool, default=False
        Quick version: 2,000 training and 2,000 test images of MNIST.
    data_dir : str or Path, optional
        The MNIST folder or a folder holding ``mnist/`` (default: where
        :func:`~placedecode.datasets.load_mnist` looks).

    Returns
    -------
    list of Path
        The files written, in the order of :data:`FILES` (MNIST) or of
        :data:`FALLBACK_FILES` (the 8 x 8 digits, when MNIST is missing).
    """
    import matplotlib.pyplot as plt

    from ..models import LinearClassifier, NumpyMLPClassifier
    from ..plotting import plot_confusion_matrix, plot_image_weights, plot_misclassified, style

    out = resolve_out_dir(out_dir, small)
    written = []
    with steps(len(FILES) + 1, "figures: classification", progress) as bar, style():
        bar.set_postfix_str("loading and fitting")
        X_train, y_train, X_test, y_test, shape, dataset = load_images(data_dir, small)
        names = dict(zip(FILES, FILES if dataset == "MNIST" else FALLBACK_FILES))
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
        written.append(save(fig, out, names["classification_linear_weights.png"]))
        bar.update()

        fig, _ = plot_image_weights(models["numpy"], image_shape=shape, n_units=16, ncols=8)
        fig.suptitle(f"NumPy network on {dataset}: input weights of the 16 hidden units with the largest norm")
        written.append(save(fig, out, names["classification_hidden_weights.png"]))
        bar.update()

        fig, axes = plt.subplots(1, 2, figsize=(10.0, 4.2), layout="constrained")
        for ax, (name, pred) in zip(axes, predictions.items()):
            plot_confusion_matrix(y_test, pred, fig=fig, ax=ax)
            ax.set_title(f"{name}: {ax.get_title()}")
        fig.suptitle(f"{dataset}, {len(y_test):,} test images")
        written.append(save(fig, out, names["classification_confusion.png"]))
        bar.update()

        fig, _ = plot_misclassified(X_test, y_test, predictions["numpy"], image_shape=shape, n=16, ncols=8)
        fig.suptitle(f"NumPy network's first 16 mistakes on the {dataset} test images (true → predicted)")
        written.append(save(fig, out, names["classification_misclassified.png"]))
        bar.update()
    return written
