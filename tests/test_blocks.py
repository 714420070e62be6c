"""Blocks of time: a Recording knows its epochs and gaps; nothing decodes across them."""

import numpy as np
import pytest

import placedecode as pdc
from placedecode.features import TimeWindow
from placedecode.models import BayesianDecoder
from placedecode.sim import BlockedTimeSeriesSplit


@pytest.fixture(scope="module")
def two_epochs():
    """5 min of 20 Poisson place cells, cut into two epochs with 30 s dropped between them."""
    rec = pdc.simulate(cells="place", n_cells=20, minutes=5, noise="poisson", max_fr=10, random_state=3,
                       progress=False)
    epoch = (np.arange(rec.n_samples) >= 1500).astype(np.int64)
    rec = pdc.Recording(**{**rec.__dict__, "epoch": epoch})
    return rec[np.r_[0:1200, 1500:3000]]  # 120 s of epoch 0, then 150 s of epoch 1


@pytest.mark.parametrize("window", [1, 2, 3, 4, 7])
@pytest.mark.parametrize("starts", [None, [0], [0, 1, 5, 13], [0, 10]])
def test_window_sum_is_the_sum_over_the_window_within_each_block(window, starts):
    from placedecode._blocks import window_sum

    C = np.random.default_rng(window).poisson(1.5, size=(20, 3)).astype(float)
    sums, n = window_sum(C, window, starts)
    bounds = [0, 20] if starts is None else list(starts) + [20]
    past, future = (window - 1) // 2, window // 2
    for a, b in zip(bounds[:-1], bounds[1:]):
        for t in range(a, b):
            lo, hi = max(t - past, a), min(t + future + 1, b)
            np.testing.assert_array_equal(sums[t], C[lo:hi].sum(axis=0))
            assert n[t] == hi - lo


def test_blocks_follow_epochs_and_time_gaps(two_epochs):
    rec = two_epochs
    assert rec.n_blocks == 2 and np.array_equal(np.bincount(rec.blocks), [1200, 1500])
    touching = pdc.Recording(**{**rec.__dict__})[1100:1300]  # no gap in time, but two epochs
    assert touching.n_blocks == 2
    one_epoch = pdc.Recording(**{**rec.__dict__, "epoch": np.zeros(rec.n_samples, dtype=np.int64)})
    assert one_epoch.n_blocks == 2  # the 30 s gap alone splits it
    running = rec[rec.speed > 0.05]  # a speed mask: every stop starts a new block
    assert running.n_blocks > 10


def test_epochs_travel_through_slicing_split_between_and_select_cells(two_epochs):
    rec = two_epochs
    train, test = rec.split(0.5)
    assert np.array_equal(np.r_[train.epoch, test.epoch], rec.epoch)
    assert train.n_blocks == 2 and test.n_blocks == 1  # 1200 + 150 bins, then 1350
    late = rec.between(rec.t[1100], None)
    assert late.n_blocks == 2 and late.epoch[0] == 0 and late.epoch[-1] == 1
    sub = rec.select_cells([0, 1, 2])
    assert np.array_equal(sub.epoch, rec.epoch) and np.array_equal(sub.blocks, rec.blocks)
    assert rec[5].epoch.shape == (1,)
    with pytest.raises(ValueError, match="epoch must be an int array"):
        pdc.Recording(**{**rec.__dict__, "epoch": np.zeros(3, dtype=int)})


@pytest.mark.parametrize("kw", [dict(window=7), dict(prior="continuity", continuity_sigma=0.05),
                                dict(prior="continuity", direction="both", continuity_sigma=0.05)])
def test_decoding_two_epochs_at_once_equals_decoding_each_alone(two_epochs, kw):
    rec = two_epochs
    model = BayesianDecoder(dt=rec.dt, smoothing=0.05, output="mean", **kw).fit(rec.X, rec.y)
    first, second = rec.blocks == 0, rec.blocks == 1
    together = model.predict(rec.X, groups=rec.blocks)
    alone = np.vstack([model.predict(rec.X[first]), model.predict(rec.X[second])])
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-12)
    posterior = model.predict_posterior(rec.X, groups=rec.blocks)
    np.testing.assert_allclose(posterior[second], model.predict_posterior(rec.X[second]), atol=1e-12)
    bridged = model.predict(rec.X)  # as one block: the window/prior reaches across the gap
    moved = np.linalg.norm(bridged - together, axis=1)
    assert np.all(moved[:1190] < 1e-12) or kw.get("direction") == "both"
    assert moved[1195:1210].max() > 1e-6  # next to the edge, bridging changes the answer


def test_time_window_and_splitter_keep_blocks_apart(two_epochs):
    rec = two_epochs
    tw = TimeWindow(past=3, future=3)
    together = tw.fit_transform(rec.X, groups=rec.blocks)
    alone = np.vstack([tw.fit_transform(rec.X[rec.blocks == b]) for b in (0, 1)])
    np.testing.assert_array_equal(together, alone)
    groups = np.repeat(np.arange(9), [30, 10, 50, 20, 20, 40, 10, 10, 60])
    folds = list(BlockedTimeSeriesSplit(n_splits=4, gap=2).split(np.zeros((250, 1)), groups=groups))
    for train, test in folds:
        assert np.all(np.diff(test) == 1)
        blocks_in_test = set(groups[test])
        assert not blocks_in_test & set(groups[train])  # no block split between train and test
        assert groups[test[0]] != groups[test[0] - 1] if test[0] else True  # starts on a block edge
    assert np.array_equal(np.concatenate([test for _, test in folds]), np.arange(250))
    sizes = [len(test) for _, test in folds]
    assert max(sizes) - min(sizes) <= 60  # near-equal, at block edges
    with pytest.raises(ValueError, match="groups has 9 block.*n_splits=10"):
        list(BlockedTimeSeriesSplit(n_splits=10).split(np.zeros((250, 1)), groups=groups))


def test_auto_defaults_choose_window_and_smoothing_on_the_training_data(two_epochs):
    rec = two_epochs
    train, test = rec.split(0.7)
    model = BayesianDecoder(dt=rec.dt).fit(train.X, train.y, groups=train.blocks)
    assert model.window_ in model.cv_windows_ and model.smoothing_ in model.cv_smoothings_
    assert model.cv_windows_ == [1, 3, 5, 7, 11, 19]  # odd windows up to 2 s of 0.1-s bins
    assert model.cv_errors_.shape == (3, 6) and model.window_ > 1
    i, j = model.cv_smoothings_.index(model.smoothing_), model.cv_windows_.index(model.window_)
    assert model.cv_errors_[i, j] == model.cv_errors_.min()
    auto = pdc.decoding_error(test.y, model.predict(test.X, groups=test.blocks))
    single = BayesianDecoder(dt=rec.dt, window=1, smoothing=0.05).fit(train.X, train.y)
    assert auto < pdc.decoding_error(test.y, single.predict(test.X, groups=test.blocks)) - 5  # cm
    # too little data to validate on: window 1, smoothing one grid bin
    tiny = BayesianDecoder(dt=rec.dt).fit(train.X[:40], train.y[:40])
    assert (tiny.window_, tiny.smoothing_, tiny.cv_errors_) == (1, 0.05, None)
    # with the continuity prior the window stays 1 and only the smoothing is chosen
    cont = BayesianDecoder(dt=rec.dt, prior="continuity").fit(train.X, train.y)
    assert cont.window_ == 1 and cont.cv_errors_.shape == (3, 1)
