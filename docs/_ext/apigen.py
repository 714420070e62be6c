"""Write the API reference's pages from the packages' ``__all__`` (run by ``conf.py``).

Every public name gets a page: the names of each subpackage's ``__all__`` (``placedecode.sim``,
``placedecode.models`` ...) are documented where they are defined for users
(``placedecode.sim.simulate``), and the top-level page lists the names ``import placedecode
as pdc`` offers (``pdc.simulate``), each linking to that page. A name added to an
``__all__`` appears at the next build without editing anything here.

No Sphinx import: the tests call :func:`write_api_pages` directly.
"""

from __future__ import annotations

import importlib
from pathlib import Path

#: Subpackages and modules, in the order of the reference, with a one-line heading.
SECTIONS = {
    "sim": "Simulation: trajectories, cells, recordings, splits",
    "models": "Decoders (scikit-learn estimators)",
    "metrics": "Metrics",
    "features": "Features",
    "datasets": "Datasets: images and real recordings",
    "experiments": "Sweeps: decoders x cell types x seeds",
    "presets": "Named decoders: what 'linear', 'numpy', 'torch', 'bayes' mean",
    "plotting": "Plotting",
    "figures": "Figures",
}


def public_names(module) -> list[str]:
    """The module's ``__all__`` (an error if it has none: every public module declares it)."""
    names = getattr(module, "__all__", None)
    if names is None:
        raise AttributeError(f"{module.__name__} has no __all__; the API reference is built from it.")
    return list(names)


def top_level_targets() -> dict[str, str]:
    """Top-level name -> the full name of the page that documents it (``placedecode.sim.simulate``)."""
    import placedecode

    targets = {}
    for name in public_names(placedecode):
        if name in SECTIONS:  # a subpackage (lazy_loader lists them in __all__): it has its own page
            continue
        for sub in SECTIONS:
            module = importlib.import_module(f"placedecode.{sub}")
            if name in public_names(module):
                targets[name] = f"placedecode.{sub}.{name}"
                break
        else:
            raise LookupError(f"placedecode.{name} is in no subpackage's __all__ ({', '.join(SECTIONS)}); "
                              "add it to the __all__ of the subpackage that defines it.")
    return targets


def _title(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


def _section_page(sub: str) -> str:
    module = importlib.import_module(f"placedecode.{sub}")
    names = public_names(module)
    lines = [
        f".. _api-{sub}:\n",
        _title(f"placedecode.{sub}"),
        f"{SECTIONS[sub]}.\n",
        f".. automodule:: placedecode.{sub}\n   :no-members:\n",
        f".. currentmodule:: placedecode.{sub}\n",
        ".. autosummary::\n   :toctree: generated\n   :nosignatures:\n",
        *[f"   {name}" for name in names],
        "",
    ]
    return "\n".join(lines)


def _families_page() -> str:
    """The figure family modules, each documented in full on one page."""
    from placedecode.figures import FIGURES

    lines = [
        ".. _api-figure-families:\n",
        _title("placedecode.figures: the families"),
        "One module per family, each with ``make(out_dir, progress, small=False)``, ``NAME`` and "
        "``FILES`` (file name -> caption); the gallery shows what each draws.\n",
    ]
    for name in FIGURES:
        lines += [_title(f"placedecode.figures.{name}", "-"),
                  f".. automodule:: placedecode.figures.{name}\n   :members:\n"]
    return "\n".join(lines)


def _index_page() -> str:
    targets = top_level_targets()
    lines = [
        ".. _api:\n",
        _title("API reference"),
        "Generated from the docstrings. Every public name of every subpackage has a page; "
        "a name added to a package's ``__all__`` appears here at the next build.\n",
        _title("Top level: ``import placedecode as pdc``", "-"),
        "The names most scripts need, importable as ``pdc.<name>``; each is documented in its "
        "subpackage.\n",
        ".. autosummary::\n   :nosignatures:\n",
        *[f"   ~{full}" for full in targets.values()],
        "",
        _title("Subpackages", "-"),
        ".. toctree::\n   :maxdepth: 1\n",
        *[f"   {sub}" for sub in SECTIONS],
        "   figure_families",
        "",
    ]
    return "\n".join(lines)


def write_api_pages(out_dir) -> list[Path]:
    """Write ``index.rst`` and one page per subpackage into ``out_dir``; returns the paths.

    Files are only rewritten when their text changes, so Sphinx does not rebuild
    everything each time.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pages = {"index.rst": _index_page(), **{f"{sub}.rst": _section_page(sub) for sub in SECTIONS},
             "figure_families.rst": _families_page()}
    written = []
    for name, text in pages.items():
        path = out / name
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
        written.append(path)
    return written
