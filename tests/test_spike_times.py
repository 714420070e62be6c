"""from_spike_times: spike times + camera tracking as labs hold them -> a binned Recording."""

import warnings

import numpy as np
import pytest

import placedecode as pdc
from placedecode.datasets import DataWarning, RecordingReport, from_spike_times


def _session(minutes=2.0, rate=60.0, seed=0, n_units=5, unit="m"):
    """A rat running 1 m back and forth (a triangle wave at 0.25 m/s), 60-Hz tracking."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, 60 * minutes, 1 / rate) + 10.0  # the clock starts at 10 s
    phase = ((t - 10.0) * 0.25) % 2.0
    x = np.where(phase < 1.0, phase, 2.0 - phase)  # metres, 0..1
    centres = np.linspace(0.1, 0.9, n_units)
    lam = 8.0 * np.exp(-(x[:, None] - centres) ** 2 / (2 * 0.08**2)) / rate  # spikes per frame
    trains = [np.sort(t[rng.random(len(t)) < lam[:, j]] + rng.uniform(0, 1 / rate)) for j in range(n_units)]
    scale = {"m": 1.0, "cm": 100.0, "px": 350.0}[unit]
    return trains, t, x * scale


def test_counts_equal_numpy_histogram_on_every_epoch():
    trains, t, x = _session()
    epochs = np.array([[12.0, 50.0], [60.5, 100.25]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)  # clean tracking: nothing to report
        rec = from_spike_times(trains, t, x, 0.2, epochs=epochs)
    for k, (start, stop) in enumerate(epochs):
        n = int(np.floor((stop - start) / 0.2 + 1e-9))
        edges = start + 0.2 * np.arange(n + 1)  # the documented grid: from each epoch's start
        rows = rec.epoch == k
        assert rows.sum() == n
        np.testing.assert_allclose(rec.t[rows], edges[:-1])
        for j, train in enumerate(trains):
            np.testing.assert_array_equal(rec.spike_counts[j, rows], np.histogram(train, bins=edges)[0])
    # a spike exactly on an inner edge goes to the later bin, as in np.histogram
    rec1 = from_spike_times([np.array([12.2, 12.4, 12.4])], t, x, 0.2, epochs=epochs[:1])
    np.testing.assert_array_equal(rec1.spike_counts[0, :3], [0, 1, 2])
    assert rec.n_blocks == 2 and rec.metadata["epoch_names"] == ["epoch 0", "epoch 1"]
    np.testing.assert_allclose(rec.metadata["epochs"], epochs)


def test_positions_at_bin_centres_speed_and_units():
    trains, t, x = _session()
    rec = from_spike_times(trains, t, x, 0.25)
    centres = rec.t + 0.125
    truth = np.interp(centres, t, x)
    np.testing.assert_allclose(rec.position[0], truth, atol=1e-12)
    turning = np.abs(((centres - 10.0) * 0.25) % 1.0 - 0.5) < 0.45  # away from the turns
    np.testing.assert_allclose(rec.speed[turning], 0.25, rtol=1e-6)  # 25 cm/s
    assert rec.rates.shape == (5, rec.n_samples) and rec.dt == 0.25
    # the same session in centimetres or camera pixels gives the same Recording in metres
    _, _, x_cm = _session(unit="cm")
    _, _, x_px = _session(unit="px")
    rec_cm = from_spike_times(trains, t, x_cm, 0.25, position_unit="cm")
    rec_px = from_spike_times(trains, t, x_px, 0.25, position_unit="px", scale=350.0)
    np.testing.assert_allclose(rec_cm.position, rec.position)
    np.testing.assert_allclose(rec_px.position, rec.position)
    assert rec_px.metadata["scale"] == 350.0


def test_min_speed_keeps_running_bins_and_splits_blocks():
    trains, t, x = _session()
    x = x.copy()
    still = (t > 40) & (t < 50)
    x[still] = x[np.flatnonzero(still)[0]] + 1e-4 * np.sin(t[still])  # 10 s sitting (with jitter)
    rec_all = from_spike_times(trains, t, x, 0.2)
    rec = from_spike_times(trains, t, x, 0.2, min_speed=0.05)
    assert rec.n_samples < rec_all.n_samples - 45  # ~50 still bins dropped
    assert np.all(rec.speed >= 0.05)
    assert rec.metadata["report"].below_speed == rec_all.n_samples - rec.n_samples
    assert rec.n_blocks >= 2  # the bins before and after the stop are different blocks
    assert not np.any((rec.t > 40.5) & (rec.t < 49.5))


def test_glitches_are_handled_and_reported():
    trains, t, x = _session()
    P = np.c_[x, 0.5 + 0.01 * np.sin(t)]  # 2D, on a track along x
    P[100] = [0.95, 0.95]  # a one-frame reflection 0.7 m away (42 m/s)
    P[200:203] = [[0.0, 0.05]] * 3  # a three-frame excursion
    P[300:330] = np.nan  # tracking lost for 0.5 s: interpolated over
    P[1000:1600] = P[999]  # frozen for 10 s: the animal out of view
    P[2000] = [0.5, 5.0]  # out of the arena
    t = t.copy()
    t[500] = t[499]  # a repeated timestamp
    with pytest.warns(DataWarning) as record:
        rec = from_spike_times(trains, t, P, 0.2, arena=(-0.1, 1.1, 0.0, 1.0))
    report = rec.metadata["report"]
    assert isinstance(report, RecordingReport)
    assert (report.duplicated, report.nan, report.jumps, report.out_of_arena) == (1, 30, 4, 1)
    assert report.frozen == 601 and report.frozen_seconds == pytest.approx(10.0, abs=0.05)
    assert report.no_position == 50  # the bins centred in the 10 s without valid tracking
    assert report.kept == rec.n_samples == report.n_bins - 50
    message = str(record[0].message)
    for word in ("repeated timestamp", "NaN", "frozen", "glitches", "outside the arena", "without a position"):
        assert word in message
    assert np.all(np.isfinite(rec.position))
    assert rec.position[0].max() < 1.05 and rec.position[0].min() > -0.05  # no glitch reached a bin
    assert rec.n_blocks == 2  # the bins before and after the frozen stretch


def test_silent_units_are_kept_and_reported():
    trains, t, x = _session()
    trains = {"a": trains[0], "b": np.array([]), "c": np.array([5000.0])}  # c fires after the end
    with pytest.warns(DataWarning, match=r"2 silent unit\(s\) kept \(b, c\)"):
        rec = from_spike_times(trains, t, x, 0.2)
    assert rec.n_cells == 3
    assert rec.cell_params["unit_id"].tolist() == ["a", "b", "c"]
    assert rec.spike_counts[1:].sum() == 0
    assert rec.metadata["report"].silent_units == ("b", "c")


def test_named_epochs_and_nan_positions_on_request():
    trains, t, x = _session()
    x = x.copy()
    x[(t > 70)] = np.nan  # no tracking after 70 s: a "rest" out of view
    epochs = {"run": (10.0, 70.0), "rest": (70.0, 129.0)}
    with pytest.warns(DataWarning, match="without a position"):
        rec = from_spike_times(trains, t, x, 0.5, epochs=epochs)
    assert rec.metadata["epoch_names"] == ["run", "rest"]
    assert set(rec.epoch.tolist()) == {0}  # rest bins have no position: dropped
    with pytest.warns(DataWarning):
        both = from_spike_times(trains, t, x, 0.5, epochs=epochs, allow_nan_position=True)
    assert set(both.epoch.tolist()) == {0, 1} and both.n_blocks == 2
    assert np.isnan(both.position[0, both.epoch == 1]).all()
    assert both.spike_counts[:, both.epoch == 1].sum() > 0


@pytest.mark.parametrize(
    "change, error, match",
    [
        (dict(spike_times=[np.array([3.0, 2.0])]), ValueError, "not sorted"),
        (dict(spike_times=[np.array([-1.0, 2.0])]), ValueError, "negative"),
        (dict(spike_times=[]), ValueError, "no units"),
        (dict(spike_times=np.array([1.0, 2.0])), TypeError, "one array of spike times"),
        (dict(positions=np.zeros(10)), ValueError, "position_times has .* samples but positions has 10"),
        (dict(positions=np.full(7200, np.nan)), ValueError, "no valid sample"),
        (dict(bin_size=200.0), ValueError, "bin_size=200 s is longer than epoch"),
        (dict(bin_size=-0.2), ValueError, "bin_size must be a positive"),
        (dict(epochs=[(0.0, 20.0)]), ValueError, "outside the data"),
        (dict(epochs=[(20.0, 60.0), (50.0, 70.0)]), ValueError, "overlap"),
        (dict(epochs=[(30.0, 20.0)]), ValueError, "stop must be after start"),
        (dict(position_unit="px"), ValueError, "scale="),
        (dict(position_unit="cm"), ValueError, "span 1 cm .*position_unit='cm'"),
        (dict(position_unit="furlong"), ValueError, "not a known length unit"),
        (dict(scale=300.0), ValueError, "scale .* only for position_unit='px'"),
        (dict(min_speed=-1.0), ValueError, "min_speed"),
    ],
)
def test_bad_input_gets_a_clear_error_naming_the_argument(change, error, match):
    trains, t, x = _session()
    args = {"spike_times": trains, "position_times": t, "positions": x, "bin_size": 0.2, **change}
    kwargs = {k: args.pop(k) for k in list(args) if k not in ("spike_times", "position_times", "positions", "bin_size")}
    with pytest.raises(error, match=match):
        from_spike_times(args["spike_times"], args["position_times"], args["positions"], args["bin_size"], **kwargs)


@pytest.mark.filterwarnings("ignore::placedecode.datasets.DataWarning")  # at 87 "m/s" every step is a jump
def test_unsorted_tracking_and_implausible_span_warning():
    trains, t, x = _session()
    with pytest.raises(ValueError, match="position_times are not sorted"):
        from_spike_times(trains, t[::-1], x, 0.2)
    with pytest.warns(UserWarning, match="span 342.7 m after conversion with position_unit='m', more than 100 m"):
        from_spike_times(trains, t, x * 350, 0.2)  # pixels passed as metres


def test_decodes_a_synthetic_track_to_a_few_cm():
    trains, t, x = _session(minutes=4, n_units=12)
    rec = from_spike_times(trains, t, x, 0.2)
    train, test = rec.split(0.75)
    model = pdc.BayesianDecoder(dt=rec.dt, bin_size=0.02).fit(train.X, train.y)
    error = pdc.decoding_error(test.y, model.predict(test.X, groups=test.blocks))
    assert error < 8  # cm, on a 1 m track; chance is ~33 cm
