"""Figure family "real" on a reduced budget (one rat, 5 minutes, two windows, 1 epoch)."""

import pytest

from placedecode.figures import real
from shared_data import SHARED_DATA, needs_tampuu


@needs_tampuu
def test_make_writes_the_pngs(tmp_path):
    pytest.importorskip("torch")
    paths = real.make(tmp_path, progress=False, data_dir=SHARED_DATA, rats=("R2192",),
                      windows=(1, 3), max_epochs=1, seconds=20.0, max_bins=1500)
    assert [p.name for p in paths] == list(real.FILES)
    for path in paths:
        assert path.parent == tmp_path
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(real.FILES)  # no temporary files


def test_missing_data_says_how_to_point_to_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="PLACEDECODE_DATA"):
        real.make(tmp_path / "out", progress=False, data_dir=tmp_path / "nowhere")
    assert not (tmp_path / "out").exists()  # fails before any output
    assert "PLACEDECODE_DATA" in real.missing_data(tmp_path / "nowhere")


def test_captions():
    assert real.NAME == "real"
    assert all(name.startswith("real_") and name.endswith(".png") for name in real.FILES)
    assert all(len(caption) > 40 for caption in real.FILES.values())
