"""Training curves from an iterative decoder's ``history_``."""

from __future__ import annotations

import numpy as np

from ._style import decoder_color, plain_log_ticks
from ._validation import format_cm, get_axes

_HISTORY_MARKERS = ("epoch", "train_loss")
_HISTORY_KEYS = ("epoch", "train_loss", "train_error", "val_loss", "val_error")


def _is_history(obj) -> bool:
    return isinstance(obj, dict) and all(k in obj for k in _HISTORY_MARKERS)


def _looks_like_history(obj) -> bool:
    return isinstance(obj, dict) and any(k in obj for k in _HISTORY_KEYS)


def _history_of(model, label: str) -> tuple[dict, int | None, bool]:
    """``(history, best_epoch, is_classifier)`` from a fitted estimator or a history dict."""
    if _is_history(model):
        return model, None, False
    if isinstance(model, dict):
        raise ValueError(
            f"{label} is a dict without the history keys {list(_HISTORY_MARKERS)}; pass an "
            "estimator's history_ (see placedecode.models._base) or a fitted estimator."
        )
    if not hasattr(model, "fit"):
        raise TypeError(f"{label} must be a fitted iterative estimator or its history_ dict; got {type(model).__name__}.")
    from sklearn.base import is_classifier
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model)
    history = getattr(model, "history_", None)
    if not _is_history(history):
        raise TypeError(
            f"{label} ({type(model).__name__}) has no training history_; training curves need "
            "an iterative decoder such as NumpyMLPRegressor or TorchMLPRegressor."
        )
    return history, getattr(model, "best_epoch_", None), is_classifier(model)


def plot_training_curves(
    models,
    *,
    metric: str = "error",
    references: dict | None = None,
    name: str = "decoder",
    logy: bool = True,
    fig=None,
    ax=None,
):
    """Train (solid) and validation (dashed) curves per epoch, on a log scale.

    Parameters
    ----------
    models : fitted estimator, history dict, or dict of name -> either
        An iterative decoder (its ``history_``, see :mod:`placedecode.models._base`) or the
        history itself; a dict of several draws one pair of curves per decoder, coloured
        by name. The estimator's ``best_epoch_`` is marked with a dot when present.
    metric : {"error", "loss"}, default="error"
        ``"error"``: mean decoding error in cm (``train_error``/``val_error``; the
        misclassification rate for classifiers); ``"loss"``: the training loss.
    references : dict of str to float, optional
        Other decoders' test errors (cm, or rate for classifiers) drawn as dotted
        horizontal lines in their colours, e.g. ``{"linear": 4.3}``.
    name : str, default="decoder"
        Decoder name when ``models`` is a single estimator or history.
    logy : bool, default=True
        Log-scaled y axis.
    fig, ax : optional

    Returns
    -------
    fig, ax
    """
    from matplotlib.ticker import MaxNLocator

    if metric not in ("error", "loss"):
        raise ValueError(f"metric must be 'error' or 'loss'; got {metric!r}.")
    many = isinstance(models, dict) and not _looks_like_history(models)
    entries = dict(models) if many else {name: models}
    if not entries:
        raise ValueError("models is an empty dict; give at least one fitted decoder or history.")
    fig, ax = get_axes(fig, ax, panel_size=(7.2, 3.8))
    classifier = False
    for label, model in entries.items():
        history, best_epoch, is_clf = _history_of(model, f"models[{label!r}]" if many else "models")
        classifier |= is_clf
        epochs = np.asarray(history["epoch"], dtype=float)
        color = decoder_color(label)
        for split, style in (("train", "-"), ("val", "--")):
            values = np.asarray(history.get(f"{split}_{metric}") or [], dtype=float)
            if values.size == 0:
                continue
            if values.shape != epochs.shape:
                raise ValueError(
                    f"history of {label!r}: {split}_{metric} has {values.size} entries but epoch has {epochs.size}."
                )
            kind = "validation" if split == "val" else "train"
            ax.plot(epochs, values, style, color=color, lw=1.4, label=f"{label} ({kind})")
            if split == "val" and best_epoch is not None and best_epoch in history["epoch"]:
                i = list(history["epoch"]).index(best_epoch)
                ax.scatter([epochs[i]], [values[i]], s=30, color=color, zorder=5, edgecolor="white", lw=0.8)
    unit = "error rate" if classifier else "cm"
    for ref_name, value in (references or {}).items():
        value = float(value)
        text = f"{value:.3g}" if classifier else f"{format_cm(value)} cm"
        ax.axhline(value, ls=":", lw=1.4, color=decoder_color(ref_name), label=f"{ref_name} (test, {text})")
    if logy:
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    if metric == "error":
        ax.set_ylabel("misclassification rate" if classifier else "mean decoding error (cm)")
    else:
        ax.set_ylabel("training loss")
    ax.set_title(f"training curves ({metric}{'' if metric == 'loss' else ', ' + unit})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return fig, ax
