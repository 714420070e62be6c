"""Input checks and small helpers shared by the plotting functions (private)."""

from __future__ import annotations

import numpy as np


def is_recording(obj) -> bool:
    """Duck-typed test for a :class:`placedecode.Recording` (plots do not import the simulator)."""
    return all(hasattr(obj, a) for a in ("rates", "position", "t", "cell_types", "X", "y"))


def as_positions(y, name: str = "y_true") -> np.ndarray:
    """Positions as a float array ``(T, D)`` with D = 1 or 2 (scikit-learn's layout).

    A 1-D array of length T is read as a 1D track, ``(T, 1)``.
    """
    if is_recording(y):
        y = y.y
    try:
        arr = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of positions (n_samples, D) in metres; got {type(y).__name__}.") from exc
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] not in (1, 2) or arr.shape[0] < 1:
        hint = ""
        if arr.ndim == 2 and arr.shape[0] in (1, 2) and arr.shape[1] > 2:
            hint = " It looks like the (D, T) layout: pass its transpose (Recording.y is (T, D))."
        raise ValueError(
            f"{name} must have shape (n_samples, D) with D = 1 or 2 (positions in metres); "
            f"got shape {arr.shape}.{hint}"
        )
    return arr


def resolve_prediction(y_pred, X=None, name: str = "y_pred") -> np.ndarray:
    """Decoded positions ``(T, D)`` from an array, or from a fitted estimator and ``X``.

    An estimator is never refitted: ``predict(X)`` is called once, after
    :func:`sklearn.utils.validation.check_is_fitted` (which raises ``NotFittedError``).
    """
    if hasattr(y_pred, "predict") and hasattr(y_pred, "fit"):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(y_pred)
        if X is None:
            raise ValueError(
                f"{name} is an estimator ({type(y_pred).__name__}); pass X (n_samples, "
                "n_cells) to predict from, or pass the predictions themselves."
            )
        if is_recording(X):
            X = X.X
        return as_positions(y_pred.predict(X), name)
    return as_positions(y_pred, name)


def check_pair(y_true: np.ndarray, y_pred: np.ndarray, name: str = "y_pred") -> None:
    """Raise ``ValueError`` unless ``y_true`` and ``y_pred`` have the same shape."""
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{name} must have the same shape as y_true {y_true.shape} (n_samples, D); "
            f"got {y_pred.shape}."
        )


def resolve_inputs(y_true, y_pred, X=None, t=None, environment=None, name="y_pred"):
    """Common unpacking: a Recording as ``y_true`` supplies X, t and the environment.

    Returns ``(y_true (T, D), y_pred (T, D), t (T,) or None, environment)``.
    """
    if is_recording(y_true):
        rec = y_true
        X = rec.X if X is None else X
        t = rec.t if t is None else t
        environment = rec.environment if environment is None else environment
    y_true = as_positions(y_true, "y_true")
    y_pred = resolve_prediction(y_pred, X, name)
    check_pair(y_true, y_pred, name)
    t = check_times(t, len(y_true))
    return y_true, y_pred, t, environment


def check_times(t, n_samples: int):
    """``t`` (T,) in seconds as floats, or None."""
    if t is None:
        return None
    t = np.asarray(t, dtype=float)
    if t.shape != (n_samples,):
        raise ValueError(f"t must have shape (n_samples,) = ({n_samples},) in seconds; got {t.shape}.")
    return t


def window_mask(t, n_samples: int, window) -> np.ndarray:
    """Boolean mask of samples with ``window[0] <= t < window[1]`` (seconds; all if None)."""
    if window is None:
        return np.ones(n_samples, dtype=bool)
    try:
        lo, hi = (float(w) if w is not None else np.nan for w in window)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"window must be (t_start, t_stop) in seconds; got {window!r}.") from exc
    times = np.arange(n_samples, dtype=float) if t is None else t
    mask = np.ones(n_samples, dtype=bool)
    if not np.isnan(lo):
        mask &= times >= lo
    if not np.isnan(hi):
        mask &= times < hi
    if not mask.any():
        raise ValueError(
            f"window {window!r} selects no samples; times run from {times[0]:g} to {times[-1]:g}"
            f"{' s' if t is not None else ' (sample index, since t was not given)'}."
        )
    return mask


def error_cm(y_true: np.ndarray, y_pred: np.ndarray, reduce="mean"):
    """Decoding error in cm via :func:`placedecode.metrics.decoding_error` (one definition)."""
    from ..metrics import decoding_error

    return decoding_error(y_true, y_pred, reduce=reduce)


def fit_title(ax, text: str, sep: str = ": ") -> None:
    """Set ``ax``'s title; split it onto two lines at the first ``sep`` when one line is wider than the axes.

    Titles carry a decoder's name and its error ("Bayes continuity: mean error 13.7 cm");
    with long names and matplotlib's default font sizes a one-line title would run past
    its panel into the next one or off the figure.
    """
    title = ax.set_title(text)
    if sep not in text:
        return
    try:
        renderer = ax.figure.canvas.get_renderer()
    except AttributeError:  # a canvas without a renderer: estimate from the characters
        width_px = 0.6 * title.get_fontsize() * len(text) * ax.figure.dpi / 72
    else:
        width_px = title.get_window_extent(renderer).width
    # the panel's share of its (sub)figure bounds the axes width; its tick labels and y label
    # take up to ~0.9 in of it. Only a title between the two needs the exact layout.
    spec = ax.get_subplotspec()
    share = 1.0 if spec is None else (spec.colspan.stop - spec.colspan.start) / spec.get_gridspec().ncols
    cell_px = share * ax.figure.bbox.width
    if width_px <= cell_px - 0.9 * ax.figure.dpi:
        return
    if width_px <= cell_px:
        root = ax.get_figure(root=True)
        engine = root.get_layout_engine()
        if engine is not None:  # where the axes will be drawn (constrained layout moves them)
            engine.execute(root)
        ax.apply_aspect()  # equal-aspect panels are narrower than their grid cell
        if width_px <= 0.98 * ax.get_position().width * root.bbox.width:
            return
    head, tail = text.split(sep, 1)
    title.set_text(f"{head}\n{tail}")


def format_cm(err: float) -> str:
    """An error for a title: three significant figures (``4.27``, ``0.312``, ``123``)."""
    err = float(err)
    return f"{err:.0f}" if abs(err) >= 100 else f"{err:.3g}"


def get_axes(fig=None, ax=None, n_panels: int = 1, ncols=None, panel_size=(4.0, 3.5), **subplot_kw):
    """The figure and axes to draw on: the caller's, or new ones (constrained layout).

    Returns ``(fig, axes)``: one Axes when ``n_panels == 1``, else an object array of
    ``n_panels`` Axes (the caller's array flattened; unused grid cells of a new figure are
    hidden).
    """
    import matplotlib.pyplot as plt

    if ax is None:
        nrows, ncols = grid_shape(n_panels, ncols)
        if fig is None:
            fig = plt.figure(figsize=(panel_size[0] * ncols, panel_size[1] * nrows), layout="constrained")
        grid = fig.subplots(nrows, ncols, squeeze=False, subplot_kw=subplot_kw or None)
        axes = np.asarray(grid, dtype=object).ravel()
        for extra in axes[n_panels:]:
            extra.set_visible(False)
        axes = axes[:n_panels]
    else:
        axes = np.asarray(ax, dtype=object).ravel()
        if axes.size != n_panels:
            raise ValueError(f"ax must hold {n_panels} Axes (one per panel) for this plot; got {axes.size}.")
        if fig is None:
            fig = axes[0].figure
    return fig, (axes[0] if n_panels == 1 else axes)


def grid_shape(n: int, ncols=None, max_cols: int = 4) -> tuple[int, int]:
    """Rows and columns for ``n`` panels."""
    ncols = min(n, max_cols) if ncols is None else min(n, int(ncols))
    if ncols < 1:
        raise ValueError(f"ncols must be >= 1; got {ncols}.")
    return int(np.ceil(n / ncols)), ncols
