"""The documentation's sources: the API reference covers every public name, the notebooks run.

The documentation build (``sphinx-build -W``, run by CI) executes every notebook and the
gallery; these tests check the same sources without Sphinx: the generated API pages name
every entry of every ``__all__``, each notebook's code cells compile and set their sizes
from ``PLACEDECODE_DOCS_FULL``, every figure script is a gallery example with a title, and
(slow) each notebook's code runs from start to end at its small size.
"""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import apigen  # noqa: E402

NOTEBOOKS = sorted([*DOCS.glob("guide/*.md"), *DOCS.glob("tutorials/*.md")])
NOTEBOOKS = [p for p in NOTEBOOKS if "kernelspec:" in p.read_text()]
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)


def code_cells(path: Path) -> list[str]:
    return CODE_CELL.findall(path.read_text())


def test_the_api_pages_name_every_public_name_of_every_subpackage(tmp_path):
    import placedecode

    pages = {p.name: p.read_text() for p in apigen.write_api_pages(tmp_path)}
    assert set(pages) == {"index.rst", "figure_families.rst", *(f"{sub}.rst" for sub in apigen.SECTIONS)}
    for sub in apigen.SECTIONS:
        module = importlib.import_module(f"placedecode.{sub}")
        listed = re.findall(r"^   (\w+)$", pages[f"{sub}.rst"], re.M)
        assert listed == list(module.__all__), sub
    top = re.findall(r"^   ~(placedecode\.\w+\.(\w+))$", pages["index.rst"], re.M)
    subpackages = set(apigen.SECTIONS)  # lazy_loader lists them in __all__ too; each has its own page
    assert sorted(name for _, name in top) == sorted(set(placedecode.__all__) - subpackages)
    assert subpackages <= set(placedecode.__all__)
    for full, name in top:  # each top-level name links to the page of the same object
        sub = importlib.import_module(full.rsplit(".", 1)[0])
        assert getattr(sub, name) is getattr(placedecode, name)
    from placedecode.figures import FIGURES

    assert [f"placedecode.figures.{n}" for n in FIGURES] == re.findall(
        r"automodule:: (placedecode\.figures\.\w+)", pages["figure_families.rst"])


def test_a_public_name_in_no_subpackage_is_reported(monkeypatch):
    import placedecode

    monkeypatch.setattr(placedecode, "__all__", [*placedecode.__all__, "not_anywhere"])
    with pytest.raises(LookupError, match="placedecode.not_anywhere is in no subpackage's __all__"):
        apigen.top_level_targets()


def test_rewriting_unchanged_pages_leaves_them_alone(tmp_path):
    first = apigen.write_api_pages(tmp_path)
    stamps = {p: p.stat().st_mtime_ns for p in first}
    apigen.write_api_pages(tmp_path)
    assert {p: p.stat().st_mtime_ns for p in first} == stamps


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_code_compiles_and_uses_pdc(path):
    cells = code_cells(path)
    assert cells, f"{path} has no code cells"
    source = "\n".join(cells)
    compile(source, str(path), "exec")
    assert "import placedecode as pdc" in source
    assert not re.search(r"import placedecode as pd\b", source)


def test_the_tutorials_set_their_sizes_from_the_environment():
    names = sorted(p.name for p in DOCS.glob("tutorials/*.md") if "kernelspec:" in p.read_text())
    assert names == ["decoding_tutorial.md", "real_data.md", "which_decoder.md"]
    for name in names:
        first = code_cells(DOCS / "tutorials" / name)[0]
        assert 'os.environ.get("PLACEDECODE_DOCS_FULL"' in first, name


def test_every_figure_script_is_a_gallery_example_with_a_title():
    from placedecode.figures import FIGURES

    for name in FIGURES:
        doc = (ROOT / "scripts" / f"fig_{name}.py").read_text().split('"""')[1]
        lines = doc.strip("\n").splitlines()
        assert len(lines) > 3 and set(lines[1]) == {"="} and len(lines[1]) == len(lines[0]), name
    assert (ROOT / "scripts" / "README.rst").is_file()  # sphinx-gallery's gallery header


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_runs_at_its_small_size(path, tmp_path):
    script = tmp_path / "notebook.py"
    script.write_text("\n\n".join(code_cells(path)))
    env = {**os.environ, "MPLBACKEND": "Agg"}
    env.pop("PLACEDECODE_DOCS_FULL", None)
    result = subprocess.run([sys.executable, str(script)], cwd=path.parent, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
