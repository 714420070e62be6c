"""On-disk cache of simulated trajectories (the slow part of a simulation).

Location: ``$PLACEDECODE_CACHE/trajectories`` if the environment variable is set, else
``$XDG_CACHE_HOME/placedecode/trajectories`` (``~/.cache/placedecode/trajectories``).
Files are ``.npz`` archives named ``trajectory-v<format>-<key>.npz`` by a SHA-256 key of
every parameter that shapes the path (duration, dt, environment, agent parameters,
source, seed, RatInABox version; see :func:`placedecode._hashing.digest`).

The cache is only ever a shortcut, so nothing about it may fail a simulation:

* files are written with :func:`placedecode._io.atomic_path` (temporary file, then
  ``os.replace``), so an interrupted run never leaves a half-written file, and temporary
  files orphaned by a killed writer are removed by later writes once stale;
* a file that cannot be opened (another user's, wrong permissions) is recomputed with a
  warning; one that is truncated or corrupt is closed, deleted and recomputed with a
  warning; a folder that cannot be written only warns;
* a file written by another cache format (:data:`FORMAT`; older placedecode versions used
  other names and keys) is never read as this one: it is ignored and replaced.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from pathlib import Path

import numpy as np

from .._io import atomic_path, remove_stale_temporaries

CACHE_ENV_VAR = "PLACEDECODE_CACHE"
#: Version of the file layout and of the key's meaning; part of every file name.
FORMAT = 2


def cache_dir() -> Path:
    """The folder that holds cached trajectories (not created by this call)."""
    root = os.environ.get(CACHE_ENV_VAR)
    if root:
        return Path(root).expanduser() / "trajectories"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "placedecode" / "trajectories"


def cache_path(key: str) -> Path:
    """The file of the trajectory with cache key ``key`` (a hex digest)."""
    return cache_dir() / f"trajectory-v{FORMAT}-{key[:24]}.npz"


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=4)


def load(key: str, expected: tuple[str, ...]) -> dict | None:
    """Arrays stored under ``key``, or None on a miss (see the module for what counts as one)."""
    path = cache_path(key)
    try:
        fh = open(path, "rb")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:  # PermissionError, IsADirectoryError, a folder we cannot enter ...
        _warn(f"Cannot read the trajectory cache file {path} ({type(exc).__name__}: {exc.strerror or exc}); "
              "recomputing the trajectory.")
        return None
    problem = None
    with fh:
        try:
            with np.load(fh, allow_pickle=False) as data:
                arrays = {name: np.array(data[name]) for name in data.files}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            problem = f"{type(exc).__name__}: {exc}"
    if problem is None:
        if "_format" not in arrays or int(arrays["_format"]) != FORMAT:
            return None  # another cache format under this name: ignored, replaced on save
        missing = [name for name in expected if name not in arrays]
        if str(arrays.get("_key")) != key:
            problem = "it holds another key"
        elif missing:
            problem = f"missing arrays {missing}"
        else:
            return arrays
    _warn(f"Discarding unreadable trajectory cache file {path} ({problem}); it will be regenerated.")
    try:
        path.unlink()
    except OSError:
        pass
    return None


def save(key: str, arrays: dict) -> Path | None:
    """Write ``arrays`` atomically under ``key``; warn (don't fail) if that is impossible."""
    path = cache_path(key)
    try:
        with atomic_path(path) as tmp:
            np.savez(tmp, _format=FORMAT, _key=key, **arrays)
        remove_stale_temporaries(path.parent, ".", ".npz")  # leftovers of other keys' killed writes
    except OSError as exc:
        _warn(f"Could not write the trajectory cache file {path} ({type(exc).__name__}: "
              f"{exc.strerror or exc}); continuing without caching. Set {CACHE_ENV_VAR} to a writable "
              "folder or pass cache=False.")
        return None
    return path
