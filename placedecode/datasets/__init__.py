"""Datasets: the MNIST family and digits; real recordings (binned, spike times, NWB, pynapple).

=====================  ===========================================================
``load_mnist``         MNIST / Fashion-MNIST / KMNIST → ``X`` (n, 784) float32 in
                       [0, 1], ``y`` (n,) int64; checksums verified; optional download
``download_mnist``     fetch a dataset's files (verified, atomic) without loading
``load_digits``        scikit-learn's bundled 8 × 8 digits, fixed stratified split
``read_idx``           any IDX file (gzipped or not) → NumPy array
``get_data_home``      ``$PLACEDECODE_DATA`` or ``~/.cache/placedecode/data``
``load_nwb``           NWB file (units + position) -> binned Recording (needs pynwb)
``load_binned``        binned counts (T, N) + positions (T, D) -> Recording
``from_spike_times``   spike times per unit + tracking (epochs, glitches, speed) -> Recording
``linearize``          2D track positions (or a Recording) -> 1D position along the track
``load_tampuu2019``    one of four open-field rats (binned, 200 ms)
``read_linear_track``  the nelpy linear-track session's raw files -> arrays
``load_linear_track``  the same, binned and linearized -> a 1D Recording
``from_pynapple``      pynapple TsGroup/TsdFrame + position -> Recording (needs pynapple)
``RecordingReport``    what loading did to the tracking and bins (``rec.metadata["report"]``)
``DataWarning``        warning: part of a recording was faulty or left out
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
from ._errors import ChecksumError, DatasetError, DataWarning, DownloadError
from ._idx import read_idx
from ._mnist import download_mnist, get_data_home, load_mnist
from ._nwb import load_nwb
from ._registry import MNIST_DATASETS, IDXDataset, IDXFile
from ._linear_track import LINEAR_TRACK_FOLDER, LINEAR_TRACK_SCALE, load_linear_track, read_linear_track
from ._linearize import linearize
from ._pynapple import from_pynapple, to_pynapple
from ._real import TAMPUU2019_RATS, load_binned, load_tampuu2019
from ._report import RecordingReport
from ._spikes import from_spike_times

__all__ = [
    "ChecksumError",
    "DatasetError",
    "DataWarning",
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
    "from_spike_times",
    "linearize",
    "RecordingReport",
    "LINEAR_TRACK_FOLDER",
    "LINEAR_TRACK_SCALE",
    "read_linear_track",
    "load_linear_track",
    "from_pynapple",
    "to_pynapple",
]
