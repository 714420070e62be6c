"""Where placedecode looks for data sets on disk: one rule for every loader, figure and test.

Searched, in order (nothing is created by looking):

1. a folder the caller passes (``root=`` of a loader, ``placedecode figures --data DIR``):
   only that folder;
2. else ``$PLACEDECODE_DATA`` when it is set and not empty: only that folder;
3. else ``~/.cache/placedecode/data`` (:func:`get_data_home`, where downloads go), then,
   when placedecode runs from a source checkout, ``../shared/data`` beside the repository
   (:func:`checkout_data_dir`).

Inside each of those, a data set named ``name`` is looked for as ``<folder>/name``, under
the group folders a loader names (``<folder>/hippocampus/name``), and -- for a folder the
user named -- as the folder itself (``root`` may point straight at the files).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

#: Environment variable naming the data folder (it replaces the default one).
DATA_ENV_VAR = "PLACEDECODE_DATA"


def get_data_home() -> Path:
    """Return the folder that holds one sub-folder per dataset.

    ``$PLACEDECODE_DATA`` if that environment variable is set and not empty, else
    ``~/.cache/placedecode/data``. The folder is not created here.

    Returns
    -------
    path : Path
        Absolute path, ``~`` expanded.
    """
    value = os.environ.get(DATA_ENV_VAR, "")
    if value:
        return Path(value).expanduser().absolute()
    return Path.home() / ".cache" / "placedecode" / "data"


def source_checkout() -> Path | None:
    """The repository root when placedecode runs from a source checkout, else None."""
    root = Path(__file__).resolve().parents[1]
    if (root / "pyproject.toml").is_file() and (root / "placedecode").is_dir():
        return root
    return None


def checkout_data_dir() -> Path | None:
    """``<repository>/../shared/data`` for a source checkout (whether or not it exists), else None."""
    root = source_checkout()
    return None if root is None else root.parent / "shared" / "data"


def data_roots(root=None) -> list[Path]:
    """The folders searched for data sets, most specific first (see the module docstring).

    Parameters
    ----------
    root : str or Path, optional
        A folder the user named; when given, it is the only one.

    Returns
    -------
    list of Path
    """
    if root is not None:
        return [Path(os.fspath(root)).expanduser().absolute()]
    if os.environ.get(DATA_ENV_VAR, ""):
        return [get_data_home()]
    roots = [get_data_home()]
    shared = checkout_data_dir()
    if shared is not None and shared.is_dir():
        roots.append(shared)
    return roots


def _normal(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def dataset_folders(name: str, root=None, groups=()) -> list[Path]:
    """Folders that may hold the data set ``name``, most likely first.

    Parameters
    ----------
    name : str
        The data set's folder name, e.g. ``"mnist"`` or ``"tampuu2019-openfield-2d"``.
    root : str or Path, optional
        A folder the user named (see :func:`data_roots`).
    groups : sequence of str, default=()
        Group folders the data set may sit in, e.g. ``("hippocampus",)``.

    Returns
    -------
    list of Path
        For each folder of :func:`data_roots`: ``<folder>/name``, ``<folder>/<group>/name``,
        and, for a folder the user named (``root`` or ``$PLACEDECODE_DATA``), the folder
        itself -- first when its own name is ``name`` (ignoring case, ``-`` and ``_``).
    """
    user_named = root is not None or bool(os.environ.get(DATA_ENV_VAR, ""))
    out: list[Path] = []
    for base in data_roots(root):
        inside = [base / name] + [base / group / name for group in groups]
        if not user_named:
            out += inside
        elif _normal(base.name) == _normal(name):
            out += [base, *inside]
        else:
            out += [*inside, base]
    return list(dict.fromkeys(out))


@contextlib.contextmanager
def data_folder(path):
    """Within the block, look for data in ``path`` only (sets ``$PLACEDECODE_DATA``).

    Used by the command line's ``--data DIR`` for code that has no ``root=`` argument.
    The variable's previous value (or absence) is restored afterwards.
    """
    old = os.environ.get(DATA_ENV_VAR)
    os.environ[DATA_ENV_VAR] = str(Path(path).expanduser().absolute())
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(DATA_ENV_VAR, None)
        else:
            os.environ[DATA_ENV_VAR] = old
