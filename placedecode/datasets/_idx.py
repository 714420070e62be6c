"""Reader for the IDX file format of MNIST and its family.

The format (LeCun et al., http://yann.lecun.com/exdb/mnist/) is a header then raw data,
every number big-endian:

======  =======================  ==================================================
offset  type                     meaning
======  =======================  ==================================================
0       2 bytes, always ``0``    —
2       1 byte                   data type: ``0x08`` uint8, ``0x09`` int8,
                                 ``0x0B`` int16, ``0x0C`` int32, ``0x0D`` float32,
                                 ``0x0E`` float64
3       1 byte                   number of dimensions ``ndim``
4       ``ndim`` × uint32        size of each dimension, the first one is the number
                                 of items (images or labels)
4+4·nd  ``prod(dims)`` values    the data, C order
======  =======================  ==================================================

So MNIST images start with the magic number ``0x00000803`` = 2051 (uint8, 3 dimensions:
n × 28 × 28) and labels with ``0x00000801`` = 2049 (uint8, 1 dimension: n).

Files may be gzip-compressed; compression is recognised from the content (the gzip
signature ``1f 8b``), not from the file name. A file is checked to hold exactly the number
of bytes its header announces: fewer means truncated, more means it is not one IDX array.
"""

from __future__ import annotations

import gzip
import io
import math
import numbers
import os
import zlib
from typing import BinaryIO

import numpy as np

from ._errors import DatasetError

#: IDX type code → NumPy dtype of the values as stored (big-endian).
IDX_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

_TYPE_NAMES = {
    0x08: "unsigned byte",
    0x09: "signed byte",
    0x0B: "int16",
    0x0C: "int32",
    0x0D: "float32",
    0x0E: "float64",
}

GZIP_SIGNATURE = b"\x1f\x8b"


def describe_magic(magic: int) -> str:
    """Return ``magic`` in words, e.g. ``'2051 (0x00000803: unsigned byte, 3 dimensions)'``."""
    if magic >> 16:
        return f"{magic} (0x{magic:08X}: not an IDX header, whose first two bytes are zero)"
    type_code, ndim = (magic >> 8) & 0xFF, magic & 0xFF
    what = _TYPE_NAMES.get(type_code, f"unknown type code 0x{type_code:02X}")
    return f"{magic} (0x{magic:08X}: {what}, {ndim} dimension{'s' if ndim != 1 else ''})"


def is_gzip(data: bytes) -> bool:
    """Return True if ``data`` starts with the gzip signature ``1f 8b``."""
    return data[:2] == GZIP_SIGNATURE


def parse_idx(
    data: bytes,
    source: str = "<bytes>",
    *,
    max_items: int | None = None,
    expected_magic: int | None = None,
) -> np.ndarray:
    """Parse the bytes of an IDX file (gzip-compressed or not) into an array.

    Parameters
    ----------
    data : bytes
        Content of the file as stored on disk; gzip is detected from its first bytes.
    source : str, default="<bytes>"
        Name used in error messages (the file path).
    max_items : int or None, default=None
        Parse only the first ``max_items`` items along the first dimension (fewer if
        the file holds fewer). Only that prefix is decompressed, so the file's tail is
        neither read nor checked. ``None`` parses everything and checks that the file
        ends exactly where its header says.
    expected_magic : int or None, default=None
        If given, the magic number the file must start with, e.g. 2051 for images.

    Returns
    -------
    array : ndarray of shape ``dims`` from the header (first axis cut to ``max_items``)
        Values in native byte order with the dtype of the type code (``uint8`` for
        MNIST). For ``uint8`` data the array is a read-only view of the decompressed
        bytes.

    Raises
    ------
    DatasetError
        If the gzip stream is corrupt or truncated, the magic number is invalid or not
        ``expected_magic``, or the data is shorter or longer than the header says.
    """
    return parse_idx_with_dims(
        data, source, max_items=max_items, expected_magic=expected_magic
    )[0]


def parse_idx_with_dims(
    data: bytes,
    source: str = "<bytes>",
    *,
    max_items: int | None = None,
    expected_magic: int | None = None,
) -> tuple[np.ndarray, tuple[int, ...]]:
    """Like :func:`parse_idx`, also returning the dimensions announced by the header.

    The first dimension is the file's full item count even when ``max_items`` cuts the
    array short.
    """
    if max_items is not None and (
        isinstance(max_items, bool) or not isinstance(max_items, numbers.Integral) or max_items < 0
    ):
        raise ValueError(f"max_items must be None or an int >= 0; got {max_items!r}.")
    if is_gzip(data):
        stream: BinaryIO = gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb")
        kind = "gzip-compressed IDX file"
    else:
        stream = io.BytesIO(data)
        kind = "IDX file"
    try:
        return _parse_stream(stream, source, kind, max_items, expected_magic)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DatasetError(
            f"{source}: the gzip stream is corrupt or truncated ({exc}). The file was "
            "probably cut short or damaged in a copy or download; delete it and fetch it "
            "again."
        ) from exc


def read_idx(path: str | os.PathLike, *, max_items: int | None = None) -> np.ndarray:
    """Read an IDX file, gzip-compressed or not, into a NumPy array.

    No checksum is verified here: :func:`placedecode.datasets.load_mnist` does that for
    the files it knows. The structure is always checked (see :func:`parse_idx`).

    Parameters
    ----------
    path : str or path-like
        The file, e.g. ``"train-images-idx3-ubyte.gz"`` or ``"train-images-idx3-ubyte"``.
    max_items : int or None, default=None
        Read only the first ``max_items`` items (see :func:`parse_idx`).

    Returns
    -------
    array : ndarray
        Shape from the file's header, e.g. ``(60000, 28, 28)`` ``uint8`` for MNIST's
        training images or ``(60000,)`` ``uint8`` for its labels.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    DatasetError
        If the file is not a well-formed IDX file.

    Examples
    --------
    >>> from placedecode.datasets import read_idx
    >>> images = read_idx("train-images-idx3-ubyte.gz")  # doctest: +SKIP
    >>> images.shape, images.dtype  # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'))
    """
    path = os.fspath(path)
    with open(path, "rb") as fh:
        data = fh.read()
    return parse_idx(data, path, max_items=max_items)


def _read_exactly(stream: BinaryIO, n: int) -> bytes:
    chunk = stream.read(n)
    return chunk if chunk is not None else b""


def _parse_stream(
    stream: BinaryIO,
    source: str,
    kind: str,
    max_items: int | None,
    expected_magic: int | None,
) -> tuple[np.ndarray, tuple[int, ...]]:
    head = _read_exactly(stream, 4)
    if len(head) < 4:
        raise DatasetError(
            f"{source}: {kind} is truncated: it holds {len(head)} byte(s), fewer than "
            "the 4-byte magic number. Delete it and fetch it again."
        )
    magic = int.from_bytes(head, "big")
    type_code, ndim = head[2], head[3]
    if head[:2] != b"\x00\x00" or type_code not in IDX_DTYPES or ndim == 0:
        hint = ""
        if head.lstrip()[:1] == b"<":
            hint = " It looks like an HTML or XML page (a failed download saves an error page)."
        raise DatasetError(
            f"{source}: not an IDX file: its magic number is {describe_magic(magic)}; an "
            "IDX file starts with two zero bytes, a type code in "
            f"{{{', '.join(f'0x{c:02X}' for c in IDX_DTYPES)}}} and a number of "
            f"dimensions >= 1.{hint} Delete it and fetch the original file again."
        )
    if expected_magic is not None and magic != expected_magic:
        raise DatasetError(
            f"{source}: wrong magic number {describe_magic(magic)}; expected "
            f"{describe_magic(expected_magic)}. Is it the other file of the pair (images "
            "vs labels), or a file of another dataset? Put the right file under this name."
        )
    dims_bytes = _read_exactly(stream, 4 * ndim)
    if len(dims_bytes) < 4 * ndim:
        raise DatasetError(
            f"{source}: {kind} is truncated inside its header ({ndim} dimension sizes "
            f"announced, {len(dims_bytes)} of {4 * ndim} bytes present). Delete it and "
            "fetch it again."
        )
    dims = tuple(int(d) for d in np.frombuffer(dims_bytes, dtype=">u4"))
    dtype = IDX_DTYPES[type_code]
    n_total = dims[0]
    n_items = n_total if max_items is None else min(int(max_items), n_total)
    item_bytes = math.prod(dims[1:]) * dtype.itemsize
    needed = n_items * item_bytes
    payload = _read_exactly(stream, needed)
    if len(payload) < needed:
        raise DatasetError(
            f"{source}: {kind} is truncated: its header announces shape {dims} of "
            f"{dtype.name} ({n_total * item_bytes} data bytes), but only {len(payload)} "
            f"of the {needed} bytes needed are present. Delete it and fetch it again."
        )
    if max_items is None:
        extra = len(stream.read())
        if extra:
            raise DatasetError(
                f"{source}: {kind} has {extra} byte(s) after the {needed} data bytes its "
                f"header announces (shape {dims}). It is not a single IDX array: perhaps "
                "two files were concatenated or the header is wrong. Fetch the original "
                "file again."
            )
    array = np.frombuffer(payload, dtype=dtype).reshape((n_items, *dims[1:]))
    if dtype.itemsize > 1:
        array = array.astype(dtype.newbyteorder("="))
    return array, dims
