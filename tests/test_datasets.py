"""Tests for placedecode.datasets: IDX reading, MNIST-family loading, download, digits.

Real MNIST / Fashion-MNIST files are read from ``../shared/data`` beside the repository
(or ``$PLACEDECODE_TEST_DATA``); those tests are skipped when the files are absent. All
other tests write tiny IDX files of their own. Nothing here touches the network: the
download path is exercised with ``file://`` mirrors and a fake ``urlopen``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
from pathlib import Path

import numpy as np
import pytest

from placedecode.datasets import (
    MNIST_DATASETS,
    ChecksumError,
    DatasetError,
    DownloadError,
    IDXDataset,
    IDXFile,
    download_mnist,
    get_data_home,
    load_digits,
    load_mnist,
    read_idx,
)
from placedecode.datasets import _download
from shared_data import SHARED_DATA

FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def shared(name: str) -> Path:
    folder = SHARED_DATA / name
    if not all((folder / f).is_file() for f in FILES):
        pytest.skip(f"real {name} IDX files not found in {folder} (set PLACEDECODE_TEST_DATA)")
    return folder


@pytest.fixture(autouse=True)
def _isolated_data_home(tmp_path, monkeypatch):
    """No test reads or writes the user's real data folder."""
    monkeypatch.delenv("PLACEDECODE_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


# --------------------------------------------------------------------------------------
# helpers: tiny IDX files
# --------------------------------------------------------------------------------------
TYPE_CODES = {"u1": 0x08, "i1": 0x09, ">i2": 0x0B, ">i4": 0x0C, ">f4": 0x0D, ">f8": 0x0E}


def idx_bytes(array: np.ndarray, dtype: str = "u1") -> bytes:
    """Encode ``array`` as an IDX file (big-endian header and values)."""
    array = np.asarray(array)
    header = bytes([0, 0, TYPE_CODES[dtype], array.ndim]) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    return header + array.astype(dtype).tobytes()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tiny_arrays(n: int, seed: int):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    images[0, 0, 0], images[0, 0, 1] = 0, 255  # both ends of the range
    labels = (np.arange(n) % 10).astype(np.uint8)
    return images, labels


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    """Register dataset "tiny" (train: 5 samples, test: 3) and return its file contents.

    ``tiny["files"]`` maps each file name to its gzip bytes; the registry holds their
    SHA-256 (gzip and raw). ``tiny["mirror"]`` is a folder holding the gzip files, and
    ``tiny["url"]`` its ``file://`` URL (already the dataset's only mirror).
    """
    contents = {}
    arrays = {}
    for split, prefix, n, seed in (("train", "train", 5, 0), ("test", "t10k", 3, 1)):
        images, labels = tiny_arrays(n, seed)
        arrays[split] = images, labels
        contents[f"{prefix}-images-idx3-ubyte.gz"] = idx_bytes(images)
        contents[f"{prefix}-labels-idx1-ubyte.gz"] = idx_bytes(labels)
    files = {name: gz(raw) for name, raw in contents.items()}
    spec = {name: IDXFile(name, sha(files[name]), sha(contents[name])) for name in files}
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for name, data in files.items():
        (mirror / name).write_bytes(data)
    url = mirror.as_uri() + "/"
    dataset = IDXDataset(
        "tiny",
        files={
            "train": (spec["train-images-idx3-ubyte.gz"], spec["train-labels-idx1-ubyte.gz"]),
            "test": (spec["t10k-images-idx3-ubyte.gz"], spec["t10k-labels-idx1-ubyte.gz"]),
        },
        mirrors=(url,),
        n_samples={"train": 5, "test": 3},
    )
    monkeypatch.setitem(MNIST_DATASETS, "tiny", dataset)
    return {"files": files, "raw": contents, "arrays": arrays, "mirror": mirror, "url": url}


def write_split(folder: Path, tiny, split="train", compressed=True, **replace):
    """Write the split's two files into ``folder``; ``replace`` maps name → bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = "train" if split == "train" else "t10k"
    for kind in ("images-idx3", "labels-idx1"):
        name = f"{prefix}-{kind}-ubyte.gz"
        data = tiny["files"][name] if compressed else tiny["raw"][name]
        target = name if compressed else name[:-3]
        (folder / target).write_bytes(replace.get(target, data))
    return folder


# --------------------------------------------------------------------------------------
# read_idx
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["u1", "i1", ">i2", ">i4", ">f4", ">f8"])
@pytest.mark.parametrize("compressed", [False, True])
def test_read_idx_round_trips_every_type_code(tmp_path, dtype, compressed):
    array = (np.arange(2 * 3 * 4).reshape(2, 3, 4) - 5).astype(dtype)
    if dtype == "u1":
        array = np.abs(array).astype(dtype)
    data = idx_bytes(array, dtype)
    path = tmp_path / ("a.idx.gz" if compressed else "a.idx")
    path.write_bytes(gz(data) if compressed else data)

    out = read_idx(path)

    np.testing.assert_array_equal(out, array)
    assert out.dtype.isnative and out.dtype == np.dtype(dtype).newbyteorder("=")
    np.testing.assert_array_equal(read_idx(path, max_items=1), array[:1])
    assert read_idx(path, max_items=0).shape == (0, 3, 4)
    with pytest.raises(ValueError, match="max_items must be None or an int >= 0"):
        read_idx(path, max_items=-1)


def test_read_idx_detects_gzip_from_content_not_name(tmp_path):
    labels = np.array([3, 1, 4], np.uint8)
    path = tmp_path / "labels-without-gz-suffix"
    path.write_bytes(gz(idx_bytes(labels)))
    np.testing.assert_array_equal(read_idx(path), labels)


# --------------------------------------------------------------------------------------
# load_mnist on synthetic files
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("compressed", [True, False])
def test_load_mnist_round_trip(tmp_path, tiny, compressed):
    write_split(tmp_path / "tiny", tiny, "train", compressed)
    images, labels = tiny["arrays"]["train"]

    X, y = load_mnist("tiny", "train", root=tmp_path)

    assert X.shape == (5, 784) and X.dtype == np.float32 and X.flags.c_contiguous
    assert y.shape == (5,) and y.dtype == np.int64
    np.testing.assert_array_equal(X, images.reshape(5, 784) / np.float32(255))
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_options(tmp_path, tiny):
    write_split(tmp_path, tiny, "test")  # root is the dataset's folder itself
    images, labels = tiny["arrays"]["test"]

    X, y = load_mnist("tiny", "test", root=tmp_path, as_images=True)
    assert X.shape == (3, 28, 28)
    np.testing.assert_array_equal(X, images / np.float32(255))

    X2, y2 = load_mnist("tiny", "test", root=tmp_path, n_samples=2)
    np.testing.assert_array_equal(X2, X.reshape(3, -1)[:2])
    np.testing.assert_array_equal(y2, labels[:2])

    bunch = load_mnist("tiny", "test", root=tmp_path, return_X_y=False)
    assert bunch.data.shape == (3, 784) and bunch.images.shape == (3, 28, 28)
    assert np.shares_memory(bunch.data, bunch.images)
    np.testing.assert_array_equal(bunch.target, labels)
    assert list(bunch.target_names) == [str(d) for d in range(10)]
    assert bunch.filenames["images"] == str(tmp_path / "t10k-images-idx3-ubyte.gz")
    assert (bunch.name, bunch.split) == ("tiny", "test")

    with pytest.raises(ValueError, match="n_samples=4 but the 'test' split of tiny holds 3"):
        load_mnist("tiny", "test", root=tmp_path, n_samples=4)


def test_wrong_magic_number_names_the_file(tmp_path, tiny):
    folder = tmp_path / "tiny"
    labels_bytes = tiny["files"]["train-labels-idx1-ubyte.gz"]
    write_split(folder, tiny, **{"train-images-idx3-ubyte.gz": labels_bytes})

    # With checksums on, the swap is caught first and the file is identified.
    with pytest.raises(ChecksumError, match="tiny's train-labels-idx1-ubyte.gz"):
        load_mnist("tiny", root=tmp_path)
    with pytest.raises(DatasetError) as info:
        load_mnist("tiny", root=tmp_path, verify=False)
    message = str(info.value)
    assert str(folder / "train-images-idx3-ubyte.gz") in message
    assert "wrong magic number 2049" in message and "expected 2051" in message


def test_html_error_page_is_recognised(tmp_path, tiny):
    page = b"<!DOCTYPE html><html><body>403 Forbidden</body></html>"
    write_split(tmp_path, tiny, **{"train-labels-idx1-ubyte.gz": page})
    with pytest.raises(DatasetError, match="not an IDX file.*HTML"):
        load_mnist("tiny", root=tmp_path, verify=False)


@pytest.mark.parametrize("compressed", [True, False])
def test_truncated_file(tmp_path, tiny, compressed):
    name = "train-images-idx3-ubyte" + (".gz" if compressed else "")
    data = tiny["files"][name] if compressed else tiny["raw"][name + ".gz"]
    write_split(tmp_path, tiny, compressed=compressed, **{name: data[: len(data) // 2]})

    with pytest.raises(ChecksumError, match="SHA-256"):
        load_mnist("tiny", root=tmp_path)
    expected = "gzip stream is corrupt or truncated" if compressed else "is truncated"
    with pytest.raises(DatasetError, match=expected) as info:
        load_mnist("tiny", root=tmp_path, verify=False)
    assert str(tmp_path / name) in str(info.value)


def test_extra_bytes_after_the_data(tmp_path, tiny):
    name = "train-labels-idx1-ubyte"
    write_split(tmp_path, tiny, compressed=False, **{name: tiny["raw"][name + ".gz"] + b"\0"})
    with pytest.raises(DatasetError, match="1 byte.*after the 5 data bytes"):
        load_mnist("tiny", root=tmp_path, verify=False)


def test_count_mismatch_between_images_and_labels(tmp_path, tiny):
    other_labels = gz(idx_bytes(np.zeros(4, np.uint8)))
    write_split(tmp_path, tiny, **{"train-labels-idx1-ubyte.gz": other_labels})
    with pytest.raises(DatasetError) as info:
        load_mnist("tiny", root=tmp_path, verify=False)
    message = str(info.value)
    assert "holds 5 images" in message and "holds 4 labels" in message
    assert str(tmp_path / "train-labels-idx1-ubyte.gz") in message


def test_split_with_unexpected_sample_count(tmp_path, tiny):
    # The test split's files (3 samples) under the train names: registry says 5.
    test_files = {
        "train-images-idx3-ubyte.gz": tiny["files"]["t10k-images-idx3-ubyte.gz"],
        "train-labels-idx1-ubyte.gz": tiny["files"]["t10k-labels-idx1-ubyte.gz"],
    }
    write_split(tmp_path, tiny, **test_files)
    with pytest.raises(ChecksumError, match="tiny's t10k-images-idx3-ubyte.gz"):
        load_mnist("tiny", root=tmp_path)
    with pytest.raises(DatasetError, match="hold 3 samples, but the 'train' split of tiny has 5"):
        load_mnist("tiny", root=tmp_path, verify=False)


def test_wrong_image_size_and_label_out_of_range(tmp_path, tiny):
    small = gz(idx_bytes(np.zeros((5, 8, 8), np.uint8)))
    write_split(tmp_path / "a", tiny, **{"train-images-idx3-ubyte.gz": small})
    with pytest.raises(DatasetError, match="images are 8 x 8 pixels, but tiny images are 28 x 28"):
        load_mnist("tiny", root=tmp_path / "a", verify=False)

    bad_labels = gz(idx_bytes(np.array([0, 1, 2, 10, 3], np.uint8)))
    write_split(tmp_path / "b", tiny, **{"train-labels-idx1-ubyte.gz": bad_labels})
    with pytest.raises(DatasetError, match="label 10 at index 3 is outside 0..9"):
        load_mnist("tiny", root=tmp_path / "b", verify=False)


@pytest.mark.parametrize("compressed", [True, False])
def test_checksum_mismatch(tmp_path, tiny, compressed):
    images, labels = tiny["arrays"]["train"]
    changed = images.copy()
    changed[2, 14, 14] ^= 0xFF  # one pixel: structurally valid, different content
    raw = idx_bytes(changed)
    name = "train-images-idx3-ubyte" + (".gz" if compressed else "")
    write_split(tmp_path, tiny, compressed=compressed, **{name: gz(raw) if compressed else raw})

    with pytest.raises(ChecksumError) as info:
        load_mnist("tiny", root=tmp_path)
    message = str(info.value)
    assert str(tmp_path / name) in message
    spec = MNIST_DATASETS["tiny"].files["train"][0]
    assert (spec.sha256 if compressed else spec.sha256_raw) in message
    assert "download=True" in message and "not the official version" in message

    X, _ = load_mnist("tiny", root=tmp_path, verify=False)  # structure is fine
    assert X[2, 14 * 28 + 14] == changed[2, 14, 14] / np.float32(255)


# --------------------------------------------------------------------------------------
# where files are looked for
# --------------------------------------------------------------------------------------
def test_missing_files_message_lists_every_path(tmp_path, tiny):
    with pytest.raises(FileNotFoundError) as info:
        load_mnist("tiny", "test", root=tmp_path)
    message = str(info.value)
    for folder in (tmp_path / "tiny", tmp_path):
        for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
            assert f"{folder / name}.gz\n" in message
            assert f"{folder / name}\n" in message
    assert "download=True" in message and "PLACEDECODE_DATA" in message
    assert "copy t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz" in message
    assert not (tmp_path / "tiny").exists()  # looking creates nothing


def test_missing_partner_file_is_named(tmp_path, tiny):
    write_split(tmp_path, tiny)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="but not train-labels-idx1-ubyte.gz"):
        load_mnist("tiny", root=tmp_path)


def test_default_folder_and_environment_variable(tmp_path, tiny, monkeypatch):
    home_default = tmp_path / "home" / ".cache" / "placedecode" / "data"
    assert get_data_home() == home_default
    write_split(home_default / "tiny", tiny)
    assert load_mnist("tiny")[0].shape == (5, 784)

    env_folder = tmp_path / "env"
    write_split(env_folder / "tiny", tiny, "test")
    monkeypatch.setenv("PLACEDECODE_DATA", str(env_folder))
    assert get_data_home() == env_folder
    assert load_mnist("tiny", "test")[0].shape == (3, 784)
    with pytest.raises(FileNotFoundError, match=str(env_folder / "tiny")):
        load_mnist("tiny", "train")  # the default folder is no longer looked at


def test_name_aliases_and_argument_errors(tmp_path, tiny):
    write_split(tmp_path, tiny)
    assert load_mnist("TINY", root=tmp_path)[0].shape == (5, 784)
    with pytest.raises(ValueError, match="Unknown dataset name='nope'.*'fashion-mnist'"):
        load_mnist("nope")
    with pytest.raises(ValueError, match=r"split must be one of \['test', 'train'\]"):
        load_mnist("tiny", "validation")
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="n_samples must be None or an int >= 1"):
            load_mnist("tiny", root=tmp_path, n_samples=bad)


# --------------------------------------------------------------------------------------
# download
# --------------------------------------------------------------------------------------
def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def test_download_from_file_mirror_falls_back_to_second(tmp_path, tiny, monkeypatch):
    missing_mirror = (tmp_path / "nowhere").as_uri() + "/"
    dataset = MNIST_DATASETS["tiny"]
    monkeypatch.setitem(
        MNIST_DATASETS, "tiny", IDXDataset("tiny", dataset.files, (missing_mirror, tiny["url"]))
    )
    root = tmp_path / "data"

    X, y = load_mnist("tiny", "train", root=root, download=True)

    assert X.shape == (5, 784)
    assert leftovers(root) == ["tiny", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        assert (root / "tiny" / name).read_bytes() == tiny["files"][name]
        assert (root / "tiny" / name).stat().st_mode & 0o777 == 0o644


def test_download_mnist_fetches_all_splits_once(tmp_path, tiny, monkeypatch):
    folder = download_mnist("tiny", root=tmp_path)
    assert folder == tmp_path / "tiny"
    assert leftovers(folder) == sorted(tiny["files"])

    def no_network(url, timeout):
        raise AssertionError(f"unexpected download of {url}")

    monkeypatch.setattr(_download, "_urlopen", no_network)
    download_mnist("tiny", root=tmp_path)  # everything present: nothing fetched
    assert load_mnist("tiny", "test", root=tmp_path, download=True)[1].shape == (3,)


def test_corrupt_download_leaves_nothing(tmp_path, tiny):
    name = "train-images-idx3-ubyte.gz"
    good = tiny["files"][name]
    (tiny["mirror"] / name).write_bytes(good[:-10] + bytes(10))  # damaged on the server
    root = tmp_path / "new" / "data"

    with pytest.raises(DownloadError) as info:
        load_mnist("tiny", root=root, download=True)

    message = str(info.value)
    assert name in message and "SHA-256 mismatch" in message and tiny["url"] + name in message
    assert info.value.failures[0][0] == tiny["url"] + name
    assert not (tmp_path / "new").exists()  # no file, no temporary, no empty folders


def test_download_is_atomic_and_verified_before_rename(tmp_path, tiny, monkeypatch):
    folder = tmp_path / "tiny"
    requested = []

    class Response(io.BytesIO):
        def read(self, n=-1):
            # While bytes are still arriving, the final name must not exist yet.
            assert not (folder / name).exists()
            return super().read(n)

    def fake_urlopen(url, timeout):
        requested.append(url)
        return Response(tiny["files"][url.rsplit("/", 1)[1]])

    monkeypatch.setattr(_download, "_urlopen", fake_urlopen)
    monkeypatch.setattr(_download, "_CHUNK", 1000)  # several chunks per file
    name = "train-images-idx3-ubyte.gz"
    path = _download.download_file(name, sha(tiny["files"][name]), (tiny["url"],), folder)
    assert path.read_bytes() == tiny["files"][name] and requested == [tiny["url"] + name]
    assert leftovers(folder) == [name]


@pytest.mark.parametrize("error", [ConnectionResetError, KeyboardInterrupt])
def test_interrupted_download_leaves_nothing(tmp_path, tiny, monkeypatch, error):
    class Dropping(io.BytesIO):
        def read(self, n=-1):
            if self.tell():
                raise error("connection lost")
            return super().read(100)

    monkeypatch.setattr(_download, "_urlopen", lambda url, timeout: Dropping(b"x" * 1000))
    root = tmp_path / "data"
    with pytest.raises(DownloadError if error is ConnectionResetError else error):
        load_mnist("tiny", root=root, download=True)
    assert not root.exists()


def test_official_mirrors_are_requested_in_order(tmp_path, monkeypatch):
    """The built-in MNIST entry asks PyTorch's mirror first, then TFDS's; all fail here."""
    requested = []

    def offline(url, timeout):
        requested.append(url)
        raise ConnectionRefusedError("offline test")

    monkeypatch.setattr(_download, "_urlopen", offline)
    with pytest.raises(DownloadError, match="Could not download t10k-images-idx3-ubyte.gz"):
        load_mnist("mnist", "test", root=tmp_path, download=True)
    assert requested == [
        "https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images-idx3-ubyte.gz",
        "https://storage.googleapis.com/cvdf-datasets/mnist/t10k-images-idx3-ubyte.gz",
    ]
    assert leftovers(tmp_path) == []


def test_download_of_real_bytes_through_fake_urlopen(tmp_path, monkeypatch):
    """Serve the real MNIST test files as if from the mirror; the loader accepts them."""
    source = shared("mnist")
    monkeypatch.setattr(
        _download,
        "_urlopen",
        lambda url, timeout: io.BytesIO((source / url.rsplit("/", 1)[1]).read_bytes()),
    )
    X, y = load_mnist("mnist", "test", root=tmp_path, download=True)
    assert X.shape == (10000, 784) and y.shape == (10000,)
    assert leftovers(tmp_path) == [
        "mnist",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ]


def test_no_download_without_a_checksum(tmp_path, monkeypatch):
    monkeypatch.setitem(MNIST_DATASETS, "mine", IDXDataset("mine", mirrors=("file:///x/",)))
    with pytest.raises(ValueError, match="no SHA-256 for it"):
        load_mnist("mine", root=tmp_path, download=True)
    with pytest.raises(FileNotFoundError) as info:
        load_mnist("mine", root=tmp_path)
    assert "download=True" not in str(info.value)  # not offered when impossible


# --------------------------------------------------------------------------------------
# registry and real files
# --------------------------------------------------------------------------------------
def test_registry_entries_are_complete():
    assert {"mnist", "fashion-mnist", "kmnist"} <= set(MNIST_DATASETS)
    for key in ("mnist", "fashion-mnist", "kmnist"):
        dataset = MNIST_DATASETS[key]
        assert dataset.name == key and dataset.mirrors and dataset.description
        assert dataset.n_samples == {"train": 60000, "test": 10000}
        assert len(dataset.class_names) == 10
        names = [spec.filename for _, _, spec in dataset.iter_files()]
        assert names == list(FILES)
        assert all(spec.sha256 for _, _, spec in dataset.iter_files())
    with pytest.raises(ValueError, match="64 lowercase hexadecimal"):
        IDXFile("a.gz", sha256="abc")
    with pytest.raises(ValueError, match="ending in '.gz'"):
        IDXFile("a-idx1-ubyte")


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_registry_matches_shared_sha256sums(name):
    folder = shared(name)
    listed = dict(
        reversed(line.split()) for line in (folder / "SHA256SUMS").read_text().splitlines()
    )
    registry = {spec.filename: spec for _, _, spec in MNIST_DATASETS[name].iter_files()}
    assert {f: spec.sha256 for f, spec in registry.items()} == listed
    for f in FILES[1:]:  # train-images: see the slow test below
        data = (folder / f).read_bytes()
        assert sha(data) == registry[f].sha256
        assert sha(gzip.decompress(data)) == registry[f].sha256_raw


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_registry_raw_checksum_of_train_images(name):
    data = (shared(name) / "train-images-idx3-ubyte.gz").read_bytes()
    spec = MNIST_DATASETS[name].files["train"][0]
    assert sha(gzip.decompress(data)) == spec.sha256_raw


REAL = {
    # name, split: (n, exact class counts, mean pixel intensity in [0, 1])
    ("mnist", "train"): (
        60000,
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
        0.1307,  # the normalisation constant every MNIST tutorial uses
    ),
    ("mnist", "test"): (10000, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], 0.1325),
    ("fashion-mnist", "train"): (60000, [6000] * 10, 0.2860),
    ("fashion-mnist", "test"): (10000, [1000] * 10, 0.2868),
}


@pytest.fixture(scope="module", params=sorted(REAL))
def real_split(request):
    name, split = request.param
    folder = shared(name)
    return name, split, *load_mnist(name, split, root=folder.parent)


def test_real_files(real_split):
    name, split, X, y = real_split
    n, counts, mean = REAL[name, split]
    assert X.shape == (n, 784) and X.dtype == np.float32
    assert y.shape == (n,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))
    assert np.bincount(y).tolist() == counts
    assert abs(float(X.mean(dtype=np.float64)) - mean) < 5e-4


def test_real_uncompressed_copy_verifies(tmp_path):
    folder = shared("mnist")
    for f in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (tmp_path / f[:-3]).write_bytes(gzip.decompress((folder / f).read_bytes()))
    X_raw, y_raw = load_mnist("mnist", "test", root=tmp_path)  # raw SHA-256 checked
    X_gz, y_gz = load_mnist("mnist", "test", root=folder, n_samples=100)
    np.testing.assert_array_equal(X_raw[:100], X_gz)
    np.testing.assert_array_equal(y_raw[:100], y_gz)


def test_another_datasets_files_are_identified(tmp_path):
    """root pointing at MNIST's folder while asking for Fashion-MNIST: a clear error."""
    folder = shared("mnist")
    with pytest.raises(ChecksumError) as info:
        load_mnist("fashion-mnist", "test", root=folder)
    assert "These bytes are mnist's t10k-images-idx3-ubyte.gz" in str(info.value)


# --------------------------------------------------------------------------------------
# digits
# --------------------------------------------------------------------------------------
def test_digits_whole_and_split():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0

    train = load_digits("train", return_X_y=False)
    test = load_digits("test", return_X_y=False)
    assert train.data.shape == (1438, 64) and test.data.shape == (359, 64)
    assert set(train.indices).isdisjoint(test.indices)
    assert sorted({*train.indices, *test.indices}) == list(range(1797))
    np.testing.assert_array_equal(train.data, X[train.indices])
    np.testing.assert_array_equal(test.target, y[test.indices])
    # stratified: every class about 20 % test, spread evenly over the file (every writer on
    # both sides): every fifth sample of each class
    fraction = np.bincount(test.target) / np.bincount(y)
    assert np.all(np.abs(fraction - 0.2) < 0.01)
    for digit in range(10):
        members = np.flatnonzero(y == digit)
        rank = np.searchsorted(members, test.indices[test.target == digit])
        assert set(np.diff(rank)) <= {4, 5, 6} and rank[0] <= 4 and rank[-1] >= len(members) - 6


def test_digits_split_is_reproducible_and_configurable():
    X1, y1 = load_digits("test")
    X2, y2 = load_digits("test")
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    Xh, _ = load_digits("test", test_size=0.5)
    assert 890 <= Xh.shape[0] <= 905
    assert load_digits("train", as_images=True)[0].shape == (1438, 8, 8)
    with pytest.raises(ValueError, match="split must be None, 'train' or 'test'"):
        load_digits("val")
    for bad in (0, 1, 1.5, True):
        with pytest.raises(ValueError, match="test_size must be a float in"):
            load_digits("train", test_size=bad)
