"""The plotting functions: what each figure holds, units on every axis, clear errors.

Each test draws on a small recording with the Agg backend and checks the artists: lines,
scatter points (one per cell), colour bars, titles holding the error from
``decoding_error``, log-scaled training curves, a GIF with several frames.
"""

import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

import placedecode as pdc  # noqa: E402
from placedecode import plotting as pp  # noqa: E402
from placedecode.metrics import decoding_error  # noqa: E402
from placedecode.models import LinearClassifier, LinearRegressor  # noqa: E402


# RatInABox warns about its own 1D default speed; not what these tests are about
pytestmark = pytest.mark.filterwarnings("ignore:Warning. You have solid 1D boundary conditions:UserWarning")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def rec():
    """2 minutes of 16 place cells (1200 samples at 0.1 s)."""
    return pdc.simulate(cells="place", n_cells=16, minutes=2, dt=0.1, random_state=0, progress=False)


@pytest.fixture(scope="module")
def split(rec):
    return rec.split(0.8)


@pytest.fixture(scope="module")
def linear(split):
    train, _ = split
    return LinearRegressor(fit_intercept=True).fit(train.X, train.y)


@pytest.fixture(scope="module")
def mixed():
    """One minute of every cell type, in an arena with one object."""
    traj = pdc.simulate_trajectory(minutes=1, environment={"objects": [[0.3, 0.7]]}, random_state=3, progress=False)
    cells = {"place": 3, "grid": 2, "boundary_vector": 2, "object_vector": 1, "head_direction": 2, "velocity": 2, "speed": 1}
    return pdc.record(traj, cells=cells, max_fr=10.0, random_state=3)


@pytest.fixture(scope="module")
def rec1d():
    return pdc.simulate(n_cells=8, minutes=1, environment={"dimensionality": "1D"}, random_state=1, progress=False)


def fake_history(n=5, val=True):
    epochs = list(range(1, n + 1))
    history = {
        "epoch": epochs,
        "train_loss": [1.0 / e for e in epochs],
        "train_error": [20.0 / e for e in epochs],
        "val_loss": [],
        "val_error": [],
    }
    if val:
        history["val_loss"] = [1.2 / e for e in epochs]
        history["val_error"] = [24.0 / e for e in epochs]
    return history


def scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def has_colorbar(mappable):
    return getattr(mappable, "colorbar", None) is not None


# --------------------------------------------------------------------------- style
def test_style_is_a_context_and_import_leaves_rcparams_alone():
    before = dict(matplotlib.rcParams)
    import importlib

    importlib.reload(pp._style)
    assert dict(matplotlib.rcParams) == before
    with pp.style():
        assert matplotlib.rcParams["axes.spines.top"] is False
        assert matplotlib.rcParams["savefig.dpi"] == 150
    assert dict(matplotlib.rcParams) == before


def layout_problems(fig) -> list:
    """Panels (titles, labels, tick labels, legends) that leave the figure, and titles that overlap."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    inside = fig.bbox.padded(1.0)
    problems, titles = [], []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        box = ax.get_tightbbox(renderer)
        if not (inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1):
            problems.append(f"panel {ax.get_title()!r} reaches outside the figure: {box.extents.round()}")
        if ax.get_title():
            titles.append((ax.title.get_window_extent(renderer), ax.get_title()))
    for i, (a, name_a) in enumerate(titles):
        problems += [f"titles {name_a!r} and {name_b!r} overlap" for b, name_b in titles[i + 1:] if a.overlaps(b)]
    return problems


LONG_NAMES = ["linear", "Bayes continuity prior", "NumpyMLPRegressor (tutorial)", "torch"]


@pytest.mark.parametrize("n_decoders", [1, 2, 4])
def test_decoder_panels_fit_the_figure_with_matplotlib_defaults(split, linear, n_decoders):
    _, test = split
    predictions = {name: linear for name in LONG_NAMES[:n_decoders]}
    with matplotlib.rc_context(matplotlib.rcParamsDefault):
        matplotlib.use("Agg")
        fig, axes = pp.plot_decoders(test, predictions)
        assert layout_problems(fig) == []
    long_title = axes[-1].get_title() if n_decoders > 1 else axes[0].get_title()
    assert "mean error" in long_title  # a long name goes on its own line, the error below it
    if n_decoders > 1:
        assert axes[1].get_title().startswith("Bayes continuity prior\nmean error")


def test_error_plots_fit_the_figure_and_the_legend_sits_beside_the_curves(split, linear):
    _, test = split
    with matplotlib.rc_context(matplotlib.rcParamsDefault):
        matplotlib.use("Agg")
        fig, ax = pp.plot_error_over_time(test, {name: linear for name in LONG_NAMES}, smooth=1.0)
        assert layout_problems(fig) == []
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        legend = ax.get_legend().get_window_extent(renderer)
        assert legend.x0 >= ax.get_window_extent(renderer).x1  # never over the curves
        fig, ax = pp.plot_error_by_position(test, linear, name="Bayes continuity prior")
        assert layout_problems(fig) == []
        fig, _ = pp.plot_trajectory(test, linear, name="NumpyMLPRegressor (tutorial)")
        assert layout_problems(fig) == []


def test_demo_names_share_the_colours_of_their_families():
    # "linear" fits a bias (placedecode.presets); the tutorial's bias-free closed form has its own colour
    assert pp.decoder_color("linear+bias") == pp.decoder_color("linear-bias") == pp.DECODER_COLORS["linear"]
    assert pp.decoder_color("linear-tutorial") == pp.DECODER_COLORS["linear-tutorial"] != pp.DECODER_COLORS["linear"]
    assert pp.decoder_color("numpy-small") == pp.decoder_color("numpy-tutorial") == pp.DECODER_COLORS["numpy"]


def test_decoder_colours_are_fixed_by_name_and_new_names_get_new_colours():
    assert pp.decoder_color("linear") == pp.DECODER_COLORS["linear"]
    assert pp.decoder_color("Torch") == pp.decoder_color("torch") == pp.DECODER_COLORS["torch"]
    assert pp.decoder_color(LinearRegressor()) == pp.DECODER_COLORS["linear"]  # class name alias
    assert pp.decoder_color("numpy_mlp") == pp.DECODER_COLORS["numpy"]
    first, second = pp.decoder_color("my decoder A"), pp.decoder_color("my decoder B")
    assert first != second and first not in pp.DECODER_COLORS.values()
    assert pp.decoder_color("my decoder A") == first  # stable
    assert len(set(pp.DECODER_COLORS.values())) == len(pp.DECODER_COLORS)


# --------------------------------------------------------------------------- trajectory
def test_trajectory_with_arrays_has_two_paths_units_and_the_error_in_the_title(split, linear):
    _, test = split
    y_pred = linear.predict(test.X)
    fig, ax = pp.plot_trajectory(test.y, y_pred, name="linear", environment=test.environment)
    assert len(ax.lines) == 2  # true and decoded; walls are a LineCollection
    assert [line.get_label() for line in ax.lines] == ["true", "linear"]
    assert ax.get_xlabel() == "x (m)" and ax.get_ylabel() == "y (m)"
    err = decoding_error(test.y, y_pred)
    assert f"{err:.3g} cm" in ax.get_title()
    assert ax.lines[1].get_color() == pp.DECODER_COLORS["linear"]


def test_trajectory_from_recording_and_estimator_window_limits_the_drawn_samples(split, linear):
    _, test = split
    start = test.t[0]
    fig, ax = pp.plot_trajectory(test, linear, name="linear", window=(start, start + 10))
    assert len(ax.lines[0].get_xdata()) == 100  # 10 s at 0.1 s
    # the error in the title is over all samples passed, not only the window
    assert f"{decoding_error(test.y, linear.predict(test.X)):.3g}" in ax.get_title()
    # the environment came from the recording: the arena is drawn
    assert ax.patches and ax.collections


def test_trajectory_draws_on_given_axes_and_returns_them(rec):
    fig, ax = plt.subplots()
    fig2, ax2 = pp.plot_trajectory(rec, fig=fig, ax=ax)
    assert fig2 is fig and ax2 is ax
    assert len(ax.lines) == 1 and ax.get_title().startswith("trajectory")


def test_trajectory_on_a_1d_track_is_position_against_time(rec1d):
    train, test = rec1d.split(0.8)
    model = LinearRegressor(fit_intercept=True).fit(train.X, train.y)
    fig, ax = pp.plot_trajectory(test, model, name="linear")
    assert ax.get_xlabel() == "time (s)" and ax.get_ylabel() == "position (m)"
    assert len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[0].get_xdata(), test.t)


def test_trajectory_rejects_bad_input(split, linear):
    _, test = split
    with pytest.raises(NotFittedError):
        pp.plot_trajectory(test, LinearRegressor())
    with pytest.raises(ValueError, match="same shape"):
        pp.plot_trajectory(test.y, test.y[:-1])
    with pytest.raises(ValueError, match=r"\(D, T\) layout"):
        pp.plot_trajectory(test.y.T, test.y.T)
    with pytest.raises(ValueError, match="pass X"):
        pp.plot_trajectory(test.y, linear)
    with pytest.raises(ValueError, match="selects no samples"):
        pp.plot_trajectory(test, linear, window=(1e6, 2e6))
    with pytest.raises(ValueError, match="environment is 1D"):
        env1d = pdc.simulate(n_cells=2, minutes=0.5, environment={"dimensionality": "1D"}, random_state=0,
                            progress=False).environment
        pp.plot_trajectory(test.y, test.y, environment=env1d)


def test_several_decoders_side_by_side(split, linear):
    _, test = split
    y_lin = linear.predict(test.X)
    predictions = {"linear": y_lin, "knn": y_lin + 0.01, "torch": linear}
    fig, axes = pp.plot_decoders(test, predictions)
    assert axes.shape == (3,)
    for ax, (name, pred) in zip(axes, predictions.items()):
        pred = linear.predict(test.X) if name == "torch" else pred
        assert ax.get_title() == f"{name}: mean error {decoding_error(test.y, pred):.3g} cm"
        assert ax.lines[1].get_color() == pp.decoder_color(name)
    fig, axes = pp.plot_decoders(test, {"linear": y_lin})
    assert axes.shape == (1,)
    with pytest.raises(TypeError, match="non-empty dict"):
        pp.plot_decoders(test, [y_lin])


# --------------------------------------------------------------------------- errors
def test_error_over_time_has_a_line_per_decoder_in_cm(split, linear):
    _, test = split
    y_lin = linear.predict(test.X)
    fig, ax = pp.plot_error_over_time(test, {"linear": y_lin, "knn": y_lin + 0.02})
    assert len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[0].get_ydata(), decoding_error(test.y, y_lin, reduce=None))
    assert ax.get_ylabel() == "decoding error (cm)" and ax.get_xlabel() == "time (s)"
    assert f"{decoding_error(test.y, y_lin):.3g} cm" in ax.lines[0].get_label()
    fig, ax = pp.plot_error_over_time(test.y, y_lin, smooth=5)
    assert ax.get_xlabel() == "time (samples)" and len(ax.lines) == 1


def test_error_by_position_is_a_heat_map_with_a_colour_bar_in_cm(split, linear):
    _, test = split
    fig, ax = pp.plot_error_by_position(test, linear, name="linear", bin_size=0.1)
    (image,) = ax.images
    assert image.get_array().shape == (10, 10)
    assert has_colorbar(image) and "cm" in image.colorbar.ax.get_ylabel()
    assert f"{decoding_error(test.y, linear.predict(test.X)):.3g} cm" in ax.get_title()
    # the binned means agree with a direct computation for one bin
    err = decoding_error(test.y, linear.predict(test.X), reduce=None)
    inside = (test.y[:, 0] < 0.1) & (test.y[:, 1] < 0.1)
    value = image.get_array()[0, 0]
    if inside.any():
        assert value == pytest.approx(err[inside].mean())
    else:
        assert np.ma.is_masked(value) or np.isnan(value)


def test_error_by_position_on_a_1d_track(rec1d):
    model = LinearRegressor(fit_intercept=True).fit(rec1d.X, rec1d.y)
    fig, ax = pp.plot_error_by_position(rec1d, model, bin_size=0.1)
    assert len(ax.lines) == 1 and len(ax.lines[0].get_xdata()) == 10
    assert ax.get_xlabel() == "position (m)" and "cm" in ax.get_ylabel()


# --------------------------------------------------------------------------- training
def test_training_curves_from_histories_are_log_scaled_with_reference_lines():
    fig, ax = pp.plot_training_curves(
        {"numpy": fake_history(), "torch": fake_history(8, val=False)}, references={"linear": 6.5, "knn": 5.0}
    )
    assert ax.get_yscale() == "log"
    labels = [line.get_label() for line in ax.lines]
    assert labels == [
        "numpy (train)", "numpy (validation)", "torch (train)",
        "linear (test, 6.5 cm)", "knn (test, 5 cm)",
    ]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), fake_history()["val_error"])
    assert ax.lines[3].get_ydata()[0] == 6.5 and ax.lines[3].get_color() == pp.DECODER_COLORS["linear"]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "mean decoding error (cm)"
    fig, ax = pp.plot_training_curves(fake_history(), metric="loss", logy=False)
    assert ax.get_yscale() == "linear" and ax.get_ylabel() == "training loss"


def test_training_curves_from_a_fitted_network_mark_the_best_epoch(split):
    from placedecode.models import NumpyMLPRegressor

    train, _ = split
    model = NumpyMLPRegressor((8,), max_epochs=4, n_iter_no_change=None, early_stopping=True,
                              random_state=0).fit(train.X, train.y)
    fig, ax = pp.plot_training_curves(model, name="numpy")
    assert len(ax.lines) == 2 and ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), model.history_["train_error"])
    assert len(scatters(ax)) == 1  # the best epoch
    with pytest.raises(NotFittedError):
        pp.plot_training_curves(NumpyMLPRegressor())
    with pytest.raises(TypeError, match="no training history_"):
        pp.plot_training_curves(LinearRegressor().fit(train.X, train.y))
    with pytest.raises(ValueError, match="history keys"):
        pp.plot_training_curves({"epoch": [1]})


# --------------------------------------------------------------------------- weights
def test_linear_weight_maps_put_one_point_per_cell_at_its_centre(rec, split, linear):
    fig, axes = pp.plot_weight_maps(linear, rec)
    assert axes.shape == (2,)
    for d, ax in enumerate(axes):
        (points,) = scatters(ax)
        np.testing.assert_allclose(points.get_offsets(), rec.cell_params["centre"])
        np.testing.assert_allclose(points.get_array(), linear.coef_[d])
        vmin, vmax = points.get_clim()
        assert vmin == -vmax == -np.abs(linear.coef_[d]).max()  # diverging, centred at 0
        assert has_colorbar(points) and "m/Hz" in points.colorbar.ax.get_ylabel()
    assert [ax.get_title() for ax in axes] == ["weight to x", "weight to y"]


def test_network_weight_maps_show_the_hidden_units_with_the_largest_norm(rec, split):
    from placedecode.models import NumpyMLPRegressor

    train, _ = split
    net = NumpyMLPRegressor((12,), max_epochs=2, random_state=0).fit(train.X, train.y)
    W = net.coefs_[0]
    fig, axes = pp.plot_weight_maps(net, rec, n_units=3)
    expected = np.argsort(-np.linalg.norm(W, axis=1))[:3]
    assert [ax.get_title() for ax in axes] == [f"hidden unit {j} (layer 0)" for j in expected]
    np.testing.assert_allclose(scatters(axes[0])[0].get_array(), W[expected[0]])
    fig, ax = pp.plot_weight_maps(net, rec, units=[5])
    assert ax.get_title() == "hidden unit 5 (layer 0)"
    with pytest.raises(ValueError, match="Only layer 0"):
        pp.plot_weight_maps(net, rec, layer=1)


def test_weight_maps_reject_bad_input_and_skip_non_spatial_cells(rec, mixed):
    with pytest.raises(NotFittedError):
        pp.plot_weight_maps(LinearRegressor(), rec)
    with pytest.raises(ValueError, match="16 inputs"):
        pp.plot_weight_maps(np.ones((2, 16)), rec.cell_params["centre"][:10])
    W = np.arange(2 * mixed.n_cells, dtype=float).reshape(2, -1)
    fig, axes = pp.plot_weight_maps(W, mixed)
    n_spatial = int(np.isfinite(mixed.cell_params["centre"][:, 0]).sum())
    assert n_spatial == mixed.n_cells - 5
    assert len(scatters(axes[0])[0].get_offsets()) == n_spatial
    assert "5 non-spatial cells not shown" in axes[0].get_title()


# --------------------------------------------------------------------------- rates
def test_rate_maps_for_every_cell_type(mixed):
    fig, axes = pp.plot_rate_maps(mixed)  # default: one cell per type
    types = list(dict.fromkeys(mixed.cell_types.tolist()))
    assert len(axes) == len(types)
    for ax, kind in zip(axes, types):
        assert kind.replace("_", " ") in ax.get_title()
        if kind in ("head_direction", "velocity", "speed"):
            assert not ax.images and len(ax.lines) == 1
            assert ax.get_ylabel() == "mean rate (Hz)"
            assert ax.get_xlabel() in ("head direction (deg)", "movement direction (deg)", "speed (m/s)")
        else:
            (image,) = ax.images
            assert has_colorbar(image) and image.colorbar.ax.get_ylabel() == "rate (Hz)"
            assert ax.get_xlabel() == "x (m)"


def test_rate_maps_with_a_shared_colour_bar_and_chosen_cells(rec):
    fig, axes = pp.plot_rate_maps(rec, cells=[0, 5, 15], colorbar="shared")
    assert len(axes) == 3 and all(len(ax.images) == 1 for ax in axes)
    assert sum(has_colorbar(ax.images[0]) for ax in axes) == 1
    assert [ax.get_title() for ax in axes] == ["cell 0 (place)", "cell 5 (place)", "cell 15 (place)"]
    fig, ax = pp.plot_rate_maps(rec, cells=2)
    peak = np.unravel_index(np.nanargmax(ax.images[0].get_array()), ax.images[0].get_array().shape)
    y_peak, x_peak = (np.array(peak) + 0.5) * 0.02
    np.testing.assert_allclose([x_peak, y_peak], rec.cell_params["centre"][2], atol=0.011)
    with pytest.raises(ValueError, match="index 0..15"):
        pp.plot_rate_maps(rec, cells=[99])
    with pytest.raises(ValueError, match="no cells of type"):
        pp.plot_rate_maps(rec, cells="grid")
    with pytest.raises(TypeError, match="Recording"):
        pp.plot_rate_maps(rec.rates)


def test_rate_maps_on_a_1d_track(rec1d):
    fig, axes = pp.plot_rate_maps(rec1d, cells=[0, 1])
    assert all(len(ax.lines) == 1 and ax.get_xlabel() == "position (m)" for ax in axes)


def test_1d_tuning_of_direction_cells_and_1d_weights():
    traj = pdc.simulate_trajectory(minutes=1, environment={"dimensionality": "1D"}, random_state=2, progress=False)
    rec = pdc.record(traj, cells={"place": 4, "head_direction": 2, "speed": 1}, random_state=2)
    fig, axes = pp.plot_rate_maps(rec, cells=[0, 4, 6])
    assert axes[0].get_xlabel() == "position (m)"
    assert [t.get_text() for t in axes[1].get_xticklabels()] == ["left", "right"] and len(axes[1].patches) == 2
    assert axes[2].get_xlabel() == "speed (m/s)"
    model = LinearRegressor(fit_intercept=True).fit(rec.X, rec.y)
    fig, ax = pp.plot_weight_maps(model, rec)  # one output: one panel, weight against centre
    (points,) = scatters(ax)
    np.testing.assert_allclose(points.get_offsets()[:, 0], rec.cell_params["centre"][:4, 0])
    np.testing.assert_allclose(points.get_offsets()[:, 1], model.coef_[0, :4])
    assert ax.get_xlabel() == "cell centre (m)" and "m/Hz" in ax.get_ylabel()
    assert ax.get_title() == "weight to position\n(3 non-spatial cells not shown)"


def test_environment_is_drawn_without_touching_the_layout(mixed):
    fig, ax = plt.subplots()
    pp.plot_environment(mixed.environment, fig=fig, ax=ax)
    assert not ax.lines and len(ax.collections) == 1  # walls: one LineCollection
    assert len(ax.patches) == 2  # arena and the object
    assert ax.get_xlim() == (-0.02, 1.02) and ax.get_xlabel() == "x (m)"
    with pytest.raises(TypeError, match="RatInABox Environment"):
        pp.plot_environment("box")


def test_rate_timeseries_draws_one_trace_per_cell_in_hz(mixed):
    cells = [0, 3, 9]
    fig, ax = pp.plot_rate_timeseries(mixed, cells=cells, window=(0, 30))
    assert len(ax.lines) == len(cells) + 1  # plus the scale bar
    assert len(ax.lines[0].get_xdata()) == 299  # t = 0.1 ... 29.9 s
    assert ax.get_xlabel() == "time (s)" and "Hz" in ax.get_ylabel()
    # traces keep their shape in Hz: offset, not rescaled
    trace = ax.lines[0].get_ydata()
    np.testing.assert_allclose(np.ptp(trace), np.ptp(mixed.rates[0][mixed.t < 30]))


# --------------------------------------------------------------------------- comparison
def results_rows():
    rng = np.random.default_rng(0)
    return [
        dict(cell_type=c, n_cells=n, decoder=d, seed=s, error_cm=float(10 + rng.normal()))
        for c in ("place", "grid") for n in (9, 25) for d in ("linear", "numpy", "torch") for s in range(3)
    ]


def test_error_by_cell_type_draws_a_bar_per_decoder_and_cell_type():
    rows = results_rows()
    fig, ax = pp.plot_error_by_cell_type(rows, n_cells=25)
    assert len(ax.patches) == 2 * 3
    place_linear = [r["error_cm"] for r in rows if (r["cell_type"], r["n_cells"], r["decoder"]) == ("place", 25, "linear")]
    assert ax.patches[0].get_height() == pytest.approx(np.mean(place_linear))
    assert ax.patches[0].get_facecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb(pp.DECODER_COLORS["linear"]))
    assert ax.get_ylabel() == "test decoding error (cm)" and "3 seeds" in ax.get_title()
    # a dict of columns works the same
    columns = {k: [r[k] for r in rows] for k in rows[0]}
    fig, ax = pp.plot_error_by_cell_type(columns, n_cells=25, decoders=["torch"])
    assert len(ax.patches) == 2
    with pytest.raises(ValueError, match="several n_cells"):
        pp.plot_error_by_cell_type(rows)
    with pytest.raises(ValueError, match="lacks"):
        pp.plot_error_by_cell_type([{"cell_type": "place", "n_cells": 3}])
    with pytest.raises(TypeError, match="list of dict rows"):
        pp.plot_error_by_cell_type(np.zeros(3))


def test_comparison_plots_read_an_experiments_table_averaging_folds_within_seeds():
    from placedecode.experiments import ComparisonTable

    rows = [
        dict(cells="place", n_cells=25, decoder="linear", seed=seed, fold=fold, error_cm=err, error="")
        for seed, fold, err in [(0, 0, 4.0), (0, 1, 6.0), (1, 0, 9.0), (1, 1, 11.0)]
    ]
    rows.append(dict(cells="place", n_cells=25, decoder="linear", seed=2, fold=0, error_cm=float("nan"), error="boom"))
    fig, ax = pp.plot_error_by_cell_type(ComparisonTable(rows))
    (bar,) = ax.patches
    assert bar.get_height() == pytest.approx(7.5)  # seeds 5 and 10 cm; the failed fit is left out
    assert "2 seeds" in ax.get_title()
    (dots,) = scatters(ax)
    assert sorted(dots.get_offsets()[:, 1]) == [5.0, 10.0]


def test_a_mixture_is_drawn_beside_the_pure_types_whatever_their_size():
    rows = results_rows()
    rows += [dict(cell_type="place:50+grid:30", n_cells=80, decoder=d, seed=s, error_cm=3.0 + s)
             for d in ("linear", "numpy", "torch") for s in range(3)]
    fig, ax = pp.plot_error_by_cell_type(rows, n_cells=25)
    assert len(ax.patches) == 3 * 3  # place, grid (25 cells each) and the mixture
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["place", "grid", "place:50\n+grid:30"]
    assert ax.patches[2].get_height() == pytest.approx(4.0)  # the mixture's mean over seeds 3, 4, 5 cm
    assert "mixtures: their own counts" in ax.get_title()
    # a table of mixtures alone needs no n_cells
    fig, ax = pp.plot_error_by_cell_type([r for r in rows if r["n_cells"] == 80])
    assert len(ax.patches) == 3 and "mixed populations" in ax.get_title()


def test_chance_level_comes_from_the_table_column_or_the_argument():
    rows = [dict(r, chance_error_cm=30.0 + r["seed"]) for r in results_rows()]
    fig, ax = pp.plot_error_by_cell_type(rows, n_cells=25)
    (chance,) = [c for c in ax.collections if c.get_label() == "chance (training mean)"]
    segments = chance.get_segments()
    assert len(segments) == 2  # one over each cell type
    assert [seg[0][1] for seg in segments] == pytest.approx([31.0, 31.0])  # mean over seeds 30, 31, 32
    assert "chance (training mean)" in [t.get_text() for t in ax.get_legend().get_texts()]
    fig, ax = pp.plot_error_by_cell_type(results_rows(), n_cells=25, chance={"place": 40.0})
    (chance,) = [c for c in ax.collections if c.get_label() == "chance (training mean)"]
    assert len(chance.get_segments()) == 1 and chance.get_segments()[0][0][1] == pytest.approx(40.0)
    fig, ax = pp.plot_error_by_cell_type(rows, n_cells=25, chance=False)
    assert not [c for c in ax.collections if c.get_label() == "chance (training mean)"]
    fig, ax = pp.plot_error_vs_n_cells(rows, cell_type="place")
    assert ax.lines[-1].get_label() == "chance (training mean)"
    np.testing.assert_allclose(ax.lines[-1].get_ydata(), [31.0, 31.0])
    fig, ax = pp.plot_error_vs_n_cells(results_rows(), cell_type="grid", chance=25.0)
    np.testing.assert_allclose(ax.lines[-1].get_ydata(), [25.0, 25.0])
    with pytest.raises(ValueError, match="chance names cell_type values \\['head_direction'\\]"):
        pp.plot_error_by_cell_type(rows, n_cells=25, chance={"head_direction": 50.0})
    with pytest.raises(ValueError, match="finite, non-negative"):
        pp.plot_error_by_cell_type(rows, n_cells=25, chance=-1.0)
    with pytest.raises(TypeError, match="chance must be"):
        pp.plot_error_by_cell_type(rows, n_cells=25, chance="high")


def test_error_vs_n_cells_draws_a_line_and_band_per_decoder():
    rows = results_rows()
    fig, ax = pp.plot_error_vs_n_cells(rows, cell_type="place")
    assert [line.get_label() for line in ax.lines] == ["linear", "numpy", "torch"]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [9, 25])
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "number of cells"
    assert len([c for c in ax.collections if not isinstance(c, PathCollection)]) == 3  # bands
    with pytest.raises(ValueError, match="several cell_type"):
        pp.plot_error_vs_n_cells(rows)


# --------------------------------------------------------------------------- animation, saving
def test_animation_writes_a_gif_with_a_frame_per_epoch(tmp_path, split, linear):
    from PIL import Image

    _, test = split
    y_lin = linear.predict(test.X)
    frames = {e: 0.5 + (y_lin - 0.5) * e / 4 for e in (1, 2, 3, 4)}
    path = tmp_path / "learning.gif"
    fig, ax = pp.animate_training(test, frames, name="numpy", path=path, hold_last=0, fps=10)
    with Image.open(path) as gif:
        assert gif.n_frames == 4
    assert f"epoch 4: mean error {decoding_error(test.y, frames[4]):.3g} cm" in ax.get_title()
    assert hasattr(fig, "animation")
    assert [p.name for p in tmp_path.iterdir()] == ["learning.gif"]  # no temporary file left
    with pytest.raises(ValueError, match="end in '.gif'"):
        pp.animate_training(test, frames, path=tmp_path / "x.mp4")
    with pytest.raises(ValueError, match="same shape"):
        pp.animate_training(test, [y_lin[:-1]])


def test_save_figure_is_atomic_and_readable(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    path = pp.save_figure(fig, tmp_path / "sub" / "figure.png", close=True)
    assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.stat(path).st_mode & 0o777 == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["figure.png"]
    with pytest.raises(ValueError, match="suffix"):
        pp.save_figure(plt.figure(), tmp_path / "no_suffix")


# --------------------------------------------------------------------------- classification
@pytest.fixture(scope="module")
def digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    model = LinearClassifier(fit_intercept=True).fit(X[:1000], y[:1000])
    return X[1000:], y[1000:], model


def test_classification_plots(digits):
    X, y, model = digits
    fig, axes = pp.plot_image_weights(model, image_shape=(8, 8))
    assert len(axes) == 10 and axes[3].get_title() == "class 3"
    assert axes[0].images[0].get_array().shape == (8, 8)
    fig, ax = pp.plot_confusion_matrix(y, model, X=X)
    accuracy = np.mean(model.predict(X) == y)
    assert ax.get_title() == f"accuracy {100 * accuracy:.1f} %"
    assert ax.images[0].get_array().shape == (10, 10) and has_colorbar(ax.images[0])
    np.testing.assert_allclose(np.asarray(ax.images[0].get_array()).sum(axis=1), 1.0)
    fig, axes = pp.plot_misclassified(X, y, model, image_shape=(8, 8), n=5)
    wrong = np.flatnonzero(model.predict(X) != y)[:5]
    assert [ax.get_title() for ax in axes] == [f"{y[i]} → {model.predict(X)[i]}" for i in wrong]
    with pytest.raises(ValueError, match="does not hold"):
        pp.plot_image_weights(model, image_shape=(28, 28))
    with pytest.raises(NotFittedError):
        pp.plot_confusion_matrix(y, LinearClassifier(), X=X)
