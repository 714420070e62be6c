"""Sphinx configuration of placedecode's documentation.

Why Sphinx (and not MkDocs + mkdocstrings): the docstrings are numpydoc, which Sphinx's
numpydoc extension renders as scikit-learn and pynapple do; sphinx-gallery turns the figure
scripts into an executed gallery, the form those libraries' users know; myst-nb executes the
tutorials, kept as MyST text notebooks so their diffs read like prose. One tool builds
all three, with warnings as errors in CI (``sphinx-build -W --keep-going``).

Build: ``pip install -c constraints.txt -e ".[docs]"`` then
``sphinx-build -b html docs docs/_build/html`` (see docs/README.md). Sizes: the gallery and
the notebooks run small by default; ``PLACEDECODE_DOCS_FULL=1`` runs them at full size.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(ROOT))

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")

import placedecode  # noqa: E402
from apigen import write_api_pages  # noqa: E402
from gallery import FigureScraper, gallery_argv  # noqa: E402

project = "placedecode"
author = "placedecode developers"
copyright = "placedecode developers"
release = version = placedecode.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_nb",
]

# --------------------------------------------------------------------------- API reference
# Pages generated from every package's __all__ at each build (docs/_ext/apigen.py).
write_api_pages(HERE / "api")
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {
    "member-order": "bysource",
    # scikit-learn's generated metadata-routing setters: their docstrings point into sklearn's docs
    "exclude-members": "set_fit_request, set_partial_fit_request, set_predict_request, "
                       "set_predict_proba_request, set_score_request, set_transform_request, "
                       "set_split_request, set_output",
}
autodoc_typehints = "none"  # the numpydoc Parameters sections say the types
numpydoc_show_class_members = False  # the class template lists members itself
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
# Type fields ("ndarray of shape (n_features_in_,)") are cross-referenced word by word, which
# also keeps names with a trailing underscore from being read as rst link targets.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = {
    "of", "or", "and", "to", "in", "the", "a", "an", "with", "default", "optional", "shape", "length",
    "array", "array-like", "ndarray", "int", "float", "str", "bool", "dict", "list", "tuple", "callable",
    "sequence", "iterable", "mapping", "object", "estimator", "instance", "path", "path-like", "None", "True",
    "False", "type", "any", "n_samples", "n_features", "n_cells", "n_targets", "n_outputs", "n_classes",
    "RandomState", "Generator", "numpy", "file", "folder", "positive", "non-negative", "fitted",
}
# numpydoc's default aliases point into Python's and NumPy's docs (intersphinx, which an
# offline build cannot reach): keep those words as plain text.
from numpydoc.xref import DEFAULT_LINKS  # noqa: E402

numpydoc_xref_aliases = {word: word for word in DEFAULT_LINKS}
numpydoc_xref_ignore |= set(DEFAULT_LINKS)

# --------------------------------------------------------------------------- gallery
FULL = os.environ.get("PLACEDECODE_DOCS_FULL", "") not in ("", "0")
_FIGURES_OUT = Path(tempfile.mkdtemp(prefix="placedecode-gallery-"))

sphinx_gallery_conf = {
    "examples_dirs": [str(ROOT / "scripts")],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"fig_",
    "ignore_pattern": r"__init__\.py",
    "reset_argv": gallery_argv(_FIGURES_OUT, small=not FULL),
    "image_scrapers": (FigureScraper(_FIGURES_OUT),),
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "capture_repr": (),
    "show_memory": False,
    "plot_gallery": "True",
}

# --------------------------------------------------------------------------- notebooks (myst-nb)
nb_execution_mode = "force"  # always run: the tutorials are tests of the API
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}

# --------------------------------------------------------------------------- pages
templates_path = ["_templates"]
exclude_patterns = ["_build", "README.md", "jupyter_execute", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip", "auto_examples/*.md5"]
html_theme = "pydata_sphinx_theme"
html_title = "placedecode"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False
suppress_warnings = [
    "config.cache",  # sphinx-gallery's scraper and argv objects are not picklable; rebuild each time
]

# --------------------------------------------------------------------------- docstring tolerance
import re  # noqa: E402

_TRAILING_UNDERSCORE = re.compile(r"\b([A-Za-z]\w*?)_(?=[,)\]\s]|$)")


def _escape_type_fields(app, what, name, obj, options, lines):
    """``n_features_in_`` in a numpydoc type field ("shape (n_features_in_,)") is plain text.

    reStructuredText reads a word ending in ``_`` as a link; the type fields of scikit-learn
    style docstrings are full of fitted-attribute names. Runs before numpydoc.
    """
    for i, line in enumerate(lines):
        head, sep, tail = line.partition(" : ")
        if sep and not line.startswith(" ") and head.strip() and "``" not in tail and ":`" not in tail:
            lines[i] = head + sep + _TRAILING_UNDERSCORE.sub(r"\1\\_", tail)


_SKLEARN_REF = re.compile(r":ref:`([^`<]*?)\s*(?:<([^>`]+)>)?`")


def _unlink_sklearn_refs(app, what, name, obj, options, lines):
    """scikit-learn's own docstrings (``score``, kept by the pynapple wrapper) link into its guide.

    ``:ref:`coefficient of determination <r2_score>``` names a label of scikit-learn's
    documentation, which an offline build cannot reach: keep the words, drop the link.
    """
    if not str(getattr(obj, "__module__", "") or "").startswith("sklearn"):
        return
    for i, line in enumerate(lines):
        lines[i] = _SKLEARN_REF.sub(lambda m: m.group(1) or m.group(2), line)


def _inline_figures_in_notebooks(app, env, docnames):
    """Notebook kernels draw their figures inline, whatever ``MPLBACKEND`` the build runs with.

    The build (and CI) set ``MPLBACKEND=Agg``; a kernel started with it keeps its figures to
    itself, and the executed pages would show no plot. The gallery has run by now (on
    ``builder-inited``) with its own Agg backend; the kernels started while reading the
    sources inherit this process's environment.
    """
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"


def setup(app):
    app.connect("env-before-read-docs", _inline_figures_in_notebooks)
    app.connect("autodoc-process-docstring", _escape_type_fields, priority=400)
    app.connect("autodoc-process-docstring", _unlink_sklearn_refs, priority=400)
