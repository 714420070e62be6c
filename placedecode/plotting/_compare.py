"""Decoders compared across cell types and population sizes, from a tidy results table.

The table has one row per (cell type, number of cells, decoder, seed) with the test error
in cm. It can be a list of dicts (rows), a dict of equal-length columns, anything with
``to_dict("list")`` (a pandas DataFrame) or with ``.rows`` (a
:class:`placedecode.experiments.ComparisonTable`, whose ``cells`` column is read as
``cell_type``)::

    [{"cell_type": "place", "n_cells": 25, "decoder": "linear", "seed": 0, "error_cm": 4.2}, ...]

Several rows for one (cell type, n_cells, decoder, seed), e.g. cross-validation folds, are
averaged first, so the spread is over seeds; rows whose error is NaN (failed fits) are
left out.

A mixed population is a cell-type label of name:count parts joined by ``+``
(``"place:50+grid:30"``, as :func:`placedecode.experiments.compare` writes it): it has its
own size, so it is drawn beside the pure types whatever ``n_cells`` is chosen for those.

The chance level is the error of predicting the training block's mean position. It is
drawn as a dashed line from a ``chance_error_cm`` column when the table has one (averaged
like the errors), or from an explicit ``chance=`` argument.
"""

from __future__ import annotations

import re

import numpy as np

from ._style import decoder_color, plain_log_ticks
from ._validation import get_axes

COLUMNS = ("cell_type", "n_cells", "decoder", "seed", "error_cm")
#: The optional column of the chance level (cm) per row.
CHANCE_COLUMN = "chance_error_cm"
CHANCE_LABEL = "chance (training mean)"
CHANCE_STYLE = {"color": "#555555", "ls": "--", "lw": 1.3, "zorder": 5}

_MIXTURE = re.compile(r"^[^:+]+:\d+(\+[^:+]+:\d+)*$")


def is_mixture(cell_type: str) -> bool:
    """Whether a cell-type label names a mixed population (``"place:50+grid:30"``)."""
    return bool(_MIXTURE.match(str(cell_type)))


def tidy_table(results) -> dict[str, np.ndarray]:
    """The results as a dict of column arrays with at least :data:`COLUMNS`.

    Raises
    ------
    TypeError, ValueError
        If the table is not rows or columns, misses a column, or columns differ in length.
    """
    if hasattr(results, "rows") and not isinstance(results, (dict, list, tuple)):
        results = list(results.rows)
    elif hasattr(results, "to_dict") and not isinstance(results, dict):
        results = results.to_dict("list")
    if isinstance(results, (list, tuple)) and results and all(isinstance(r, dict) for r in results):
        results = [{**r, "cell_type": r["cells"]} if "cell_type" not in r and "cells" in r else r for r in results]
    elif isinstance(results, dict) and "cell_type" not in results and "cells" in results:
        results = {**results, "cell_type": results["cells"]}
    if isinstance(results, dict):
        columns = {k: np.asarray(v) for k, v in results.items()}
    elif isinstance(results, (list, tuple)) and all(isinstance(r, dict) for r in results):
        if not results:
            raise ValueError("results is empty: no rows to plot.")
        keys = list(dict.fromkeys(k for r in results for k in r))
        missing_rows = [i for i, r in enumerate(results) if not set(COLUMNS) <= set(r)]
        if missing_rows:
            i = missing_rows[0]
            raise ValueError(
                f"results row {i} lacks {sorted(set(COLUMNS) - set(results[i]))}; every row needs {list(COLUMNS)}."
            )
        columns = {k: np.asarray([r.get(k) for r in results]) for k in keys}
    else:
        raise TypeError(
            "results must be a list of dict rows or a dict of columns with keys "
            f"{list(COLUMNS)}; got {type(results).__name__}."
        )
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"results lacks column(s) {missing}; it needs {list(COLUMNS)} (has {sorted(columns)}).")
    lengths = {k: len(v) for k, v in columns.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"results columns must have equal lengths; got {lengths}.")
    if not lengths["error_cm"]:
        raise ValueError("results is empty: no rows to plot.")
    columns["error_cm"] = columns["error_cm"].astype(float)
    columns["n_cells"] = columns["n_cells"].astype(int)
    columns["cell_type"] = columns["cell_type"].astype(str)
    columns["decoder"] = columns["decoder"].astype(str)
    if CHANCE_COLUMN in columns:
        columns[CHANCE_COLUMN] = np.array([np.nan if v is None else v for v in columns[CHANCE_COLUMN]], float)
    keep = np.isfinite(columns["error_cm"])
    if not keep.any():
        raise ValueError("results hold no finite error_cm (every fit failed?); nothing to plot.")
    return {k: v[keep] for k, v in columns.items()}


def _per_seed(values: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Mean of ``values`` within each seed (folds averaged), one value per seed."""
    return np.array([values[seeds == s].mean() for s in dict.fromkeys(seeds.tolist())])


def _only(table, column: str, value, mask: np.ndarray, what: str):
    """Restrict ``mask`` to ``table[column] == value``; a unique value is chosen if None."""
    present = list(dict.fromkeys(table[column][mask].tolist()))
    if not present:
        return mask, value
    if value is None:
        if len(present) > 1:
            raise ValueError(f"results hold several {column} values {present}; pass {column}= to choose one for {what}.")
        return mask, present[0]
    if value not in present:
        raise ValueError(f"{column}={value!r} is not in the results; they have {present}.")
    return mask & (table[column] == value), value


def _order(values, given, column):
    present = list(dict.fromkeys(values.tolist()))
    if given is None:
        return present
    unknown = [g for g in given if g not in present]
    if unknown:
        raise ValueError(f"{column} {unknown} not in the results; they have {present}.")
    return list(given)


def _spread(values: np.ndarray, spread: str) -> float:
    if len(values) < 2:
        return 0.0
    if spread == "std":
        return float(np.std(values, ddof=1))
    if spread == "sem":
        return float(np.std(values, ddof=1) / np.sqrt(len(values)))
    raise ValueError(f"spread must be 'std' or 'sem'; got {spread!r}.")


def _chance_of(table, mask: np.ndarray, chance, group: str, groups) -> dict:
    """Chance level (cm) per value of column ``group`` within ``mask``: from ``chance`` or the column."""
    if chance is False:
        return {}
    if chance is None:
        if CHANCE_COLUMN not in table:
            return {}
        out = {}
        for g in groups:
            sel = mask & (table[group] == g) & np.isfinite(table[CHANCE_COLUMN])
            if sel.any():
                out[g] = float(_per_seed(table[CHANCE_COLUMN][sel], table["seed"][sel]).mean())
        return out
    if isinstance(chance, dict):
        unknown = [k for k in chance if k not in list(groups)]
        if unknown:
            raise ValueError(f"chance names {group} values {unknown} that are not drawn; drawn: {list(groups)}.")
        values = {k: float(v) for k, v in chance.items()}
    else:
        try:
            value = float(chance)
        except (TypeError, ValueError):
            raise TypeError(f"chance must be None, False, a number of cm or a dict of {group} -> cm; "
                            f"got {type(chance).__name__}.") from None
        values = {g: value for g in groups}
    bad = {k: v for k, v in values.items() if not (np.isfinite(v) and v >= 0)}
    if bad:
        raise ValueError(f"chance levels must be finite, non-negative errors in cm; got {bad}.")
    return values


def _tick_label(cell_type: str) -> str:
    if is_mixture(cell_type):
        return cell_type.replace("+", "\n+")
    return cell_type.replace("_", "\n")


def plot_error_by_cell_type(
    results,
    *,
    n_cells=None,
    decoders=None,
    cell_types=None,
    spread: str = "std",
    chance=None,
    fig=None,
    ax=None,
):
    """Grouped bars: mean test error (cm) per decoder (colour) per cell type (group).

    Bars are the mean over seeds, error bars the spread over seeds, dots the single seeds.
    Mixed populations (``"place:50+grid:30"``) are drawn beside the pure types with their
    own sizes; the chance level, when known, is a dashed line over each group.

    Parameters
    ----------
    results : rows or columns with keys cell_type, n_cells, decoder, seed, error_cm
        Optionally ``chance_error_cm``: the error of predicting the training mean (cm).
    n_cells : int, optional
        Population size of the pure cell types to show; required when the results hold
        several. Mixed populations are always shown.
    decoders, cell_types : sequence of str, optional
        Which to draw, in this order (default: all, in order of appearance).
    spread : {"std", "sem"}, default="std"
        Standard deviation over seeds or standard error of the mean.
    chance : None, False, float or dict of str to float, default=None
        Chance level in cm: one number for every group, or cell type -> cm. None uses the
        ``chance_error_cm`` column when present (mean over seeds); False draws none.
    fig, ax : optional

    Returns
    -------
    fig, ax
        One bar (``ax.patches``) per (cell type, decoder) pair present; the chance level is
        ``ax.collections`` labelled "chance (training mean)".
    """
    table = tidy_table(results)
    mixture = np.array([is_mixture(c) for c in table["cell_type"]], dtype=bool)
    pure, n_cells = _only(table, "n_cells", n_cells, ~mixture, "the bar chart")
    mask = pure | mixture
    decoders = _order(table["decoder"][mask], decoders, "decoders")
    cell_types = _order(table["cell_type"][mask], cell_types, "cell_types")
    # the legend sits beside the axes (~2.8 in with the y label); each group needs room for its tick label
    fig, ax = get_axes(fig, ax, panel_size=(max(6.0, 2.8 + len(cell_types) * max(0.9, 0.35 * len(decoders))), 3.6))
    width = 0.8 / len(decoders)
    x = np.arange(len(cell_types))
    rng = np.random.default_rng(0)  # jitter of the seed dots only
    for j, dec in enumerate(decoders):
        means, errs, xs = [], [], []
        for k, ct in enumerate(cell_types):
            sel = mask & (table["decoder"] == dec) & (table["cell_type"] == ct)
            if not sel.any():
                continue
            values = _per_seed(table["error_cm"][sel], table["seed"][sel])
            xs.append(x[k] - 0.4 + width * (j + 0.5))
            means.append(values.mean())
            errs.append(_spread(values, spread))
            ax.scatter(
                np.full(len(values), xs[-1]) + rng.uniform(-0.15, 0.15, len(values)) * width,
                values, s=7, color="black", alpha=0.6, zorder=4, lw=0,
            )
        ax.bar(xs, means, width=width * 0.92, yerr=errs, color=decoder_color(dec), label=dec, capsize=2,
               error_kw={"lw": 0.9, "ecolor": "#333333"}, zorder=3)
    levels = _chance_of(table, mask, chance, "cell_type", cell_types)
    drawn = [k for k, ct in enumerate(cell_types) if ct in levels]
    if drawn:  # one segment over each group, one legend entry
        ax.hlines([levels[cell_types[k]] for k in drawn], x[drawn] - 0.45, x[drawn] + 0.45, label=CHANCE_LABEL,
                  colors=CHANCE_STYLE["color"], linestyles=CHANCE_STYLE["ls"], lw=CHANCE_STYLE["lw"],
                  zorder=CHANCE_STYLE["zorder"])
    ax.set_xticks(x, [_tick_label(c) for c in cell_types])
    ax.set_xlabel("cell type")
    ax.set_ylabel("test decoding error (cm)")
    n_seeds = len(set(table["seed"][mask].tolist()))
    sizes = f"{n_cells} cells" if n_cells is not None else "mixed populations"
    if n_cells is not None and any(is_mixture(c) for c in cell_types):
        sizes += " (mixtures: their own counts)"
    ax.set_title(f"{sizes}, mean ± {spread} over {n_seeds} seed{'s' if n_seeds != 1 else ''}")
    ax.legend(title="decoder", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_ylim(bottom=0)
    return fig, ax


def plot_error_vs_n_cells(
    results,
    *,
    cell_type=None,
    decoders=None,
    spread: str = "std",
    logx: bool = True,
    logy: bool = False,
    chance=None,
    fig=None,
    ax=None,
):
    """Test error (cm) against the number of cells: a line per decoder, band = spread over seeds.

    Parameters
    ----------
    results : rows or columns with keys cell_type, n_cells, decoder, seed, error_cm
        Optionally ``chance_error_cm``: the error of predicting the training mean (cm).
    cell_type : str, optional
        Which cell type; required when the results hold several.
    decoders : sequence of str, optional
    spread : {"std", "sem"}, default="std"
    logx, logy : bool
        Log-scaled axes (default: log number of cells).
    chance : None, False, float or dict of int to float, default=None
        Chance level in cm: one number, or number of cells -> cm. None uses the
        ``chance_error_cm`` column when present (mean over seeds at each size); False
        draws none.
    fig, ax : optional

    Returns
    -------
    fig, ax
        One line per decoder in ``ax.lines`` (then the chance line, labelled "chance
        (training mean)", when drawn) and one shaded band per decoder.
    """
    from matplotlib.ticker import NullLocator

    table = tidy_table(results)
    mask, cell_type = _only(table, "cell_type", cell_type, np.ones(len(table["error_cm"]), bool), "the line plot")
    decoders = _order(table["decoder"][mask], decoders, "decoders")
    fig, ax = get_axes(fig, ax, panel_size=(5.0, 3.6))
    for dec in decoders:
        sel = mask & (table["decoder"] == dec)
        sizes = np.unique(table["n_cells"][sel])
        masks = [sel & (table["n_cells"] == n) for n in sizes]
        stats = [_per_seed(table["error_cm"][m], table["seed"][m]) for m in masks]
        mean = np.array([s.mean() for s in stats])
        width = np.array([_spread(s, spread) for s in stats])
        color = decoder_color(dec)
        ax.plot(sizes, mean, marker="o", ms=4, color=color, label=dec)
        ax.fill_between(sizes, mean - width, mean + width, color=color, alpha=0.2, lw=0)
    all_sizes = np.unique(table["n_cells"][mask])
    levels = _chance_of(table, mask, chance, "n_cells", all_sizes.tolist())
    if levels:
        xs = sorted(levels)
        ax.plot(xs, [levels[n] for n in xs], label=CHANCE_LABEL, color=CHANCE_STYLE["color"],
                ls=CHANCE_STYLE["ls"], lw=CHANCE_STYLE["lw"], zorder=CHANCE_STYLE["zorder"])
    if logx:
        ax.set_xscale("log")
        sizes = np.unique(table["n_cells"][mask])
        ax.set_xticks(sizes, [str(n) for n in sizes])
        ax.xaxis.set_minor_locator(NullLocator())
    if logy:
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)
    else:
        ax.set_ylim(bottom=0)
    ax.set_xlabel("number of cells")
    ax.set_ylabel("test decoding error (cm)")
    n_seeds = len(set(table["seed"][mask].tolist()))
    ax.set_title(f"{cell_type.replace('_', ' ')} cells, mean ± {spread} over {n_seeds} seed{'s' if n_seeds != 1 else ''}")
    ax.legend(title="decoder")
    return fig, ax
