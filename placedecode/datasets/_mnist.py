"""Load MNIST, Fashion-MNIST and KMNIST from their original IDX files.

Where the files are looked for
------------------------------
* ``root`` given: ``root/<name>`` and ``root`` itself, so ``root`` may be the dataset's
  folder or its parent. (When ``root``'s own name is the dataset's name, ``root`` is
  tried first.)
* else, if the environment variable ``PLACEDECODE_DATA`` is set: the same two places with
  its value in place of ``root``;
* else ``~/.cache/placedecode/data/<name>``, then, in a source checkout,
  ``../shared/data/<name>`` beside the repository (the rule of :mod:`placedecode._paths`).

Each file may be gzip-compressed as distributed (``train-images-idx3-ubyte.gz``) or
decompressed (``train-images-idx3-ubyte``); the images and labels of a split must be in
the same folder.

Verification
------------
With ``verify=True`` (default) each file's SHA-256 is compared with the official one
before it is parsed: a ``.gz`` file against the sum of the distributed file, an
uncompressed one against the sum of its decompressed content (see the registry's notes).
The sum is recomputed on every load, without a cache: hashing costs about 10 ms for
MNIST's 9.9 MB training images ``.gz`` (≈50 ms for the 47 MB uncompressed file), against
roughly 0.4 s to decompress it and 0.1 s to convert it to float32, so a cache keyed on size
and modification time would save a few per cent while adding a way to trust a file that
changed. The structure (magic numbers, dimensions, lengths, counts, label range) is
always checked.
"""

from __future__ import annotations

import hashlib
import numbers
import os
from pathlib import Path

import numpy as np

from .._paths import DATA_ENV_VAR as ENV_VAR
from .._paths import dataset_folders, get_data_home  # noqa: F401 - get_data_home is public here
from ._download import download_file
from ._errors import ChecksumError, DatasetError
from ._idx import is_gzip, parse_idx_with_dims
from ._registry import IDXDataset, IDXFile, get_dataset, identify_checksum

IMAGES_MAGIC = 0x00000803  # 2051: unsigned bytes, 3 dimensions (n, rows, columns)
LABELS_MAGIC = 0x00000801  # 2049: unsigned bytes, 1 dimension (n,)


def _candidate_dirs(key: str, root) -> list[Path]:
    """Folders where the dataset ``key`` may live, most likely first (see :mod:`placedecode._paths`)."""
    return dataset_folders(key, root)


def _find(folder: Path, spec: IDXFile) -> Path | None:
    for name in (spec.filename, spec.raw_filename):
        path = folder / name
        if path.is_file():
            return path
    return None


def _locate(key: str, dataset: IDXDataset, split: str, dirs: list[Path]) -> tuple[Path, Path]:
    """Return the paths of the split's images and labels files, or raise FileNotFoundError."""
    images_spec, labels_spec = dataset.files[split]
    partial = []
    for folder in dirs:
        images, labels = _find(folder, images_spec), _find(folder, labels_spec)
        if images is not None and labels is not None:
            return images, labels
        if images is not None or labels is not None:
            found, missing = (images, labels_spec) if images is not None else (labels, images_spec)
            partial.append(f"Found {found} but not {missing.filename} (or "
                           f"{missing.raw_filename}) beside it.")
    looked = "\n".join(
        f"  {folder / name}"
        for folder in dirs
        for spec in (images_spec, labels_spec)
        for name in (spec.filename, spec.raw_filename)
    )
    how = [
        f"  - load_mnist({key!r}, split={split!r}, download=True) downloads the official "
        f"files into {_download_dir(dataset, split, dirs)} and verifies their SHA-256"
        + (f" (from {dataset.mirrors[0]})" if dataset.mirrors else ""),
        f"  - or copy {images_spec.filename} and {labels_spec.filename} (gzipped or not) "
        "into one of the folders above",
        f"  - or pass root=<folder> or set the environment variable {ENV_VAR} to the folder "
        f"that holds them, or to its parent holding a '{key}' folder",
    ]
    if not dataset.mirrors or not all(s.sha256 for s in dataset.files[split]):
        how = how[1:]
    raise FileNotFoundError(
        f"Could not find the {split!r} split of {key}. Looked for:\n{looked}\n"
        + "".join(f"{line}\n" for line in partial)
        + "To get it:\n"
        + "\n".join(how)
    )


def _download_dir(dataset: IDXDataset, split: str, dirs: list[Path]) -> Path:
    """Where missing files go: the first folder already holding a file of the split."""
    for folder in dirs:
        if any(_find(folder, spec) for spec in dataset.files[split]):
            return folder
    return dirs[0]


def _download_split(
    key: str, dataset: IDXDataset, split: str, dirs: list[Path], timeout: float
) -> Path:
    folder = _download_dir(dataset, split, dirs)
    for spec in dataset.files[split]:
        if _find(folder, spec) is not None:
            continue  # verified when loaded
        if spec.sha256 is None or not dataset.mirrors:
            raise ValueError(
                f"Cannot download {key}'s {spec.filename}: the registry entry has "
                + ("no SHA-256 for it" if spec.sha256 is None else "no mirrors")
                + f", and placedecode only downloads verified files. Copy it into {folder}."
            )
        download_file(spec.filename, spec.sha256, dataset.mirrors, folder, timeout=timeout)
    return folder


def _read_checked(
    path: Path,
    spec: IDXFile,
    key: str,
    split: str,
    expected_magic: int,
    verify: bool,
    max_items: int | None,
) -> tuple[np.ndarray, tuple[int, ...]]:
    """Read ``path``, verify its SHA-256 if known and ``verify``, parse it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OSError(f"Could not read {path}: {exc}") from exc
    if verify:
        compressed = is_gzip(data)
        expected = spec.sha256 if compressed else spec.sha256_raw
        if expected is not None:
            got = hashlib.sha256(data).hexdigest()
            if got != expected:
                form = "gzip file" if compressed else "uncompressed file"
                other = identify_checksum(got)
                hint = (
                    f" These bytes are {other}: a file of another dataset or split is in "
                    "this folder."
                    if other
                    else " The file is corrupt, truncated or not the official version."
                )
                raise ChecksumError(
                    f"{path}: SHA-256 of this {form} ({len(data)} bytes) is {got}, but "
                    f"the official {key} {spec.filename if compressed else spec.raw_filename}"
                    f" has {expected}.{hint} Delete it, then run load_mnist({key!r}, "
                    f"split={split!r}, download=True) or copy the original file there. "
                    "(verify=False skips this check.)"
                )
    return parse_idx_with_dims(data, str(path), max_items=max_items, expected_magic=expected_magic)


def _check_n_samples(n_samples):
    if n_samples is None:
        return None
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) or n_samples < 1:
        raise ValueError(f"n_samples must be None or an int >= 1; got {n_samples!r}.")
    return int(n_samples)


def load_mnist(
    name: str = "mnist",
    split: str = "train",
    *,
    root: str | os.PathLike | None = None,
    download: bool = False,
    verify: bool = True,
    n_samples: int | None = None,
    as_images: bool = False,
    return_X_y: bool = True,
    timeout: float = 60.0,
):
    """Load one split of MNIST, Fashion-MNIST or KMNIST from its original IDX files.

    Parameters
    ----------
    name : {"mnist", "fashion-mnist", "kmnist"} or a key of ``MNIST_DATASETS``
        Dataset; case, ``-`` and ``_`` are ignored (``"fashion_mnist"`` works).
    split : {"train", "test"}, default="train"
        60,000 training or 10,000 test samples (for the three built-in datasets).
    root : str, path-like or None, default=None
        Folder holding the files, or its parent holding a ``<name>`` folder. ``None``:
        ``$PLACEDECODE_DATA`` (same rule) or ``~/.cache/placedecode/data/<name>``.
    download : bool, default=False
        Download the split's missing files from the registry's mirrors. Each file is
        verified by SHA-256 before being renamed into place; a failed download leaves
        nothing behind. Files already present are not downloaded again.
    verify : bool, default=True
        Compare each file's SHA-256 with the official one before parsing it (about 10 ms
        for MNIST's training images). Structure is checked either way.
    n_samples : int or None, default=None
        Load only the first ``n_samples`` samples, in file order (only that prefix is
        decompressed; with ``verify=False`` the rest of the file is not checked).
    as_images : bool, default=False
        Return ``X`` as ``(n, 28, 28)`` images instead of ``(n, 784)`` rows.
    return_X_y : bool, default=True
        Return ``(X, y)``. If False, return a :class:`sklearn.utils.Bunch` like
        scikit-learn's loaders (see Returns).
    timeout : float, default=60.0
        Seconds to wait for each network connection or read when downloading.

    Returns
    -------
    X : ndarray of shape (n, 784), or (n, 28, 28) if ``as_images``, dtype float32
        Pixel intensities in [0, 1] (the stored byte divided by 255; 0 is the
        background). Rows are images flattened row by row (C order).
    y : ndarray of shape (n,), dtype int64
        Class labels in ``0 .. 9``; names in ``MNIST_DATASETS[name].class_names``.
    bunch : sklearn.utils.Bunch
        Only if ``return_X_y=False``: ``data`` ``(n, 784)``, ``images`` ``(n, 28, 28)``
        (a view of ``data``), ``target``, ``target_names``, ``DESCR``, ``filenames``
        (``{"images": str, "labels": str}``), ``name`` and ``split``.

    Raises
    ------
    FileNotFoundError
        If the files are not found (and ``download=False``); the message lists every
        path tried and how to get the data.
    ChecksumError
        If a file's SHA-256 is not the official one.
    DatasetError
        If a file is malformed: wrong magic number, truncated, dimensions or counts that
        do not match, labels out of range. ``ChecksumError`` is a subclass.
    DownloadError
        If ``download=True`` and no mirror delivered a verified file.
    ValueError
        If ``name``, ``split`` or ``n_samples`` is invalid.

    See Also
    --------
    load_digits : scikit-learn's 8 x 8 digits, bundled, no download.
    read_idx : read any IDX file into an array.

    Examples
    --------
    >>> from placedecode.datasets import load_mnist
    >>> X, y = load_mnist("mnist", "train", download=True)  # doctest: +SKIP
    >>> X.shape, X.dtype, y.shape, y.dtype  # doctest: +SKIP
    ((60000, 784), dtype('float32'), (60000,), dtype('int64'))
    >>> X_test, y_test = load_mnist("fashion-mnist", "test", root="data")  # doctest: +SKIP
    """
    key, dataset = get_dataset(name)
    if split not in dataset.files:
        raise ValueError(
            f"split must be one of {sorted(dataset.files)} for {key}; got {split!r}."
        )
    n_samples = _check_n_samples(n_samples)
    dirs = _candidate_dirs(key, root)
    if download:
        _download_split(key, dataset, split, dirs, timeout)
    images_path, labels_path = _locate(key, dataset, split, dirs)
    images_spec, labels_spec = dataset.files[split]

    images, images_dims = _read_checked(
        images_path, images_spec, key, split, IMAGES_MAGIC, verify, n_samples
    )
    labels, labels_dims = _read_checked(
        labels_path, labels_spec, key, split, LABELS_MAGIC, verify, n_samples
    )
    _check_consistency(key, dataset, split, images_path, images_dims, labels_path, labels_dims)
    if n_samples is not None and n_samples > images_dims[0]:
        raise ValueError(
            f"n_samples={n_samples} but the {split!r} split of {key} holds "
            f"{images_dims[0]} samples."
        )
    n_classes = len(dataset.class_names)
    if labels.size and int(labels.max()) >= n_classes:
        bad = int(np.argmax(labels >= n_classes))
        raise DatasetError(
            f"{labels_path}: label {int(labels[bad])} at index {bad} is outside 0.."
            f"{n_classes - 1}, the {n_classes} classes of {key}. The file is corrupt or "
            "belongs to another dataset; fetch the original again."
        )

    n = images.shape[0]
    X = np.empty((n, dataset.n_pixels), dtype=np.float32)
    np.divide(images.reshape(n, -1), np.float32(255), out=X, dtype=np.float32)
    y = labels.astype(np.int64)
    if return_X_y:
        return (X.reshape(n, *dataset.image_shape) if as_images else X), y

    from sklearn.utils import Bunch

    return Bunch(
        data=X,
        images=X.reshape(n, *dataset.image_shape),
        target=y,
        target_names=np.array(dataset.class_names),
        DESCR=dataset.description,
        filenames={"images": str(images_path), "labels": str(labels_path)},
        name=key,
        split=split,
    )


def _check_consistency(key, dataset, split, images_path, images_dims, labels_path, labels_dims):
    """Image size, equal counts, expected count: raise DatasetError naming the file."""
    if tuple(images_dims[1:]) != tuple(dataset.image_shape):
        raise DatasetError(
            f"{images_path}: images are {images_dims[1]} x {images_dims[2]} pixels, but "
            f"{key} images are {dataset.image_shape[0]} x {dataset.image_shape[1]}. The "
            "file belongs to another dataset; put the right file under this name."
        )
    if images_dims[0] != labels_dims[0]:
        raise DatasetError(
            f"{images_path} holds {images_dims[0]} images but {labels_path} holds "
            f"{labels_dims[0]} labels. The two files must be of the same split (train-* "
            "with train-*, t10k-* with t10k-*) and complete; replace the wrong one."
        )
    expected = dataset.n_samples.get(split)
    if expected is not None and images_dims[0] != expected:
        raise DatasetError(
            f"{images_path} and {labels_path} hold {images_dims[0]} samples, but the "
            f"{split!r} split of {key} has {expected}. Are they the files of another split "
            "or dataset? Put the right files in this folder."
        )


def download_mnist(
    name: str = "mnist",
    *,
    root: str | os.PathLike | None = None,
    splits: tuple[str, ...] | list[str] | None = None,
    timeout: float = 60.0,
) -> Path:
    """Download a dataset's missing IDX files, verified, without loading them.

    Parameters
    ----------
    name : str, default="mnist"
        A key of ``MNIST_DATASETS`` (see :func:`load_mnist`).
    root : str, path-like or None, default=None
        As in :func:`load_mnist`.
    splits : sequence of str or None, default=None
        Splits to fetch; ``None`` fetches all (``"train"`` and ``"test"``).
    timeout : float, default=60.0
        Seconds to wait for each network connection or read.

    Returns
    -------
    folder : Path
        Folder holding the files of the last split fetched.

    Raises
    ------
    DownloadError
        If no mirror delivered a verified copy of a file. Files fetched before the
        failure stay (each is complete and verified).
    """
    key, dataset = get_dataset(name)
    splits = list(dataset.files) if splits is None else list(splits)
    for split in splits:
        if split not in dataset.files:
            raise ValueError(
                f"splits must be chosen from {sorted(dataset.files)} for {key}; got {split!r}."
            )
    dirs = _candidate_dirs(key, root)
    folder = dirs[0]
    for split in splits:
        folder = _download_split(key, dataset, split, dirs, timeout)
    return folder
