"""Plots of recordings, decoders and comparisons.

Every function takes ``fig=None, ax=None`` and returns ``(fig, ax)`` (``ax`` is an array
when the plot has several panels), labels its axes with units (metres, seconds, Hz, cm)
and works on arrays or on fitted estimators, which are never refitted (an unfitted one
raises scikit-learn's ``NotFittedError``). Positions use scikit-learn's layout
``(n_samples, D)`` (``Recording.y``); a Recording can stand in for ``y_true`` and then
also supplies ``X``, ``t`` and the environment.

==============================  ===========================================================
``plot_environment``            arena, walls and objects of a RatInABox Environment
``plot_trajectory``             true and decoded path, mean error (cm) in the title
``plot_decoders``               one trajectory panel per decoder (dict name -> prediction)
``plot_error_over_time``        error (cm) against time (s), a line per decoder
``plot_error_by_position``      heat map of the error (cm) over the arena
``plot_training_curves``        ``history_`` train/validation curves (log y), references
``plot_weight_maps``            weights at cell centres (linear ``coef_``, network ``coefs_[0]``)
``plot_rate_maps``              rate maps (Hz); tuning curves for direction and speed cells
``plot_rate_timeseries``        rates (Hz) of chosen cells against time (s)
``plot_error_by_cell_type``     grouped bars: decoder x cell type (mixtures too), chance line
``plot_error_vs_n_cells``       error against number of cells, a line per decoder, chance line
``animate_training``            GIF of decoded paths over training epochs
``plot_image_weights``          first-layer weights as images (MNIST: 28 x 28)
``plot_confusion_matrix``       classifier confusion matrix
``plot_misclassified``          misclassified images with true and predicted labels
``plot_posterior``              a Bayesian decoder's posterior over the arena, true position
``style``                       context manager: the package's rcParams, restored on exit
``decoder_color``               the colour of a decoder name (same in every figure)
``save_figure``                 write a figure atomically (temporary file, then rename)
==============================  ===========================================================

Every plot lays itself out with matplotlib's default settings (constrained layout; long
titles wrap onto two lines; legends that would cover data sit beside the axes);
:func:`style` only changes the look. Matplotlib is imported by this package (not by
``import placedecode``).
"""

from ._animation import animate_training
from ._classification import plot_confusion_matrix, plot_image_weights, plot_misclassified
from ._compare import plot_error_by_cell_type, plot_error_vs_n_cells, tidy_table
from ._environment import plot_environment
from ._errors import plot_error_by_position, plot_error_over_time
from ._posterior import plot_posterior
from ._rates import plot_rate_maps, plot_rate_timeseries
from ._save import save_figure
from ._style import CELL_TYPE_COLORS, DECODER_COLORS, STYLE, cell_type_color, decoder_color, style
from ._training import plot_training_curves
from ._trajectory import plot_decoders, plot_trajectory
from ._weights import plot_weight_maps

__all__ = [
    "CELL_TYPE_COLORS",
    "DECODER_COLORS",
    "STYLE",
    "animate_training",
    "cell_type_color",
    "decoder_color",
    "plot_confusion_matrix",
    "plot_decoders",
    "plot_environment",
    "plot_error_by_cell_type",
    "plot_error_by_position",
    "plot_error_over_time",
    "plot_image_weights",
    "plot_misclassified",
    "plot_posterior",
    "plot_rate_maps",
    "plot_rate_timeseries",
    "plot_trajectory",
    "plot_training_curves",
    "plot_weight_maps",
    "save_figure",
    "style",
    "tidy_table",
]
