"""Image classification (MNIST family): weights as images, confusion matrix, mistakes."""

from __future__ import annotations

import numpy as np

from ._validation import get_axes
from ._weights import largest_units

WEIGHT_CMAP = "RdBu_r"


def _check_image_shape(image_shape, n_features: int) -> tuple[int, int]:
    shape = tuple(int(s) for s in image_shape)
    if len(shape) != 2 or shape[0] * shape[1] != n_features:
        raise ValueError(f"image_shape {tuple(image_shape)} does not hold the {n_features} input pixels.")
    return shape


def _labels_and_predictions(y_true, y_pred, X):
    y_true = np.asarray(y_true).ravel()
    if hasattr(y_pred, "predict") and hasattr(y_pred, "fit"):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(y_pred)
        if X is None:
            raise ValueError(f"y_pred is an estimator ({type(y_pred).__name__}); pass X (n_samples, n_pixels) to predict from.")
        y_pred = y_pred.predict(X)
    y_pred = np.asarray(y_pred).ravel()
    if y_pred.shape != y_true.shape:
        raise ValueError(f"y_pred must have the same shape as y_true {y_true.shape}; got {y_pred.shape}.")
    return y_true, y_pred


def plot_image_weights(
    model,
    *,
    image_shape=(28, 28),
    units=None,
    n_units: int = 16,
    layer: int = 0,
    ncols=None,
    fig=None,
    ax=None,
):
    """Input weights of output classes (linear) or hidden units (network) drawn as images.

    One panel per row of the weight matrix, on one symmetric diverging colour scale
    (shared colour bar): red pixels push the unit up, blue pixels push it down.

    Parameters
    ----------
    model : fitted classifier or array of shape (n_rows, n_pixels)
        A linear model (``coef_``, one image per class) or a network (``coefs_[layer]``,
        one image per hidden unit), or the weights themselves.
    image_shape : (int, int), default=(28, 28)
        Height and width of the images in pixels.
    units : sequence of int, optional
        Rows to draw; default all rows up to ``n_units``, else the ``n_units`` with the
        largest norm.
    n_units : int, default=16
    layer : int, default=0
    ncols : int, optional
    fig : Figure, optional
    ax : array of Axes, optional
        One per image.

    Returns
    -------
    fig, ax
    """
    from ._weights import _weights_of

    W, kind, _ = _weights_of(model, layer)
    shape = _check_image_shape(image_shape, W.shape[1])
    if units is None:
        rows = np.arange(len(W)) if len(W) <= n_units else largest_units(W, n_units)
    else:
        rows = np.atleast_1d(np.asarray(units, dtype=int))
        if rows.size == 0 or rows.min() < -len(W) or rows.max() >= len(W):
            raise ValueError(f"units must index rows 0..{len(W) - 1}; got {list(rows)}.")
    classes = getattr(model, "classes_", None)
    limit = float(np.max(np.abs(W[rows]))) or 1.0
    fig, axes = get_axes(fig, ax, n_panels=len(rows), ncols=ncols if ncols else min(len(rows), 8), panel_size=(1.3, 1.45))
    axes_list = np.atleast_1d(np.asarray(axes, dtype=object))
    image = None
    for panel, r in zip(axes_list, rows):
        image = panel.imshow(W[r].reshape(shape), cmap=WEIGHT_CMAP, vmin=-limit, vmax=limit, interpolation="nearest")
        panel.set_axis_off()
        if kind == "linear" and classes is not None and len(classes) == len(W):
            panel.set_title(f"class {classes[r]}", fontsize="small")
        elif kind == "linear":
            panel.set_title(f"output {r}", fontsize="small")
        else:
            panel.set_title(f"unit {r}", fontsize="small")
    fig.colorbar(image, ax=list(axes_list), label="input weight (a.u.)", shrink=0.8)
    return fig, axes


def plot_confusion_matrix(
    y_true, y_pred, *, X=None, labels=None, normalize: str | None = "true", cmap: str = "Blues", fig=None, ax=None
):
    """Confusion matrix of a classifier, with the accuracy (%) in the title.

    Parameters
    ----------
    y_true : array of shape (n_samples,)
        True class labels.
    y_pred : array of shape (n_samples,) or fitted classifier
        Predicted labels, or a fitted classifier to ``predict(X)`` with.
    X : array of shape (n_samples, n_features), optional
    labels : sequence, optional
        Class order (default: sorted union of labels).
    normalize : {"true", None}, default="true"
        "true": each row sums to 1 (fraction of each true class); None: counts.
    cmap : str, default="Blues"
    fig, ax : optional

    Returns
    -------
    fig, ax
        The colour bar is ``ax.images[0].colorbar``.
    """
    from sklearn.metrics import confusion_matrix

    if normalize not in ("true", None):
        raise ValueError(f"normalize must be 'true' or None; got {normalize!r}.")
    y_true, y_pred = _labels_and_predictions(y_true, y_pred, X)
    labels = np.unique(np.concatenate([y_true, y_pred])) if labels is None else np.asarray(labels)
    cm = confusion_matrix(y_true, y_pred, labels=labels, normalize=normalize)
    fig, ax = get_axes(fig, ax, panel_size=(4.6, 4.0))
    image = ax.imshow(cm, cmap=cmap, vmin=0, vmax=1 if normalize else None)
    fig.colorbar(image, ax=ax, label="fraction of true class" if normalize else "count", shrink=0.85)
    if len(labels) <= 12:
        threshold = (cm.max() if cm.size else 0) / 2
        for (i, j), value in np.ndenumerate(cm):
            text = f"{value:.2f}" if normalize else f"{int(value)}"
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color="white" if value > threshold else "black")
    ax.set_xticks(range(len(labels)), [str(v) for v in labels])
    ax.set_yticks(range(len(labels)), [str(v) for v in labels])
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.set_title(f"accuracy {100 * np.mean(y_true == y_pred):.1f} %")
    return fig, ax


def plot_misclassified(
    X, y_true, y_pred, *, image_shape=(28, 28), n: int = 16, ncols=None, fig=None, ax=None
):
    """The first ``n`` misclassified images, titled "true → predicted".

    Parameters
    ----------
    X : array of shape (n_samples, n_pixels)
        Flattened images.
    y_true : array of shape (n_samples,)
    y_pred : array of shape (n_samples,) or fitted classifier
        Predicted labels or a classifier (``predict(X)`` is called once).
    image_shape : (int, int), default=(28, 28)
    n : int, default=16
        Number of panels (fewer when there are fewer mistakes; one empty panel with a
        note when there are none).
    ncols : int, optional
    fig, ax : optional

    Returns
    -------
    fig, ax
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be (n_samples, n_pixels); got shape {X.shape}.")
    y_true, y_pred = _labels_and_predictions(y_true, y_pred, X)
    if len(y_true) != len(X):
        raise ValueError(f"X has {len(X)} samples but y_true has {len(y_true)}.")
    shape = _check_image_shape(image_shape, X.shape[1])
    wrong = np.flatnonzero(y_true != y_pred)[: max(1, int(n))]
    n_panels = max(1, len(wrong))
    fig, axes = get_axes(fig, ax, n_panels=n_panels, ncols=ncols if ncols else min(n_panels, 8), panel_size=(1.3, 1.45))
    axes_list = np.atleast_1d(np.asarray(axes, dtype=object))
    if len(wrong) == 0:
        axes_list[0].text(0.5, 0.5, "no misclassified samples", ha="center", va="center", transform=axes_list[0].transAxes)
        axes_list[0].set_axis_off()
        return fig, axes
    for panel, i in zip(axes_list, wrong):
        panel.imshow(X[i].reshape(shape), cmap="gray_r", interpolation="nearest")
        panel.set_axis_off()
        panel.set_title(f"{y_true[i]} → {y_pred[i]}", fontsize="small", color="#B00020")
    fig.suptitle("misclassified (true → predicted)")
    return fig, axes
