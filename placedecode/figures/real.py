"""Figure family "real": decoding real hippocampal recordings (Tampuu et al. 2019).

Rats foraging in a ~1 m open field, 26-63 hippocampal units, spike counts in 200-ms bins
(:func:`~placedecode.datasets.load_tampuu2019`). Every decoder is fitted on the first 80 %
of a session and tested on the last 20 % (one contiguous block, decoded in one call, so
windows and the continuity prior never reach into the training bins). The hyperparameters
are the ones ``benchmarks/bench_real.py`` chose most often by nested blocked
cross-validation (``benchmarks/results/real.md``); a single 80/20 split is harder than
the benchmark's 10-fold average (the last fifth of a session drifts most from the rest),
so the errors here are a few cm larger than the table there.

The data are not shipped with the package: ``make(data_dir=...)``, else
``$PLACEDECODE_DATA`` (a folder holding ``tampuu2019-openfield-2d/`` or
``hippocampus/tampuu2019-openfield-2d/``), else ``~/.cache/placedecode/data``, else, in
a source checkout, ``../shared/data`` beside the repository.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._common import SEED, resolve_out_dir, save, steps

NAME = "real"

FILES = {
    "real_posterior.png": "Posterior of the Bayesian decoder over the arena at four test bins of "
    "rat R2192 (trained on the first 80 % of the session), flat prior (1.8 s of summed counts) "
    "above, continuity prior (random walk, forward-backward) below, square-root colour scale; "
    "cyan cross: true position, white line: its last second, white circle: decoded position "
    "(posterior mean), grey: bins never visited in training.",
    "real_decoded_paths.png": "Decoded (colour) and true (black) x(t) and y(t) over one minute of "
    "rat R2192's test block: ridge regression on one bin, the Bayesian decoder with a flat and "
    "with a continuity prior, and an MLP on a ±2 s window; mean error in cm over the whole test "
    "block and over the minute shown.",
    "real_error_vs_window.png": "Mean test error (cm) against the window of 200-ms bins each "
    "decoder sees (linear and MLP on lagged bins, Bayesian flat on summed counts), 80/20 split "
    "of each of the four rats: thick line the mean of the rats, thin lines each rat; dashed: "
    "the Bayesian decoder with the continuity prior, which needs no window.",
}

#: The rat of the posterior and path figures.
RAT = "R2192"
#: Windows of figure 3, in 200-ms bins (odd: centred on the decoded bin; 21 = ±2 s).
WINDOWS = (1, 3, 5, 11, 21)
#: Seconds of the test block shown in the path figure (and where the posterior bins lie).
SHOW_FROM = 30.0

#: The quick version (``small=True``).
SMALL = {"rats": (RAT,), "windows": (1, 5, 21), "max_epochs": 5, "max_bins": 2000}

#: BayesianDecoder settings chosen by ``benchmarks/bench_real.py`` (most folds).
FLAT = dict(prior="flat", window=9, smoothing=0.05, output="mean")
#: Continuity prior: (likelihood_weight, continuity_sigma in m) chosen most often per rat.
CONTINUITY = {"R2192": (0.3, 0.05), "R2217": (0.5, 0.07), "R2336": (0.3, 0.07), "R2337": (0.3, 0.05)}
#: Ridge penalty chosen for the linear decoder (all folds, all rats).
RIDGE_ALPHA = 100.0

#: Display name -> name given to :func:`~placedecode.plotting.decoder_color`.
#: Both priors share the Bayesian decoder's colour (the continuity prior is dashed where the
#: two share an axis), so no colour depends on the order names are first seen.
COLOR_KEYS = {"ridge": "linear", "Bayes flat": "bayes", "Bayes continuity": "bayes",
              "MLP ±2 s": "torch"}


# ----------------------------------------------------------------------------- data
def missing_data(data_dir=None) -> str | None:
    """None when :func:`find_data` finds the recordings, else why not (and how to fix it)."""
    try:
        find_data(data_dir)
    except FileNotFoundError as exc:
        return str(exc)
    return None


def find_data(data_dir=None) -> Path:
    """The folder holding the Tampuu et al. 2019 files (``*_feat.dat``, ``*_pos.dat``).

    Parameters
    ----------
    data_dir : str or Path, optional
        The folder or a parent of it. Default: where
        :func:`~placedecode.datasets.load_tampuu2019` looks (:mod:`placedecode._paths`:
        ``$PLACEDECODE_DATA``, else ``~/.cache/placedecode/data``, then a source checkout's
        ``../shared/data``).

    Raises
    ------
    FileNotFoundError
        The files are in none of those places; the message says how to point to them.
    """
    from ..datasets._real import TAMPUU2019_FOLDER, _tampuu_folder

    hint = (
        f"The 'real' figures need the open-field recordings of Tampuu et al. 2019 (folder "
        f"{TAMPUU2019_FOLDER}/). Point to them with the environment variable "
        f"PLACEDECODE_DATA=<folder holding {TAMPUU2019_FOLDER}/ or hippocampus/{TAMPUU2019_FOLDER}/> "
        f"(e.g. PLACEDECODE_DATA=shared/data python scripts/fig_real.py), or call "
        f"placedecode.figures.real.make(data_dir=...)."
    )
    try:
        return _tampuu_folder(data_dir)  # the one data-folder rule (placedecode._paths)
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"{exc} {hint}") from None


def _load(rat, folder, max_bins):
    from ..datasets import load_tampuu2019

    rec = load_tampuu2019(rat, root=folder)
    return rec if max_bins is None else rec[: int(max_bins)]


# ----------------------------------------------------------------------------- decoders
def _bayes(rec, prior, rat=RAT):
    from ..models import BayesianDecoder

    if prior == "flat":
        return BayesianDecoder(dt=rec.dt, **FLAT)
    lw, sigma = CONTINUITY.get(rat, (0.3, 0.05))
    return BayesianDecoder(prior="continuity", direction="both", output="mean", smoothing=0.03,
                           likelihood_weight=lw, continuity_sigma=sigma, dt=rec.dt)


def _linear(window=1):
    from sklearn.pipeline import make_pipeline

    from ..features import TimeWindow
    from ..models import LinearRegressor

    return make_pipeline(TimeWindow((window - 1) // 2, window // 2),
                         LinearRegressor(fit_intercept=True, alpha=RIDGE_ALPHA))


def _mlp(window=21, max_epochs=20):
    """``TimeWindow`` -> ``TorchMLPRegressor((256, 256))``, as in ``bench_real.py``."""
    from sklearn.pipeline import make_pipeline

    from ..features import TimeWindow
    from ..models import TorchMLPRegressor

    return make_pipeline(TimeWindow((window - 1) // 2, window // 2),
                         TorchMLPRegressor(hidden_layer_sizes=(256, 256), l2=1e-3, max_epochs=max_epochs,
                                           early_stopping=True, n_threads=1,
                                           random_state=SEED))


# ----------------------------------------------------------------------------- figures
def _posterior_bins(window, n=4):
    """``n`` test rows evenly spread inside ``window`` (row slice of the shown minute)."""
    lo, hi = window.start, window.stop
    return np.linspace(lo + 0.1 * (hi - lo), hi - 0.1 * (hi - lo), n).round().astype(int)


def _draw_posterior(models, test, rows, preds):
    import matplotlib.pyplot as plt
    from matplotlib.colors import PowerNorm

    from ..metrics import decoding_error
    from ..plotting import plot_posterior

    names = list(models)
    fig, axes = plt.subplots(len(names), len(rows), figsize=(2.75 * len(rows) + 0.6, 2.85 * len(names)),
                             layout="constrained", squeeze=False)
    X, Y = test.X, test.y
    t0 = float(test.t[0])
    for i, name in enumerate(names):
        post = models[name].posterior(X)  # one call for the whole block
        vmax = float(np.nanmax(post[rows]))
        norm = PowerNorm(gamma=0.5, vmin=0.0, vmax=vmax)  # one square-root scale per row
        for j, row in enumerate(rows):
            ax = axes[i, j]
            plot_posterior(models[name], X, int(row), Y, history=5, colorbar=False, fig=fig, ax=ax)
            ax.images[0].set_norm(norm)
            ax.set_facecolor("0.82")  # bins never visited in training (masked) in grey
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            ax.plot(*preds[name][row], marker="o", ms=8, mfc="none", mec="white", mew=1.5)
            err = decoding_error(Y[row:row + 1], preds[name][row:row + 1])
            ax.set_title(f"t = {test.t[row] - t0:.1f} s, error {err:.0f} cm", fontsize=9)
            if j:
                ax.set_ylabel("")
            if i < len(names) - 1:
                ax.set_xlabel("")
        fig.colorbar(axes[i, -1].images[0], ax=axes[i, :], shrink=0.85,
                     label="posterior probability\n(square-root scale)")
        axes[i, 0].annotate(name, xy=(0, 0.5), xycoords="axes fraction", xytext=(-46, 0),
                            textcoords="offset points", rotation=90, ha="right", va="center",
                            fontsize=11, fontweight="bold")
    fig.suptitle(f"rat {RAT}: Bayesian posterior at four test bins (time from the start of the test "
                 f"block); cyan x: true position, white line: its last second, o: decoded; grey: "
                 f"never visited in training", fontsize=10)
    return fig


def _draw_paths(test, preds, window, marks):
    import matplotlib.pyplot as plt

    from ..metrics import decoding_error
    from ..plotting import decoder_color
    from ..plotting._style import TRUE_COLOR

    fig = plt.figure(figsize=(10.0, 2.05 * len(preds) + 0.5), layout="constrained")
    subfigs = fig.subfigures(len(preds), 1)
    t = test.t[window] - float(test.t[0])
    for k, (sub, (name, pred)) in enumerate(zip(np.atleast_1d(subfigs), preds.items())):
        axes = sub.subplots(1, 2, sharex=True)
        whole = decoding_error(test.y, pred)
        shown = decoding_error(test.y[window], pred[window])
        color = decoder_color(COLOR_KEYS[name])
        for d, ax in enumerate(axes):
            ax.plot(t, test.y[window, d], color=TRUE_COLOR, lw=1.6, label="true")
            ax.plot(t, pred[window, d], color=color, lw=1.4, label=name,
                    ls="--" if name == "Bayes continuity" else "-")
            for m in marks:
                ax.axvline(test.t[m] - float(test.t[0]), color="0.6", lw=0.8, ls=":")
            ax.set(ylabel=f"{'xy'[d]} (m)", ylim=(-0.1, 1.2))
            if k == len(preds) - 1:
                ax.set_xlabel("time in the test block (s)")
        sub.suptitle(f"{name}: mean error {whole:.1f} cm over the test block, {shown:.1f} cm in this minute",
                     fontsize=10)
    fig.suptitle(f"rat {RAT}: decoded (colour) vs true (black) position; dotted lines: the bins of "
                 f"real_posterior.png", fontsize=11)
    return fig


def _error_vs_window(recs, windows, max_epochs, cache, bar):
    """Test error (cm) of each decoder and window for each rat.

    Returns
    -------
    errors : dict name -> ndarray (n_rats, n_windows)
    continuity : ndarray (n_rats,)
        Error of the continuity-prior decoder (no window).
    """
    from ..metrics import decoding_error
    from ..models import BayesianDecoder

    names = ("ridge", "Bayes flat", "MLP")
    errors = {n: np.zeros((len(recs), len(windows))) for n in names}
    continuity = np.zeros(len(recs))
    for r, (rat, (train, test)) in enumerate(recs.items()):
        bar.set_postfix_str(f"windows, {rat}")
        for w_i, w in enumerate(windows):
            models = {
                "ridge": _linear(w),
                "Bayes flat": BayesianDecoder(dt=train.dt, **{**FLAT, "window": int(w)}),
            }
            for name, model in models.items():
                pred = model.fit(train.X, train.y).predict(test.X)
                errors[name][r, w_i] = decoding_error(test.y, pred)
            key = (rat, int(w), max_epochs)
            if key not in cache:
                cache[key] = _mlp(w, max_epochs).fit(train.X, train.y).predict(test.X)
            errors["MLP"][r, w_i] = decoding_error(test.y, cache[key])
        continuity[r] = decoding_error(test.y, _bayes(train, "continuity", rat).fit(train.X, train.y)
                                       .predict(test.X))
        bar.update()
    return errors, continuity


def _draw_error_vs_window(rats, windows, errors, continuity, dt):
    import matplotlib.pyplot as plt

    from ..plotting import decoder_color
    from ..plotting._style import plain_log_ticks

    keys = {"ridge": "linear", "Bayes flat": "bayes", "MLP": "torch"}
    labels = {"ridge": "linear (ridge) on lagged bins", "Bayes flat": "Bayes flat prior, summed counts",
              "MLP": "MLP (256, 256) on lagged bins"}
    fig, ax = plt.subplots(figsize=(6.4, 4.3), layout="constrained")
    w = np.asarray(windows, dtype=float)
    for name, err in errors.items():
        color = decoder_color(keys[name])
        for row in err:
            ax.plot(w, row, color=color, lw=0.7, alpha=0.35)
        ax.plot(w, err.mean(axis=0), color=color, lw=2.2, marker="o", label=labels[name])
    ax.axhline(float(np.mean(continuity)), color=decoder_color(COLOR_KEYS["Bayes continuity"]), lw=1.6,
               ls="--", label="Bayes continuity prior (no window)")
    ax.set_xscale("log")
    ax.set_xticks(w)
    plain_log_ticks(ax.xaxis)
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.set_xticks([], minor=True)
    ax.set(xlabel=f"window length (bins of {dt * 1000:.0f} ms; {int(w.max())} bins = "
                  f"{w.max() * dt:.1f} s)", ylabel="mean test error (cm)")
    ax.set_ylim(bottom=0)
    what = f"mean of {len(rats)} rats (thin: each rat)" if len(rats) > 1 else f"rat {rats[0]}"
    ax.set_title(f"error against window length: {what}\nfirst 80 % of each session train, last 20 % test",
                 fontsize=9.5)
    ax.legend(loc="lower left", fontsize=8)
    return fig


def make(out_dir=None, progress: bool = True, data_dir=None, *, rats=None, windows=None,
         max_epochs=None, seconds: float = 60.0, max_bins=None, small: bool = False) -> list[Path]:
    """Fit the decoders on the Tampuu et al. 2019 recordings and draw the three figures.

    About 1.5 minutes on two CPU cores (mostly the MLPs: 4 rats x 5 windows).

    Parameters
    ----------
    out_dir : str or Path, optional
        Output folder (default: the repository's ``figures/``).
    progress : bool, default=True
        tqdm progress bar.
    data_dir : str or Path, optional
        Folder of the recordings or a parent of it; default: see :func:`find_data`.
    rats : sequence of str, optional
        Rats averaged in the window figure (default: all four; R2192 with ``small``).
    windows : sequence of int, optional
        Window lengths in 200-ms bins for the window figure (default (1, 3, 5, 11, 21);
        (1, 5, 21) with ``small``).
    max_epochs : int, optional
        Epochs of the MLPs (early stopping on the end of the training bins; default 20,
        5 with ``small``).
    seconds : float, default=60.0
        Length of the stretch shown in the path figure (s).
    max_bins : int, optional
        Use only the first ``max_bins`` bins of each session (quick runs and tests;
        default all, 2,000 with ``small``).
    small : bool, default=False
        Quick version (:data:`SMALL`): one rat, its first 2,000 bins, three windows.

    Returns
    -------
    list of Path
        The files written, in the order of :data:`FILES`.

    Raises
    ------
    FileNotFoundError
        The recordings are not found (the message says how to point to them).
    """
    from ..datasets import TAMPUU2019_RATS
    from ..models import LinearRegressor
    from ..plotting import style

    folder = find_data(data_dir)  # fail before any output
    quick = SMALL if small else {}
    rats = tuple(rats if rats is not None else quick.get("rats", TAMPUU2019_RATS))
    windows = tuple(windows if windows is not None else quick.get("windows", WINDOWS))
    max_epochs = int(max_epochs if max_epochs is not None else quick.get("max_epochs", 20))
    max_bins = max_bins if max_bins is not None else quick.get("max_bins")
    out = resolve_out_dir(out_dir, small)
    written = []
    cache = {}
    with steps(3 + len(rats), "figures: real", progress) as bar, style():
        bar.set_postfix_str(f"fitting {RAT}")
        recs = {rat: _load(rat, folder, max_bins).split(0.8) for rat in dict.fromkeys((RAT, *rats))}
        train, test = recs[RAT]
        models = {
            "ridge": LinearRegressor(fit_intercept=True, alpha=RIDGE_ALPHA),
            "Bayes flat": _bayes(train, "flat"),
            "Bayes continuity": _bayes(train, "continuity"),
        }
        preds = {name: model.fit(train.X, train.y).predict(test.X) for name, model in models.items()}
        cache[(RAT, 21, max_epochs)] = _mlp(21, max_epochs).fit(train.X, train.y).predict(test.X)
        preds["MLP ±2 s"] = cache[(RAT, 21, max_epochs)]
        n_show = int(round(seconds / test.dt))
        start = int(round(SHOW_FROM / test.dt))
        if start + n_show > test.n_samples:  # short test blocks (max_bins): show what there is
            start = max(0, test.n_samples - n_show)
        window = slice(start, min(test.n_samples, start + n_show))
        rows = _posterior_bins(window)
        bar.update()

        bar.set_postfix_str("posterior")
        fig = _draw_posterior({k: models[k] for k in ("Bayes flat", "Bayes continuity")}, test, rows, preds)
        written.append(save(fig, out, "real_posterior.png"))
        bar.update()

        bar.set_postfix_str("paths")
        fig = _draw_paths(test, preds, window, rows)
        written.append(save(fig, out, "real_decoded_paths.png"))
        bar.update()

        errors, continuity = _error_vs_window({r: recs[r] for r in rats}, windows, max_epochs, cache, bar)
        fig = _draw_error_vs_window(rats, windows, errors, continuity, test.dt)
        written.append(save(fig, out, "real_error_vs_window.png"))
    return written
