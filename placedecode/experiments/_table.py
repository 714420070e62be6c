"""``ComparisonTable``: the tidy result of :func:`placedecode.experiments.compare`.

One row per (cell type, n_cells, decoder, seed, fold); rows are plain dicts, columns come
back as NumPy arrays. No pandas needed (``to_pandas`` converts when pandas is installed).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

#: The columns of a comparison, in order, with their types and meaning.
COLUMNS: dict[str, tuple[type, str]] = {
    "cells": (str, "cell type name, or a mixed population such as 'place:50+grid:30'"),
    "n_cells": (int, "number of cells recorded (the total for a mixed population)"),
    "decoder": (str, "name of the decoder (the key of the decoders mapping)"),
    "seed": (int, "seed of the trajectory, the cells and the decoder"),
    "fold": (int, "cross-validation fold (0 for the single time split)"),
    "error_cm": (float, "mean Euclidean decoding error on the test bins, in cm"),
    "median_error_cm": (float, "median decoding error on the test bins, in cm"),
    "chance_error_cm": (float, "chance level: mean error, in cm, of always predicting the training "
                               "bins' mean position on the same test bins"),
    "r2": (float, "R² of the decoded position, averaged over the spatial axes"),
    "fit_time_s": (float, "wall time of fit, in seconds"),
    "predict_time_s": (float, "wall time of predict on the test bins, in seconds"),
    "record_time_s": (float, "wall time to record the cells (0 when reused within a worker), s"),
    "n_train": (int, "number of training time bins"),
    "n_test": (int, "number of test time bins"),
    "error": (str, "empty, or 'ExceptionType: message' when the task failed"),
}
#: Columns that measure time, and so differ from run to run.
TIMING_COLUMNS = ("fit_time_s", "predict_time_s", "record_time_s")
#: Columns that identify a row.
KEY_COLUMNS = ("cells", "n_cells", "decoder", "seed", "fold")


def _parse(text: str, kind: type):
    if kind is str:
        return text
    if text == "":
        return math.nan if kind is float else None
    return int(text) if kind is int else float(text)


def _guess(text: str):
    """Type of an unknown CSV column's value: int, then float, else the string."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _nanmean(values) -> float:
    """Mean of the finite numbers among ``values`` (None and NaN left out); NaN if none."""
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    return float(np.mean(finite)) if finite else math.nan


def _mean_sd(values) -> tuple[float, float]:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return math.nan, math.nan
    sd = float(np.std(values, ddof=1)) if values.size > 1 else math.nan
    return float(np.mean(values)), sd


class ComparisonTable:
    """A tidy table of decoding results: one row per task, one column per quantity.

    Parameters
    ----------
    rows : iterable of dict, optional
        One dict per row. The columns are those of :data:`COLUMNS` that appear in the rows
        (in that order) followed by any other keys in first-seen order.

    Attributes
    ----------
    columns : list of str
        Column names in display order (see :data:`COLUMNS` for units).

    Examples
    --------
    >>> t = ComparisonTable([
    ...     {"cells": "place", "n_cells": 25, "decoder": "linear", "seed": 0, "fold": 0,
    ...      "error_cm": 10.0, "error": ""},
    ...     {"cells": "place", "n_cells": 25, "decoder": "linear", "seed": 1, "fold": 0,
    ...      "error_cm": 12.0, "error": ""}])
    >>> len(t), float(t["error_cm"].mean())
    (2, 11.0)
    >>> print(t.to_markdown())
    | cells | n_cells | linear |
    |---|---|---|
    | place | 25 | 11.0 ± 1.4 |
    <BLANKLINE>
    error_cm: mean ± sd over 2 seed(s) (folds averaged within a seed); cm.
    """

    def __init__(self, rows=None):
        self._rows = [dict(r) for r in (rows or [])]
        seen = {k: None for r in self._rows for k in r}
        self.columns = [c for c in COLUMNS if c in seen] + [c for c in seen if c not in COLUMNS]

    # ------------------------------------------------------------ container
    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self):
        return (dict(r) for r in self._rows)

    @property
    def rows(self) -> list[dict]:
        """A copy of the rows, as a list of dicts."""
        return [dict(r) for r in self._rows]

    def __getitem__(self, column: str) -> np.ndarray:
        """Column ``column`` as an array of shape (n_rows,) (float, int or str dtype)."""
        if not isinstance(column, str):
            raise TypeError(f"index a ComparisonTable by column name (str); got {type(column).__name__}. "
                            "Use .rows for the rows.")
        if column not in self.columns:
            raise KeyError(f"no column {column!r}; columns are {self.columns}.")
        values = [r.get(column) for r in self._rows]
        kind = COLUMNS.get(column, (None,))[0]
        if kind is float:
            return np.array([math.nan if v is None else v for v in values], dtype=float)
        if kind is int:
            if any(v is None for v in values):  # a missing count: float with NaN
                return np.array([math.nan if v is None else v for v in values], dtype=float)
            return np.array(values, dtype=np.int64)
        if kind is str:
            return np.array(["" if v is None else str(v) for v in values], dtype=str)
        return np.array(values)

    def where(self, **conditions) -> "ComparisonTable":
        """Rows whose columns match: ``table.where(decoder="linear", n_cells=[25, 50])``.

        A condition is a value (equality), a list/tuple/set of values (membership) or a
        callable taking the value and returning a bool.
        """
        unknown = sorted(set(conditions) - set(self.columns))
        if unknown:
            raise KeyError(f"no column(s) {unknown}; columns are {self.columns}.")

        def keep(row):
            for col, cond in conditions.items():
                value = row.get(col)
                if callable(cond):
                    ok = cond(value)
                elif isinstance(cond, (list, tuple, set, frozenset)):
                    ok = value in cond
                else:
                    ok = value == cond
                if not ok:
                    return False
            return True

        return ComparisonTable([r for r in self._rows if keep(r)])

    @property
    def n_failed(self) -> int:
        """Number of rows whose task failed (non-empty ``error``)."""
        return sum(1 for r in self._rows if r.get("error"))

    # --------------------------------------------------------------- files
    def to_csv(self, path) -> Path:
        """Write the table to ``path`` as CSV (atomically: a temporary file, then rename).

        Floats are written with full precision (``repr``), so :meth:`from_csv` gives back
        the same numbers; NaN is written as ``nan``.
        """
        from .._io import atomic_path

        path = Path(path)
        with atomic_path(path) as tmp:
            with open(tmp, "w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=self.columns, extrasaction="ignore")
                writer.writeheader()
                for row in self._rows:
                    writer.writerow({c: ("" if row.get(c) is None else row.get(c)) for c in self.columns})
        return path

    @classmethod
    def from_csv(cls, path) -> "ComparisonTable":
        """Read a table written by :meth:`to_csv` (known columns get their types back)."""
        path = Path(path)
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None:
                raise ValueError(f"{path} is empty; expected a CSV written by ComparisonTable.to_csv.")
            missing = [c for c in KEY_COLUMNS if c not in reader.fieldnames]
            if missing:
                raise ValueError(f"{path} lacks the column(s) {missing} of a comparison table.")
            rows = []
            for raw in reader:
                rows.append({k: (_parse(v, COLUMNS[k][0]) if k in COLUMNS else _guess(v)) for k, v in raw.items()})
        return cls(rows)

    def to_pandas(self):
        """The table as a ``pandas.DataFrame`` (needs pandas, which placedecode does not require)."""
        try:
            import pandas
        except ImportError as exc:
            raise ImportError("to_pandas() needs pandas (pip install pandas); the table itself "
                              "works without it: use table[column] or table.rows.") from exc
        return pandas.DataFrame({c: self[c] for c in self.columns})

    # ------------------------------------------------------------ summaries
    def _groups(self, by) -> dict:
        groups: dict[tuple, list[dict]] = {}
        for row in self._rows:
            groups.setdefault(tuple(row.get(c) for c in by), []).append(row)
        return groups

    def summary(self, value: str = "error_cm", by=("cells", "n_cells", "decoder")) -> "ComparisonTable":
        """Aggregate over seeds (and folds): one row per group of ``by``.

        Folds are averaged within each seed first, so the spread is across independent
        simulations (seeds), not across correlated folds of one recording. Failed rows are
        left out and counted.

        Parameters
        ----------
        value : str, default="error_cm"
            The column summarised as ``<value>_mean`` and ``<value>_sd`` (sd over seeds,
            ``ddof=1``; NaN with one seed).
        by : sequence of str, default=("cells", "n_cells", "decoder")
            Grouping columns, in order of first appearance.

        Returns
        -------
        ComparisonTable
            Columns ``*by``, ``n_seeds``, ``<value>_mean``, ``<value>_sd``, ``r2_mean``,
            ``fit_time_s_mean``, ``predict_time_s_mean``, ``chance_error_cm_mean`` (those
            present) and ``n_failed``.
        """
        for col in (*by, value, "seed"):
            if col not in self.columns:
                raise KeyError(f"no column {col!r}; columns are {self.columns}.")
        out = []
        extra = [c for c in ("r2", "fit_time_s", "predict_time_s", "chance_error_cm")
                 if c in self.columns and c != value]
        for key, rows in self._groups(by).items():
            ok = [r for r in rows if not r.get("error")]
            per_seed: dict = {}
            for r in ok:
                per_seed.setdefault(r["seed"], []).append(r)
            agg = {k: v for k, v in zip(by, key)}
            agg["n_seeds"] = len(per_seed)
            seed_means = {c: [_nanmean([r.get(c) for r in rs]) for rs in per_seed.values()]
                          for c in (value, *extra)}
            agg[f"{value}_mean"], agg[f"{value}_sd"] = _mean_sd(seed_means[value])
            for c in extra:
                agg[f"{c}_mean"] = _mean_sd(seed_means[c])[0]
            agg["n_failed"] = len(rows) - len(ok)
            out.append(agg)
        return ComparisonTable(out)

    def to_markdown(self, value: str = "error_cm", digits: int = 1, layout: str = "wide") -> str:
        """A Markdown table of ``value``: mean ± sd over seeds, grouped by cell type and n_cells.

        Parameters
        ----------
        value : str, default="error_cm"
            Column to show (``"error_cm"``, ``"median_error_cm"``, ``"r2"``, ``"fit_time_s"`` ...).
        digits : int, default=1
            Decimal places.
        layout : {"wide", "long"}, default="wide"
            ``"wide"``: one row per (cells, n_cells), one column per decoder. ``"long"``: one
            row per (cells, n_cells, decoder) with the number of seeds, R² and fit time too.

        Returns
        -------
        str
            The table, then a line saying what the numbers are. A table without the
            comparison columns (e.g. from :meth:`summary`) is rendered as is.
        """
        if layout not in ("wide", "long"):
            raise ValueError(f"layout must be 'wide' or 'long'; got {layout!r}.")
        if not self._rows:
            return "(empty comparison table)"
        needed = ("cells", "n_cells", "decoder", "seed", value)
        if any(c not in self.columns for c in needed):
            return _markdown(self.columns, [[r.get(c, "") for c in self.columns] for r in self._rows], digits)

        def cell(mean, sd):
            if not math.isfinite(mean):
                return "failed"
            return f"{mean:.{digits}f}" + ("" if not math.isfinite(sd) else f" ± {sd:.{digits}f}")

        summary = self.summary(value=value)
        seeds = sorted({r["n_seeds"] for r in summary if r["n_seeds"]}) or [0]
        failed = sum(r["n_failed"] for r in summary)
        # the chance level beside errors in cm: predicting the training mean (same for every decoder)
        chance = value == "error_cm" and any(math.isfinite(r.get("chance_error_cm_mean", math.nan))
                                             for r in summary)
        if layout == "wide":
            decoders = list(dict.fromkeys(r["decoder"] for r in summary))
            table: dict[tuple, dict] = {}
            for r in summary:
                entry = table.setdefault((r["cells"], r["n_cells"]), {})
                entry[r["decoder"]] = cell(
                    r[f"{value}_mean"], r[f"{value}_sd"]) + (f" ({r['n_failed']} failed)" if r["n_failed"] else "")
                if math.isfinite(r.get("chance_error_cm_mean", math.nan)):
                    entry.setdefault(" chance", cell(r["chance_error_cm_mean"], math.nan))
            header = ["cells", "n_cells", *decoders, *(["chance"] if chance else [])]
            body = [[c, n, *(row.get(d, "") for d in decoders), *([row.get(" chance", "")] if chance else [])]
                    for (c, n), row in table.items()]
        else:
            header = ["cells", "n_cells", "decoder", "seeds", value, *(["chance"] if chance else []), "R²",
                      "fit (s)", "failed"]
            body = [[r["cells"], r["n_cells"], r["decoder"], r["n_seeds"], cell(r[f"{value}_mean"], r[f"{value}_sd"]),
                     *([r.get("chance_error_cm_mean", math.nan)] if chance else []),
                     r.get("r2_mean", math.nan), r.get("fit_time_s_mean", math.nan), r["n_failed"]] for r in summary]
        unit = {"error_cm": "cm", "median_error_cm": "cm", "fit_time_s": "s", "predict_time_s": "s"}.get(value, "")
        note = (f"{value}: mean ± sd over {'/'.join(map(str, seeds))} seed(s) (folds averaged within a seed)"
                + (f"; {unit}." if unit else "."))
        if chance:
            note += " chance: the error of always predicting the training bins' mean position."
        if failed:
            note += f" {failed} task(s) failed: see the table's 'error' column."
        return _markdown(header, body, digits) + "\n\n" + note

    # -------------------------------------------------------------- display
    def _shape_text(self) -> str:
        if not self._rows:
            return "0 rows"
        parts = []
        for col, word in (("cells", "cell type"), ("n_cells", "n_cells"), ("decoder", "decoder"),
                          ("seed", "seed"), ("fold", "fold")):
            if col in self.columns:
                k = len({r.get(col) for r in self._rows})
                parts.append(f"{k} {word}{'s' if k != 1 and not word.endswith('s') else ''}")
        return f"{len(self)} rows: " + " x ".join(parts) + f"; {self.n_failed} failed"

    def __repr__(self) -> str:
        return f"ComparisonTable({self._shape_text()})"

    def __str__(self) -> str:
        return f"ComparisonTable({self._shape_text()})\n{self.to_markdown()}"


def _markdown(header, body, digits) -> str:
    def fmt(v):
        if isinstance(v, float):
            return "" if math.isnan(v) else f"{v:.{max(digits, 2)}f}" if abs(v) < 10 else f"{v:.{digits}f}"
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in body]
    return "\n".join(lines)
