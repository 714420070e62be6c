"""Where the tests find the real data: ``$PLACEDECODE_TEST_DATA``, else ``../shared/data``.

``../shared/data`` beside the repository is :func:`placedecode._paths.checkout_data_dir`,
the same folder the loaders search last in a source checkout. Tests that need these
files skip (with the folder in the reason) when they are absent.
"""

import os
from pathlib import Path

import pytest

from placedecode._paths import checkout_data_dir

SHARED_DATA = Path(os.environ.get("PLACEDECODE_TEST_DATA") or checkout_data_dir())

TAMPUU = SHARED_DATA / "hippocampus" / "tampuu2019-openfield-2d"
needs_tampuu = pytest.mark.skipif(
    not (TAMPUU / "R2192_1x200_at5_step200_bin100-RAW_feat.dat").is_file(),
    reason=f"Tampuu et al. 2019 data not found at {TAMPUU} (set $PLACEDECODE_TEST_DATA)",
)

LINEAR_TRACK = SHARED_DATA / "hippocampus" / "nelpy-linear-track-1d"
needs_linear_track = pytest.mark.skipif(
    not (LINEAR_TRACK / "spikes.mat").is_file(),
    reason=f"nelpy linear-track data not found at {LINEAR_TRACK} (set $PLACEDECODE_TEST_DATA)",
)
