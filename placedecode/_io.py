"""Writing files: atomically (a temporary file in the same folder, then ``os.replace``), and
checking an output folder before any work is done.

Every file placedecode writes -- figures, tables, cached trajectories, downloads, benchmark
results -- goes through :func:`atomic_path`, so a reader never sees a half-written file.
The temporary file is named ``.<name>.<random>.tmp<suffix>`` beside the target (the
suffix kept, because matplotlib and NumPy choose a format from it). A write killed
outright (SIGKILL, power loss) cannot remove its temporary file; the next write of the
same target removes such leftovers once they are :data:`STALE_AFTER_S` seconds old (a
temporary file that young may belong to a writer still at work in another process).
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from pathlib import Path

#: Age in seconds (since last modification) after which an orphaned temporary file is removed.
STALE_AFTER_S = 3600.0


def temporary_pattern(path, suffix: str | None = None) -> tuple[str, str]:
    """``(prefix, end)`` of the temporary files :func:`atomic_path` makes for ``path``."""
    path = Path(path)
    return f".{path.name}.", f".tmp{path.suffix if suffix is None else suffix}"


def remove_stale_temporaries(folder, prefix: str = ".", end: str = ".tmp", max_age_s: float = STALE_AFTER_S) -> list[Path]:
    """Remove files ``<folder>/<prefix>*<end>`` not modified for ``max_age_s`` seconds.

    Returns the paths removed. Errors (a file another process removed first, a folder
    that cannot be listed) are ignored: cleaning up must never fail a write.
    """
    removed = []
    now = time.time()
    pattern = os.path.join(glob.escape(str(folder)), glob.escape(prefix) + "*" + glob.escape(end))
    for name in glob.glob(pattern):  # the pattern starts with its dot, so hidden files match
        try:
            if now - os.stat(name).st_mtime >= max_age_s:
                os.unlink(name)
                removed.append(Path(name))
        except OSError:
            continue
    return removed


@contextlib.contextmanager
def atomic_path(path, suffix: str | None = None):
    """Yield a temporary path next to ``path``; move it onto ``path`` only on success.

    An exception (or Ctrl-C) inside the block removes the temporary file, so readers
    never see a half-written ``path``. The folder is created if needed; the file gets
    ordinary permissions (0644) and is flushed to disk before the rename.

    Parameters
    ----------
    path : str or Path
        The file to write.
    suffix : str, optional
        Suffix of the temporary file (default: ``path``'s own, e.g. ``".png"``).

    Examples
    --------
    >>> from placedecode._io import atomic_path
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "table.csv"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("a,b\\n1,2\\n")
    >>> target.read_text()
    'a,b\\n1,2\\n'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix, end = temporary_pattern(path, suffix)
    remove_stale_temporaries(path.parent, prefix, end)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=end, dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; give the result a regular file's permissions
        yield Path(tmp)
        _fsync(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _fsync(name: str) -> None:
    with contextlib.suppress(OSError):  # a file system without fsync still gets the rename
        fd = os.open(name, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def check_output_folder(path, name: str = "out") -> Path:
    """Check, before any work, that ``path`` is or can become a writable folder.

    Nothing is created: the folder itself if it exists, else its nearest existing parent,
    must be a folder this process may write into.

    Parameters
    ----------
    path : str or Path
        The output folder.
    name : str, default="out"
        How the caller's user names it (an argument such as ``"out"`` or an option such
        as ``"--out"``), for the messages.

    Returns
    -------
    Path
        ``path`` with ``~`` expanded.

    Raises
    ------
    TypeError
        If ``path`` is not a str or path-like.
    ValueError
        If ``path`` is a file, lies below a file, or its folder cannot be written; the
        message names ``name`` and what to do.
    """
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a folder path (str or Path); got {type(path).__name__} {path!r}.")
    path = Path(path).expanduser()
    if str(path) == "":
        raise ValueError(f"{name} must be a folder path; got an empty string.")
    if path.exists() and not path.is_dir():
        raise ValueError(f"{name} {str(path)!r} is a file, not a folder; pass a folder (created if missing).")
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ValueError(f"{name} {str(path)!r} cannot be created: {str(existing)!r} is a file; "
                         "pass a folder path.")
    if not os.access(existing, os.W_OK | os.X_OK):
        where = "" if existing == path else f" (in {str(existing)!r}, its nearest existing folder)"
        raise ValueError(f"{name} {str(path)!r} is not writable{where}: permission denied; pass a folder "
                         "you can write to.")
    return path
