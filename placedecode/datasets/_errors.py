"""Exceptions raised by :mod:`placedecode.datasets`.

=================  ===============  ==================================================
``DatasetError``   ``ValueError``   a data file is malformed: wrong magic number,
                                    truncated, inconsistent dimensions or counts
``ChecksumError``  ``DatasetError`` a file's SHA-256 differs from the known one
``DownloadError``  ``OSError``      no mirror delivered a verified file
``DataWarning``    ``UserWarning``  a recording was loaded, but some of it was faulty
                                    or left out (glitchy tracking, silent units)
=================  ===============  ==================================================

A missing file raises the built-in :class:`FileNotFoundError`. Every message names the
file concerned, says what was wrong and what to do about it.
"""

from __future__ import annotations


class DatasetError(ValueError):
    """A data file exists but its content is not what was expected.

    Raised for a wrong magic number, a truncated or over-long file, a corrupt gzip
    stream, image dimensions or sample counts that do not match, labels out of range.
    """


class ChecksumError(DatasetError):
    """A file's SHA-256 differs from the official one recorded in the registry."""


class DownloadError(OSError):
    """No mirror delivered a file whose SHA-256 matches the official one.

    Attributes
    ----------
    failures : list of (str, str)
        One ``(url, reason)`` pair per mirror tried, in the order they were tried.
    """

    def __init__(self, message: str, failures: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.failures = list(failures or [])

    def __str__(self) -> str:  # OSError's own __str__ would prepend errno fields
        return self.args[0]


class DataWarning(UserWarning):
    """A recording loaded, but part of it was faulty or left out.

    Raised (as a warning) by :func:`~placedecode.datasets.from_spike_times` and
    :func:`~placedecode.datasets.linearize` with a one-paragraph summary: tracking samples
    dropped (repeated timestamps, NaN, frozen, out of the arena, glitches), bins without a
    position, units that never fire. The full account is ``rec.metadata["report"]``.
    """
