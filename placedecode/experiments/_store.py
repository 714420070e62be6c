"""The append-only result log that lets an interrupted sweep resume.

A finished task is one JSON line in ``<out>/results.jsonl``, written and flushed as soon as
it finishes; a later run with the same ``out`` reuses every line whose key matches and
whose task did not fail. Keys come from :func:`placedecode._hashing.digest` of the task's
identity and settings, with :data:`KEY_VERSION` inside, so lines written by an older
placedecode (other keys) are simply never matched.

The log must survive whatever happens to a file: a line torn by a killed process, a stray
byte that is not UTF-8, a run of NUL bytes after a crash, a line edited by hand. Each line
is decoded and checked on its own; a damaged one is skipped and reported (a warning with
its line number), never fatal, and its task is recomputed.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import warnings
from pathlib import Path

import numpy as np

from ._table import COLUMNS

LOG_NAME = "results.jsonl"
#: Part of every task key; raise it when the meaning of a key's inputs changes.
KEY_VERSION = 2


def _jsonable(value):
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _valid(record) -> bool:
    """Whether a decoded line is a row this placedecode wrote: a str key, typed known columns."""
    if not isinstance(record, dict) or not isinstance(record.get("key"), str):
        return False
    for column, value in record.items():
        kind = COLUMNS.get(column, (None,))[0]
        if value is None or kind is None:
            continue
        if isinstance(value, bool):
            return False
        if kind is float and not isinstance(value, numbers.Real):
            return False
        if kind is int and not isinstance(value, int):
            return False
        if kind is str and not isinstance(value, str):
            return False
    return True


class ResultLog:
    """``<folder>/results.jsonl``: one finished task per line, appended and flushed."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.path = self.folder / LOG_NAME
        self._fh = None

    def load(self) -> dict[str, dict]:
        """Finished rows by key (the last line wins; failed tasks and damaged lines are dropped).

        Raises
        ------
        OSError
            If the log exists but cannot be read (the message names the file and ``out``).
        """
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise OSError(f"out={str(self.folder)!r}: cannot read the results log {self.path} "
                          f"({exc.strerror or exc}); fix its permissions or pass another out.") from None
        rows, bad = {}, []
        for number, raw in enumerate(data.split(b"\n"), start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
                record = None
            if not _valid(record):
                bad.append(number)
                continue
            key = record.pop("key")
            if record.get("error"):
                rows.pop(key, None)  # failed: recompute on resume
            else:
                rows[key] = {k: (math.nan if v is None and COLUMNS.get(k, (None,))[0] is float else v)
                             for k, v in record.items()}
        if bad:
            shown = ", ".join(map(str, bad[:10])) + (f" and {len(bad) - 10} more" if len(bad) > 10 else "")
            warnings.warn(f"Ignored {len(bad)} unreadable line(s) in {self.path} (line {shown}: damaged "
                          "or interrupted writes); those tasks will be recomputed.", RuntimeWarning, stacklevel=3)
        return rows

    def __enter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        torn = self.path.exists() and self.path.stat().st_size > 0 and not self._ends_with_newline()
        self._fh = open(self.path, "a", encoding="utf-8")
        if torn:
            self._fh.write("\n")
        return self

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"\n"

    def append(self, key: str, row: dict) -> None:
        """Write one finished task and flush it to disk."""
        record = {"key": key, **{k: _jsonable(v) for k, v in row.items()}}
        self._fh.write(json.dumps(record, allow_nan=True) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def __exit__(self, *exc):
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        return False
