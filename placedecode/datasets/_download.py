"""Fetch one file from a list of mirrors, verified, written atomically.

The bytes are streamed into a temporary file in the destination folder while their
SHA-256 is computed (:func:`placedecode._io.atomic_path`); only when the sum matches is
the temporary file renamed onto the final name (:func:`os.replace`, atomic on POSIX and
Windows within one folder). Whatever goes wrong (network error, wrong checksum, Ctrl-C)
the temporary file is removed, so the final name either does not exist or holds the
verified file. Two processes downloading
the same file at once each write their own temporary file and the last rename wins;
both are the same verified bytes.
"""

from __future__ import annotations

import hashlib
import http.client
from pathlib import Path
from urllib.request import Request, urlopen

from .._io import atomic_path
from ._errors import DownloadError

_CHUNK = 1 << 20  # bytes read per call while streaming
_USER_AGENT = "placedecode (https://pypi.org/project/placedecode/)"


def _urlopen(url: str, timeout: float):
    """Open ``url`` for reading; a module-level name so tests can replace it."""
    return urlopen(Request(url, headers={"User-Agent": _USER_AGENT}), timeout=timeout)


def download_file(
    filename: str,
    sha256: str,
    mirrors: tuple[str, ...] | list[str],
    folder: Path,
    *,
    timeout: float = 60.0,
) -> Path:
    """Download ``filename`` from the first mirror that serves it with the right SHA-256.

    Parameters
    ----------
    filename : str
        File name, appended to each mirror's base URL and used in ``folder``.
    sha256 : str
        Expected SHA-256 of the file, 64 hex digits.
    mirrors : sequence of str
        Base URLs ending in ``/``, tried in order.
    folder : Path
        Destination folder; created if missing (and removed again, if it was created
        here and stays empty because every mirror failed).
    timeout : float, default=60.0
        Seconds to wait for each connection or read.

    Returns
    -------
    path : Path
        ``folder / filename``, holding the verified file.

    Raises
    ------
    DownloadError
        If no mirror delivered the file with the right checksum; ``failures`` lists
        each URL with its reason.
    """
    folder = Path(folder)
    created = _mkdir_tracked(folder)
    failures: list[tuple[str, str]] = []
    done = False
    try:
        for base in mirrors:
            url = base + filename
            try:
                _fetch_verified(url, sha256, folder / filename, timeout)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                # URLError/HTTPError/timeouts are OSError; a bad checksum is ValueError.
                failures.append((url, f"{type(exc).__name__}: {exc}"))
                continue
            done = True
            return folder / filename
    finally:
        if not done:  # also on Ctrl-C: leave no empty folder behind
            _remove_empty(created)
    lines = "\n".join(f"  {url}: {reason}" for url, reason in failures) or "  (no mirrors)"
    raise DownloadError(
        f"Could not download {filename} with SHA-256 {sha256}; nothing was written to "
        f"{folder}. Tried:\n{lines}\nCheck the network connection and retry, or download "
        f"the file by hand from one of these URLs into {folder}.",
        failures,
    )


def _fetch_verified(url: str, sha256: str, final: Path, timeout: float) -> None:
    """Stream ``url`` into a temporary file next to ``final``; rename if it verifies."""
    with atomic_path(final, suffix=".part") as tmp:  # removed on any error, also Ctrl-C
        digest = hashlib.sha256()
        n_bytes = 0
        with open(tmp, "wb") as out, _urlopen(url, timeout) as response:
            while chunk := response.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
                n_bytes += len(chunk)
        got = digest.hexdigest()
        if got != sha256:
            raise ValueError(
                f"SHA-256 mismatch: got {got} for {n_bytes} bytes, expected {sha256} "
                "(corrupt, truncated or a different file; discarded)"
            )


def _mkdir_tracked(folder: Path) -> Path | None:
    """Create ``folder`` (and parents); return the topmost folder created, or None."""
    topmost = None
    for parent in [folder, *folder.parents]:
        if parent.exists():
            break
        topmost = parent
    folder.mkdir(parents=True, exist_ok=True)
    return topmost


def _remove_empty(topmost: Path | None) -> None:
    """Remove the folders :func:`_mkdir_tracked` created, if they are still empty."""
    if topmost is None:
        return
    for path in sorted((p for p in topmost.rglob("*") if p.is_dir()), reverse=True):
        try:
            path.rmdir()
        except OSError:
            return
    try:
        topmost.rmdir()
    except OSError:
        pass
