"""Image-classification datasets: the MNIST family from IDX files, scikit-learn's digits.

=====================  ===========================================================
``load_mnist``         MNIST / Fashion-MNIST / KMNIST → ``X`` (n, 784) float32 in
                       [0, 1], ``y`` (n,) int64; checksums verified; optional download
``download_mnist``     fetch a dataset's files (verified, atomic) without loading
``load_digits``        scikit-learn's bundled 8 × 8 digits, fixed stratified split
``read_idx``           any IDX file (gzipped or not) → NumPy array
``get_data_home``      ``$PLACEDECODE_DATA`` or ``~/.cache/placedecode/data``
``load_nwb``           NWB file (units + position) -> binned Recording (needs pynwb)
``MNIST_DATASETS``     registry: name → :class:`IDXDataset` (files, SHA-256, mirrors)
``DatasetError``       malformed file (a ``ValueError``); ``ChecksumError`` its subclass
``DownloadError``      no mirror delivered a verified file (an ``OSError``)
=====================  ===========================================================

Quick start::

    from placedecode.datasets import load_mnist, load_digits
    X_train, y_train = load_mnist("mnist", "train", download=True)
    X_test, y_test = load_mnist("mnist", "test")
    Xd_train, yd_train = load_digits("train")          # offline, 1,438 x 64

Files are looked for in ``root`` (the dataset's folder or its parent), else
``$PLACEDECODE_DATA`` (same rule), else ``~/.cache/placedecode/data/<name>``.
"""

from __future__ import annotations

from ._digits import load_digits
from ._errors import ChecksumError, DatasetError, DownloadError
from ._idx import read_idx
from ._mnist import download_mnist, get_data_home, load_mnist
from ._nwb import load_nwb
from ._registry import MNIST_DATASETS, IDXDataset, IDXFile
from ._real import TAMPUU2019_RATS, load_binned, load_tampuu2019

__all__ = [
    "ChecksumError",
    "DatasetError",
    "DownloadError",
    "IDXDataset",
    "IDXFile",
    "MNIST_DATASETS",
    "download_mnist",
    "get_data_home",
    "load_digits",
    "load_mnist",
    "load_nwb",
    "read_idx",
    "TAMPUU2019_RATS",
    "load_binned",
    "load_tampuu2019",
]
