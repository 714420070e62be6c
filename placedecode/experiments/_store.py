"""Keys and the append-only result log that lets an interrupted sweep resume.

Every task gets a key: a SHA-256 of its identity (cells, n_cells, decoder name, seed, fold),
the decoder's class and parameters, and the run settings (duration, dt, environment, noise,
max_fr, cross-validation, placedecode version). A finished task is one JSON line in
``<out>/results.jsonl``, written and flushed as soon as it finishes; a later run with the
same ``out`` reuses every line whose key matches and whose task did not fail.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import warnings
from pathlib import Path

import numpy as np

LOG_NAME = "results.jsonl"


def canonical(value):
    """A JSON-friendly, order-independent description of ``value`` for hashing.

    Estimators become their class and parameters (recursively), RatInABox Environments their
    parameters and walls, arrays lists, floats their ``repr``; anything else its ``repr``
    (an object whose repr holds a memory address therefore never matches a previous run,
    which only costs a recomputation).
    """
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, np.ndarray):
        return canonical(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if value is None or isinstance(value, str):
        return value
    cls = type(value)
    name = f"{cls.__module__}.{cls.__qualname__}"
    if hasattr(value, "get_params"):
        try:
            return {"class": name, "params": canonical(value.get_params(deep=False))}
        except Exception:  # noqa: BLE001 - an odd get_params only costs the resume
            pass
    if isinstance(getattr(value, "params", None), dict):  # a RatInABox Environment
        return {
            "class": name,
            "params": canonical(value.params),
            "walls": canonical(getattr(value, "walls", None)),
            "holes": canonical(list(getattr(value, "holes", []) or [])),
        }
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return repr(value)


def digest(value) -> str:
    """Hex SHA-256 of the canonical JSON of ``value``."""
    text = json.dumps(canonical(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def derive_seed(seed: int, *keys) -> int:
    """A child seed in ``[0, 2**32)`` of ``seed`` for the stream named by ``keys``.

    The same (seed, keys) always gives the same child, whatever the process or task order.
    """
    words = [int(seed)]
    for key in keys:
        words.extend(str(key).encode() if isinstance(key, str) else [int(key)])
        words.append(0)  # separator, so ("ab", "c") and ("a", "bc") differ
    return int(np.random.SeedSequence(words).generate_state(1, dtype=np.uint32)[0])


def _jsonable(value):
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


class ResultLog:
    """``<folder>/results.jsonl``: one finished task per line, appended and flushed."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.path = self.folder / LOG_NAME
        self._fh = None

    def load(self) -> dict[str, dict]:
        """Finished rows by key (the last line wins; failed tasks and torn lines are dropped)."""
        if not self.path.exists():
            return {}
        rows, bad = {}, 0
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                try:
                    record = json.loads(line)
                    key = record.pop("key")
                except (ValueError, KeyError, AttributeError):
                    bad += 1
                    continue
                if record.get("error"):
                    rows.pop(key, None)  # failed: recompute on resume
                else:
                    rows[key] = {k: (math.nan if v is None and k.endswith(("_cm", "_s", "r2")) else v)
                                 for k, v in record.items()}
        if bad:
            warnings.warn(f"Ignored {bad} unreadable line(s) in {self.path} (an interrupted write); "
                          "those tasks will be recomputed.", RuntimeWarning, stacklevel=3)
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
