"""Figure family "real" on a reduced budget (one rat, 5 minutes, two windows, 1 epoch)."""

import os
from pathlib import Path

import pytest

from placedecode.figures import real


def _shared_data() -> Path:
    env = os.environ.get("PLACEDECODE_TEST_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


TAMPUU = _shared_data() / "hippocampus" / "tampuu2019-openfield-2d"
needs_tampuu = pytest.mark.skipif(
    not (TAMPUU / "R2192_1x200_at5_step200_bin100-RAW_feat.dat").is_file(),
    reason=f"Tampuu et al. 2019 data not found at {TAMPUU} (set $PLACEDECODE_TEST_DATA)",
)


@needs_tampuu
def test_make_writes_the_pngs(tmp_path):
    pytest.importorskip("torch")
    paths = real.make(tmp_path, progress=False, data_root=_shared_data(), rats=("R2192",),
                      windows=(1, 3), max_epochs=1, seconds=20.0, max_bins=1500)
    assert [p.name for p in paths] == list(real.FILES)
    for path in paths:
        assert path.parent == tmp_path
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(real.FILES)  # no temporary files


def test_missing_data_says_how_to_point_to_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="PLACEDECODE_DATA"):
        real.make(tmp_path / "out", progress=False, data_root=tmp_path / "nowhere")
    assert not (tmp_path / "out").exists()  # fails before any output


def test_captions():
    assert real.NAME == "real"
    assert all(name.startswith("real_") and name.endswith(".png") for name in real.FILES)
    assert all(len(caption) > 40 for caption in real.FILES.values())
