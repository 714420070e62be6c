"""One look for every figure: a colour per decoder and per cell type, and a style context.

Nothing here changes matplotlib's global state on import. Use :func:`style` as a context
manager (or decorator) to draw in the package's style::

    with placedecode.plotting.style():
        fig, ax = plot_trajectory(test.y, model, X=test.X)

The colours are the Okabe-Ito colour-blind-safe palette, so the same decoder has the same
colour in every figure.
"""

from __future__ import annotations

import re

import matplotlib as mpl

__all__ = [
    "CELL_TYPE_COLORS",
    "DECODER_COLORS",
    "TRUE_COLOR",
    "STYLE",
    "cell_type_color",
    "decoder_color",
    "style",
]

#: Colour of the true (recorded) position in trajectory plots.
TRUE_COLOR = "#222222"

#: A colour per decoder family (Okabe-Ito palette), keyed by the preset names of
#: :mod:`placedecode.presets`. Names are matched after :func:`_normalise` (lower case,
#: ``_``/spaces -> ``-``), so ``"Linear"`` and ``"linear"`` share a colour; a preset's
#: variants (``"numpy-small"``, ``"torch-small"`` ...) take their family's colour.
DECODER_COLORS: dict[str, str] = {
    "linear": "#0072B2",  # blue
    "linear-tutorial": "#56B4E9",  # sky blue: the tutorial's closed form without a bias
    "numpy": "#D55E00",  # vermillion
    "torch": "#009E73",  # bluish green
    "knn": "#CC79A7",  # reddish purple
    "sklearn-mlp": "#E69F00",  # orange
    "bayes": "#882255",  # wine
}

#: Other spellings of the decoders above (estimator class names included).
_ALIASES = {
    "linearregressor": "linear",
    "linearclassifier": "linear",
    "linear-regression": "linear",
    "linearregression": "linear",
    "ridge": "linear",
    "linear-bias": "linear",  # "linear" fits a bias (placedecode.presets)
    "linear-with-bias": "linear",
    "linear-(bias)": "linear",
    "linear-nobias": "linear-tutorial",
    "linear-no-bias": "linear-tutorial",
    "linear+bias": "linear",
    "numpy-mlp": "numpy",
    "numpymlpregressor": "numpy",
    "numpymlpclassifier": "numpy",
    "torch-mlp": "torch",
    "torchmlpregressor": "torch",
    "torchmlpclassifier": "torch",
    "kneighborsregressor": "knn",
    "kneighborsclassifier": "knn",
    "k-nearest-neighbours": "knn",
    "mlpregressor": "sklearn-mlp",
    "mlpclassifier": "sklearn-mlp",
    "sklearn": "sklearn-mlp",
    "bayesian": "bayes",
    "bayesiandecoder": "bayes",
    "numpy-small": "numpy",
    "numpy-tutorial": "numpy",
    "torch-small": "torch",
    "torch-tutorial": "torch",
    "knn-20": "knn",
}

#: Colours handed out, in order, to decoder names not in :data:`DECODER_COLORS`.
_EXTRA_COLORS = ("#44AA99", "#999933", "#AA4499", "#661100", "#6699CC", "#117733", "#888888", "#332288")
_assigned: dict[str, str] = {}

#: A colour per cell type of the simulator's registry (unknown types get grey).
CELL_TYPE_COLORS: dict[str, str] = {
    "place": "#0072B2",
    "grid": "#D55E00",
    "boundary_vector": "#009E73",
    "object_vector": "#CC79A7",
    "random_spatial": "#E69F00",
    "head_direction": "#56B4E9",
    "velocity": "#882255",
    "speed": "#999933",
}

#: The rcParams applied by :func:`style`.
STYLE: dict = {
    "font.size": 10,
    "axes.titlesize": 10.5,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlelocation": "center",
    "axes.linewidth": 0.8,
    "lines.linewidth": 1.5,
    "image.cmap": "viridis",
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.05,
    "savefig.facecolor": "white",
}


def style():
    """Context manager (and decorator) that draws in placedecode's style.

    Returns :func:`matplotlib.rc_context` over :data:`STYLE`: rcParams are restored on
    exit, so the caller's settings are never changed for good.
    """
    return mpl.rc_context(STYLE)


def _normalise(name: str) -> str:
    return re.sub(r"[\s_]+", "-", str(name).strip().lower())


def decoder_color(name) -> str:
    """The colour of a decoder, by name (``"linear"``, ``"torch"`` ...) or estimator.

    Known names (:data:`DECODER_COLORS`, common aliases, estimator class names) always get
    the same colour; any other name gets the next unused colour of a fixed list, and keeps
    it for the rest of the session.

    Parameters
    ----------
    name : str or estimator
        A decoder name; an estimator is named by its class.

    Returns
    -------
    str
        A hex colour.
    """
    if not isinstance(name, str):
        name = type(name).__name__
    key = _normalise(name)
    key = _ALIASES.get(key, key)
    if key in DECODER_COLORS:
        return DECODER_COLORS[key]
    if key not in _assigned:
        _assigned[key] = _EXTRA_COLORS[len(_assigned) % len(_EXTRA_COLORS)]
    return _assigned[key]


def cell_type_color(cell_type: str) -> str:
    """The colour of a cell type (``"place"``, ``"grid"`` ...); grey for unknown types."""
    return CELL_TYPE_COLORS.get(str(cell_type), "#777777")


def plain_log_ticks(axis) -> None:
    """Label a log-scaled axis with plain numbers (``20``, ``0.5``) instead of ``2×10¹``."""
    from matplotlib.ticker import FuncFormatter, LogFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.5)))
