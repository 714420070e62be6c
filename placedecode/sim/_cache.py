"""On-disk cache of simulated trajectories (the slow part of a simulation).

Location: ``$PLACEDECODE_CACHE/trajectories`` if the environment variable is set, else
``$XDG_CACHE_HOME/placedecode/trajectories`` (``~/.cache/placedecode/trajectories``).
Files are ``.npz`` archives named by a SHA-256 key of every parameter that shapes the path
(duration, dt, environment, agent parameters, source, seed, RatInABox version). They are
written atomically (temporary file in the same folder, then ``os.replace``), so an
interrupted run never leaves a half-written file; a file that cannot be read is deleted
and regenerated with a warning.
"""

from __future__ import annotations

import os
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np

CACHE_ENV_VAR = "PLACEDECODE_CACHE"
_FORMAT = 1


def cache_dir() -> Path:
    """The folder that holds cached trajectories (not created by this call)."""
    root = os.environ.get(CACHE_ENV_VAR)
    if root:
        return Path(root).expanduser() / "trajectories"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "placedecode" / "trajectories"


def cache_path(key: str) -> Path:
    return cache_dir() / f"trajectory-{key[:24]}.npz"


def load(key: str, expected: tuple[str, ...]) -> dict | None:
    """Arrays stored under ``key``, or None on a miss. A corrupt file is removed with a warning."""
    path = cache_path(key)
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: np.array(data[name]) for name in data.files}
        if int(arrays.get("_format", -1)) != _FORMAT or str(arrays.get("_key")) != key:
            raise ValueError("format or key mismatch")
        missing = [name for name in expected if name not in arrays]
        if missing:
            raise ValueError(f"missing arrays {missing}")
        return arrays
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        warnings.warn(
            f"Discarding unreadable trajectory cache file {path} ({exc}); it will be "
            "regenerated.",
            RuntimeWarning,
            stacklevel=3,
        )
        try:
            path.unlink()
        except OSError:
            pass
        return None


def save(key: str, arrays: dict) -> Path | None:
    """Write ``arrays`` atomically under ``key``; warn (don't fail) if the folder is unwritable."""
    path = cache_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, _format=_FORMAT, _key=key, **arrays)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as exc:
        warnings.warn(
            f"Could not write the trajectory cache in {path.parent} ({exc}); continuing "
            f"without caching. Set {CACHE_ENV_VAR} to a writable folder or pass cache=False.",
            RuntimeWarning,
            stacklevel=3,
        )
        return None
    return path
