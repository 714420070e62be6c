"""Registry of the MNIST-family datasets that :func:`load_mnist` knows.

Each entry says which IDX files make each split, their official SHA-256 sums and the
mirrors they can be downloaded from. ``MNIST_DATASETS`` is a plain dict: add an entry to
load another dataset stored in the same format (see :class:`IDXDataset`).

Checksums
---------
``sha256`` is the SHA-256 of the gzip file exactly as distributed (``*.gz``); the same
sums are published by torchvision (``torchvision/prototype/datasets/_builtin/mnist.py``)
and TensorFlow Datasets, and for MNIST and Fashion-MNIST they were recomputed here from
files whose MD5 equals the one the dataset authors publish. ``sha256_raw`` is the SHA-256
of the decompressed file (``train-images-idx3-ubyte``), computed here by decompressing
those official files; it lets an uncompressed copy be verified too. For KMNIST no
uncompressed sums are recorded (no copy was at hand to compute them), so uncompressed
KMNIST files get the structural checks only; its gzip files are verified as usual.

Mirrors
-------
* MNIST: ``https://ossci-datasets.s3.amazonaws.com/mnist/`` (PyTorch's mirror, used by
  torchvision) then ``https://storage.googleapis.com/cvdf-datasets/mnist/`` (the mirror
  TensorFlow Datasets uses). The original ``http://yann.lecun.com/exdb/mnist/`` is left
  out: it has often refused downloads.
* Fashion-MNIST: Zalando's ``http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/``
  (the link in their README), then the files in their GitHub repository.
* KMNIST: ``https://codh.rois.ac.jp/kmnist/dataset/kmnist/`` (ROIS-DS Center for Open Data
  in the Humanities), then the same over plain http.

Mirrors are tried in order; a file is accepted only if its SHA-256 matches, so a plain
http mirror cannot substitute other bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class IDXFile:
    """One IDX file of a dataset, as distributed.

    Parameters
    ----------
    filename : str
        Name of the gzip file as distributed, ending in ``.gz``, e.g.
        ``"train-images-idx3-ubyte.gz"``. The same name without ``.gz`` is accepted for
        an uncompressed copy.
    sha256 : str or None, default=None
        SHA-256 (64 lowercase hex digits) of the ``.gz`` file. ``None``: not verified,
        and the file cannot be downloaded.
    sha256_raw : str or None, default=None
        SHA-256 of the decompressed file. ``None``: an uncompressed copy gets the
        structural checks only.
    """

    filename: str
    sha256: str | None = None
    sha256_raw: str | None = None

    def __post_init__(self):
        if not isinstance(self.filename, str) or not self.filename.endswith(".gz"):
            raise ValueError(
                f"IDXFile.filename must be the name of the distributed gzip file, ending "
                f"in '.gz'; got {self.filename!r}."
            )
        for attr in ("sha256", "sha256_raw"):
            value = getattr(self, attr)
            if value is not None and not (isinstance(value, str) and _HEX64.fullmatch(value)):
                raise ValueError(
                    f"IDXFile.{attr} must be 64 lowercase hexadecimal digits or None; got "
                    f"{value!r} for {self.filename!r}."
                )

    @property
    def raw_filename(self) -> str:
        """The uncompressed file's name: :attr:`filename` without ``.gz``."""
        return self.filename[: -len(".gz")]


def _standard_files(sums: dict | None = None) -> dict[str, tuple[IDXFile, IDXFile]]:
    """The four files named as in the original MNIST, with optional checksums.

    ``sums`` maps a file name to ``(sha256_gz, sha256_raw)``.
    """
    sums = sums or {}

    def make(name):
        gz, raw = sums.get(name, (None, None))
        return IDXFile(name, gz, raw)

    return {
        split: (make(f"{prefix}-images-idx3-ubyte.gz"), make(f"{prefix}-labels-idx1-ubyte.gz"))
        for split, prefix in (("train", "train"), ("test", "t10k"))
    }


@dataclass(frozen=True)
class IDXDataset:
    """A dataset of 8-bit images and labels stored as pairs of IDX files.

    Parameters
    ----------
    name : str
        Registry key and name of the dataset's folder under the data home,
        e.g. ``"mnist"``.
    files : dict of str to (IDXFile, IDXFile)
        For each split (``"train"``, ``"test"``) its images file then its labels file.
        Default: MNIST's file names (``train-images-idx3-ubyte.gz``, ...) without
        checksums.
    mirrors : tuple of str, default=()
        Base URLs, each ending in ``/``, tried in order by ``download=True``.
    n_samples : dict of str to int, default={}
        Expected number of samples per split; a file holding another count is rejected.
        Splits not listed are not checked.
    image_shape : tuple of int, default=(28, 28)
        ``(rows, columns)`` of every image, in pixels.
    class_names : tuple of str, default=digits "0" to "9"
        Name of each label value; labels must lie in ``[0, len(class_names))``.
    description : str, default=""
        Source, citation and licence, shown in the ``DESCR`` of the returned Bunch.

    Examples
    --------
    Register a dataset stored with MNIST's file names in ``<data home>/my-digits``
    (files without checksums are read without verification and cannot be downloaded):

    >>> from placedecode.datasets import MNIST_DATASETS, IDXDataset
    >>> MNIST_DATASETS["my-digits"] = IDXDataset("my-digits")  # doctest: +SKIP
    """

    name: str
    files: dict = field(default_factory=_standard_files)
    mirrors: tuple = ()
    n_samples: dict = field(default_factory=dict)
    image_shape: tuple = (28, 28)
    class_names: tuple = tuple(str(d) for d in range(10))
    description: str = ""

    def __post_init__(self):
        for split, pair in self.files.items():
            if not (
                isinstance(pair, tuple)
                and len(pair) == 2
                and all(isinstance(f, IDXFile) for f in pair)
            ):
                raise ValueError(
                    f"IDXDataset.files[{split!r}] must be a pair (images IDXFile, labels "
                    f"IDXFile); got {pair!r}."
                )
        for url in self.mirrors:
            if not (isinstance(url, str) and url.endswith("/")):
                raise ValueError(
                    f"IDXDataset.mirrors must be base URLs ending in '/'; got {url!r}."
                )

    @property
    def n_pixels(self) -> int:
        """Number of pixels per image (784 for 28 × 28)."""
        rows, cols = self.image_shape
        return rows * cols

    def iter_files(self):
        """Yield ``(split, "images" or "labels", IDXFile)`` for every file."""
        for split, (images, labels) in self.files.items():
            yield split, "images", images
            yield split, "labels", labels


_MNIST = IDXDataset(
    name="mnist",
    files=_standard_files(
        {
            "train-images-idx3-ubyte.gz": (
                "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            ),
            "train-labels-idx1-ubyte.gz": (
                "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            ),
            "t10k-images-idx3-ubyte.gz": (
                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            ),
            "t10k-labels-idx1-ubyte.gz": (
                "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
            ),
        }
    ),
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ),
    n_samples={"train": 60000, "test": 10000},
    description=(
        "MNIST handwritten digits: 70,000 grey-scale 28x28 images, 10 classes (digits 0-9), "
        "60,000 for training and 10,000 for testing.\n"
        "Y. LeCun, C. Cortes, C. J. C. Burges, 'The MNIST database of handwritten digits', "
        "http://yann.lecun.com/exdb/mnist/; Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "
        "'Gradient-based learning applied to document recognition', Proc. IEEE 86(11), "
        "1998. No licence was published by the authors; it is commonly redistributed "
        "(torchvision, Keras, TFDS list CC BY-SA 3.0)."
    ),
)

_FASHION_MNIST = IDXDataset(
    name="fashion-mnist",
    files=_standard_files(
        {
            "train-images-idx3-ubyte.gz": (
                "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            ),
            "train-labels-idx1-ubyte.gz": (
                "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            ),
            "t10k-images-idx3-ubyte.gz": (
                "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            ),
            "t10k-labels-idx1-ubyte.gz": (
                "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            ),
        }
    ),
    mirrors=(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ),
    n_samples={"train": 60000, "test": 10000},
    class_names=(
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
    description=(
        "Fashion-MNIST: 70,000 grey-scale 28x28 images of Zalando articles, 10 classes, "
        "60,000 for training and 10,000 for testing (6,000 / 1,000 per class).\n"
        "H. Xiao, K. Rasul, R. Vollgraf, 'Fashion-MNIST: a Novel Image Dataset for "
        "Benchmarking Machine Learning Algorithms', arXiv:1708.07747, 2017. "
        "https://github.com/zalandoresearch/fashion-mnist. Licence: MIT."
    ),
)

_KMNIST = IDXDataset(
    name="kmnist",
    files=_standard_files(
        {
            "train-images-idx3-ubyte.gz": (
                "51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4",
                None,
            ),
            "train-labels-idx1-ubyte.gz": (
                "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17",
                None,
            ),
            "t10k-images-idx3-ubyte.gz": (
                "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5",
                None,
            ),
            "t10k-labels-idx1-ubyte.gz": (
                "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c",
                None,
            ),
        }
    ),
    mirrors=(
        "https://codh.rois.ac.jp/kmnist/dataset/kmnist/",
        "http://codh.rois.ac.jp/kmnist/dataset/kmnist/",
    ),
    n_samples={"train": 60000, "test": 10000},
    class_names=("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"),
    description=(
        "Kuzushiji-MNIST (KMNIST): 70,000 grey-scale 28x28 images of cursive Japanese "
        "(Kuzushiji) characters, 10 hiragana classes, 60,000 for training and 10,000 for "
        "testing.\nT. Clanuwat, M. Bober-Irizar, A. Kitamoto, A. Lamb, K. Yamamoto, D. Ha, "
        "'Deep Learning for Classical Japanese Literature', arXiv:1812.01718, 2018. "
        "https://github.com/rois-codh/kmnist. Licence: CC BY-SA 4.0."
    ),
)

#: Datasets known to :func:`load_mnist`, by name. Add an :class:`IDXDataset` to extend.
MNIST_DATASETS: dict[str, IDXDataset] = {
    ds.name: ds for ds in (_MNIST, _FASHION_MNIST, _KMNIST)
}


def _key(name: str) -> str:
    return re.sub(r"[-_\s]", "", name.lower())


def get_dataset(name: str) -> tuple[str, IDXDataset]:
    """Return ``(key, entry)`` for ``name``, ignoring case, ``-``, ``_`` and spaces.

    Raises
    ------
    ValueError
        If no registered dataset has that name; the message lists the known names.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str such as 'mnist'; got {type(name).__name__}.")
    if name in MNIST_DATASETS:
        return name, MNIST_DATASETS[name]
    for key, dataset in MNIST_DATASETS.items():
        if _key(key) == _key(name):
            return key, dataset
    raise ValueError(
        f"Unknown dataset name={name!r}. Known: {', '.join(map(repr, MNIST_DATASETS))}. "
        "To load another dataset stored as IDX files, add an IDXDataset to "
        "placedecode.datasets.MNIST_DATASETS."
    )


def identify_checksum(digest: str) -> str | None:
    """Return ``"<dataset> <file> (gzip|uncompressed)"`` for a known SHA-256, else None."""
    for key, dataset in MNIST_DATASETS.items():
        for _split, _kind, spec in dataset.iter_files():
            if digest == spec.sha256:
                return f"{key}'s {spec.filename}"
            if digest == spec.sha256_raw:
                return f"{key}'s {spec.raw_filename} (uncompressed)"
    return None
