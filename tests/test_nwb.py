"""load_nwb: a small NWB file written here with pynwb, read back as a binned Recording."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest

pynwb = pytest.importorskip("pynwb")

from pynwb.behavior import Position, SpatialSeries  # noqa: E402

from placedecode.datasets import DatasetError, load_nwb  # noqa: E402

DT = 0.2  # bin size, s
# position sampled at 50 Hz from t = 10 s for 3 s, in cm: x = 10 + 20 t', y = 50 - 10 t'
POS_RATE = 50.0
POS_T = 10.0 + np.arange(151) / POS_RATE  # 10.00 ... 13.00 s
POS_CM = np.c_[10.0 + 20.0 * (POS_T - 10.0), 50.0 - 10.0 * (POS_T - 10.0)]
# spike times (s) of three units, with the bin (from t = 10 s) each falls in
SPIKES = {
    0: [10.05, 10.07, 10.45, 12.99],  # bins 0, 0, 2, 14
    1: [10.3, 10.9, 11.1, 11.15, 11.19],  # bins 1, 4, 5, 5, 5
    2: [9.5, 10.6, 13.5],  # before the span, bin 3 (on an edge: the bin starting there), after
}


def expected_counts():
    counts = np.zeros((15, 3), dtype=int)
    for bins, j in (([0, 0, 2, 14], 0), ([1, 4, 5, 5, 5], 1), ([3], 2)):
        np.add.at(counts[:, j], bins, 1)
    return counts


def new_file(units=True):
    nwb = pynwb.NWBFile(session_description="test", identifier="placedecode-test",
                        session_start_time=datetime(2024, 1, 1, tzinfo=timezone.utc))
    if units:
        for uid in SPIKES:
            nwb.add_unit(spike_times=SPIKES[uid])
    return nwb


def add_position(nwb, data, timestamps=POS_T, unit="cm", name="xy", interface="Position", module="behavior"):
    series = SpatialSeries(name=name, data=data, timestamps=timestamps, unit=unit,
                           reference_frame="(0, 0) is the south-west corner")
    if module not in nwb.processing:
        nwb.create_processing_module(module, "behavioural data")
    mod = nwb.processing[module]
    if interface in mod.data_interfaces:
        mod[interface].add_spatial_series(series)
    else:
        mod.add(Position(name=interface, spatial_series=series))
    return nwb


def write(nwb, path):
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwb)
    return path


@pytest.fixture
def nwb_path(tmp_path):
    return write(add_position(new_file(), POS_CM), tmp_path / "session.nwb")


def test_counts_and_positions_round_trip(nwb_path):
    rec = load_nwb(nwb_path, bin_size=DT)
    counts = expected_counts()
    assert rec.n_samples == 15 and rec.n_cells == 3 and rec.dt == DT
    np.testing.assert_array_equal(rec.spike_counts.T, counts)
    np.testing.assert_allclose(rec.X, counts / DT)  # Hz
    centres = 10.0 + (np.arange(15) + 0.5) * DT
    pos_m = np.c_[10.0 + 20.0 * (centres - 10.0), 50.0 - 10.0 * (centres - 10.0)] / 100.0
    np.testing.assert_allclose(rec.y, pos_m, rtol=0, atol=1e-12)  # metres, linear data
    np.testing.assert_allclose(rec.t, 10.0 + np.arange(15) * DT)
    np.testing.assert_array_equal(rec.cell_params["unit_id"], [0, 1, 2])
    assert list(rec.cell_types) == ["unit"] * 3


def test_units_selection_time_span_and_bin_size(nwb_path):
    rec = load_nwb(nwb_path, bin_size=0.4, units=[2, 0], t_start=10.2, t_stop=11.0)
    assert rec.n_samples == 2 and rec.n_cells == 2
    # bins [10.2, 10.6), [10.6, 11.0): unit 2 -> 0, 1; unit 0 -> 1 (10.45), 0
    np.testing.assert_array_equal(rec.spike_counts.T, [[0, 1], [1, 0]])
    np.testing.assert_array_equal(rec.cell_params["unit_id"], [2, 0])
    np.testing.assert_allclose(rec.y[:, 0], (10.0 + 20.0 * np.array([0.4, 0.8])) / 100.0)


def test_metres_rate_based_series_and_position_by_name(tmp_path):
    nwb = new_file()
    add_position(nwb, POS_CM / 100.0, unit="meters", name="head")
    # a second series, sampled by rate, in mm, in another Position interface
    series = SpatialSeries(name="body", data=POS_CM * 10.0, starting_time=10.0, rate=POS_RATE,
                           unit="millimeters", reference_frame="corner")
    nwb.processing["behavior"].add(Position(name="BodyPosition", spatial_series=series))
    path = write(nwb, tmp_path / "two.nwb")
    a = load_nwb(path)  # default: the first series found
    b = load_nwb(path, position="body")
    c = load_nwb(path, position="BodyPosition")
    d = load_nwb(path, position="behavior/Position/head")
    np.testing.assert_allclose(a.y, b.y, atol=1e-12)
    np.testing.assert_allclose(b.y, c.y, atol=0)
    np.testing.assert_allclose(a.y, d.y, atol=0)
    assert a.y.max() < 1.0  # metres


def test_short_tracking_gap_is_interpolated_long_gap_raises(tmp_path):
    data = POS_CM.copy()
    data[20:30] = np.nan  # 0.2 s without tracking: bridged
    rec = load_nwb(write(add_position(new_file(), data), tmp_path / "short.nwb"))
    assert np.isfinite(rec.y).all()
    np.testing.assert_allclose(rec.y[2], [0.10 + 0.20 * 0.5, 0.50 - 0.10 * 0.5])  # linear path

    data[20:130] = np.nan  # 2.2 s gap
    path = write(add_position(new_file(), data), tmp_path / "long.nwb")
    with pytest.raises(ValueError, match="max_gap"):
        load_nwb(path)
    rec = load_nwb(path, allow_nan_position=True)
    assert rec.n_samples == 15 and np.isnan(rec.y).any(axis=1).sum() == 11
    assert np.isfinite(load_nwb(path, max_gap=3.0).y).all()


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        load_nwb(tmp_path / "nope.nwb")


def test_not_an_nwb_file(tmp_path):
    path = tmp_path / "text.nwb"
    path.write_text("not HDF5")
    with pytest.raises(DatasetError, match="could not read"):
        load_nwb(path)


def test_no_units_table(tmp_path):
    path = write(add_position(new_file(units=False), POS_CM), tmp_path / "nounits.nwb")
    with pytest.raises(DatasetError, match="no units table"):
        load_nwb(path)


def test_no_position(tmp_path):
    path = write(new_file(), tmp_path / "nopos.nwb")
    with pytest.raises(DatasetError, match="no position data"):
        load_nwb(path)


def test_unknown_position_name_lists_the_available(nwb_path):
    with pytest.raises(ValueError, match=r"no position series named 'nose'.*'behavior/Position/xy'"):
        load_nwb(nwb_path, position="nose")


def test_unknown_unit(tmp_path):
    path = write(add_position(new_file(), POS_CM, unit="pixels"), tmp_path / "px.nwb")
    with pytest.raises(ValueError, match="'pixels'.*position_unit="):
        load_nwb(path)
    rec = load_nwb(path, position_unit="cm")  # override, or a scale in metres per unit
    np.testing.assert_allclose(rec.y, load_nwb(path, position_unit=0.01).y)


def test_bad_arguments(nwb_path):
    with pytest.raises(ValueError, match="bin_size"):
        load_nwb(nwb_path, bin_size=0)
    with pytest.raises(ValueError, match="not ids"):
        load_nwb(nwb_path, units=[7])
    with pytest.raises(ValueError, match="outside the position data"):
        load_nwb(nwb_path, t_start=5.0)


def test_missing_pynwb_message(monkeypatch, nwb_path):
    import sys

    monkeypatch.setitem(sys.modules, "pynwb", None)  # import pynwb -> ImportError
    with pytest.raises(ImportError, match=r'pip install "placedecode\[nwb\]"'):
        load_nwb(nwb_path)
