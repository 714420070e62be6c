"""Named decoders: one table, the same meaning in the demo, compare, the CLI, the figures and colours."""

import numpy as np
import pytest
from sklearn.base import clone

import placedecode as pdc
from placedecode import presets
from placedecode.plotting import DECODER_COLORS, decoder_color


def test_each_name_builds_its_estimator_with_the_documented_settings():
    built = presets.make_decoders()
    assert list(built) == list(presets.PRESETS) == list(presets.DECODERS)
    assert type(built["linear"]).__name__ == "LinearRegressor" and built["linear"].fit_intercept
    assert not built["linear-tutorial"].fit_intercept  # the tutorial's W = Y X^T (X X^T)^-1
    assert built["numpy"].get_params() == pdc.NumpyMLPRegressor().get_params()
    assert built["torch"].get_params() == pdc.TorchMLPRegressor().get_params()
    assert built["bayes"].get_params() == pdc.BayesianDecoder().get_params()
    assert built["numpy-small"].hidden_layer_sizes == (64,) and built["numpy-small"].max_epochs == 60
    assert built["numpy-tutorial"].get_params() == pdc.NumpyMLPRegressor.tutorial().get_params()
    assert built["knn"].n_neighbors == 5
    for name, est in built.items():
        assert name.split("-")[0] in presets.DECODERS[name].lower() or type(est).__name__ in presets.DECODERS[name]
        clone(est)  # a plain, unfitted scikit-learn estimator


def test_random_state_is_set_only_when_asked_and_only_where_it_exists():
    unseeded = presets.make_decoders(["numpy", "torch", "linear"])
    assert unseeded["numpy"].random_state is None and unseeded["torch"].random_state is None
    seeded = presets.make_decoders(["numpy", "torch", "linear"], random_state=3)
    assert seeded["numpy"].random_state == 3 and seeded["torch"].random_state == 3
    assert "random_state" not in seeded["linear"].get_params()
    assert presets.make_decoder("numpy") is not presets.make_decoder("numpy")  # a new object each time


def test_classification_uses_the_same_family_names():
    clf = presets.make_decoders(task="classification")
    assert list(clf) == ["linear", "numpy", "torch", "knn"] == presets.preset_names("classification")
    assert [type(m).__name__ for m in clf.values()] == ["LinearClassifier", "NumpyMLPClassifier",
                                                        "TorchMLPClassifier", "KNeighborsClassifier"]
    with pytest.raises(ValueError, match="'bayes' has no classification version"):
        presets.PRESETS["bayes"].build("classification")
    with pytest.raises(ValueError, match=r"'bayes' has no classification version; choose from \['linear'"):
        presets.make_decoders(["bayes"], task="classification")


def test_bad_names_are_refused_with_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown decoder name\(s\) \['svm'\]; choose from \['linear', "
                                         r"'linear-tutorial'"):
        presets.make_decoders(["linear", "svm"])
    with pytest.raises(ValueError, match="unknown decoder name"):
        presets.make_decoders([])
    with pytest.raises(ValueError, match="repeat"):
        presets.make_decoders(["linear", "linear"])
    with pytest.raises(ValueError, match="task must be"):
        presets.make_decoders(["linear"], task="clustering")


def test_every_name_has_a_fixed_colour_shared_by_its_variants():
    for name in presets.PRESETS:
        family = name.split("-")[0]
        assert decoder_color(name) in DECODER_COLORS.values(), name  # never a colour handed out on the fly
        if name.endswith("-small") or name in ("numpy-tutorial",):
            assert decoder_color(name) == decoder_color(family)
    assert decoder_color("linear") != decoder_color("linear-tutorial")
    assert decoder_color("bayes") == decoder_color("bayesian") == decoder_color(pdc.BayesianDecoder())


def test_everyone_uses_the_same_table():
    from placedecode import _demo, experiments

    assert experiments.make_decoders is presets.make_decoders and experiments.DECODERS is presets.DECODERS
    demo = _demo.demo_decoders("positions", seed=0)
    assert {n: m.get_params() for n, m in demo.items()} == {
        n: m.get_params() for n, m in presets.make_decoders(_demo.DEFAULT_DECODERS["positions"], 0).items()}
    assert "bayes" in demo


def test_bayes_joins_a_comparison_by_name():
    table = pdc.compare(cells="place", decoders=presets.make_decoders(["linear", "bayes"]), n_cells=16,
                        seeds=[0], minutes=1, progress=False)
    assert table["decoder"].tolist() == ["linear", "bayes"] and table.n_failed == 0
    errors = dict(zip(table["decoder"], table["error_cm"]))
    chance = table["chance_error_cm"]
    assert np.all(chance == chance[0]) and chance[0] > 25  # the same split, predicting the mean
    assert errors["bayes"] < 15 and errors["linear"] < chance[0]
