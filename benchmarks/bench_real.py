"""Decoding real hippocampal recordings (Tampuu et al. 2019 rats, the nelpy linear track)
and simulated Poisson spikes; placedecode's Bayesian decoder against pynapple's.

Protocol (issue 7), the same for every decoder:

* 10-fold cross-validation over contiguous blocks of time
  (:class:`~placedecode.sim.BlockedTimeSeriesSplit`, no gap: the test block is decoded on
  its own, so nothing of the training bins is read at test time);
* every hyperparameter is chosen inside the training folds only: an inner 3-fold blocked
  cross-validation over the training bins (which, for a middle fold, are two blocks of
  time: windows and continuity priors never reach across the removed test block), or the
  network's own early stopping on the END of the training bins;
* error in cm per 200-ms bin against the recorded position, scored on the test bins at
  least 10 bins from a fold edge (``EDGE``), averaged over all scored bins of the rat.

Decoders
--------
=====================  ================================================================
``linear``             ridge regression on one bin (alpha chosen inside), + bias
``bayes_flat``         ``BayesianDecoder(prior="flat", output="map")``: the textbook
                       estimator (Zhang et al. 1998: the MAP position of a flat-prior
                       Poisson posterior); window of summed bins (1-9, i.e. up to 1.8 s)
                       and rate-map smoothing chosen inside
``bayes_flat_tuned``   ``BayesianDecoder(prior="flat")`` with more chosen inside: windows up
                       to 25 bins (5 s) and the output (MAP or posterior mean)
``bayes_default``      ``BayesianDecoder()`` with its defaults: window and smoothing "auto"
                       (the estimator's own blocked CV on the training folds; nothing
                       chosen by this script). Goal (issue 12): within 1 cm of
                       ``bayes_flat`` (19.30 cm on the rats)
``mlp_window``         ``TimeWindow(+-2 s)`` -> ``TorchMLPRegressor((256, 256))``, epochs by
                       early stopping on the end of the training bins
``bayes_continuity``   ``BayesianDecoder(prior="continuity", direction="both",
                       output="mean")``: random-walk step and likelihood weight chosen
                       inside (forward-backward smoothing over each test block)
``ensemble``           mean of ``bayes_continuity`` and ``mlp_window`` (no extra fitting)
``seq``                ``TorchSequenceRegressor`` (temporal convolution over +-4 s),
                       epochs by early stopping; not run by default (~40 s a fit on one
                       CPU thread): ``--decoders ... seq``
=====================  ================================================================

Reference numbers (issue 7, the same protocol): Bayesian flat prior 19.3 cm mean over the
four rats, MLP on a +-2 s window 17.2, linear regression on one bin 29.0; the recurrent
network of Tampuu et al. 2019: 14.4 cm mean (12.5 / 14.5 / 16.3 / 14.4).

The linear track (``load_linear_track``: 37 units, 60-Hz tracking in pixels at an estimated
368 px/m, the run epoch in 200-ms bins, linearized, ~4770 bins) runs the same protocol and
decoders in 1D.

pynapple (``--pynapple``, on the rats and the track): ``pynapple.decode_bayes`` against
``BayesianDecoder`` with the SAME model on the same folds in the same process: no rate-map
smoothing, the same grid (our ``edges_``), the same summing window (9 bins), MAP output.
pynapple's tuning curves are the mean rate per grid bin (``compute_tuning_curves`` of the
rates), its decoder gets the counts. pynapple sums log-likelihoods with ``nansum``, so a
never-visited bin (NaN tuning) scores 0, above every visited bin: with its uniform prior it
decodes to unvisited bins (row ``pynapple_uniform_prior``). The fair comparison gives it
the visited-bin mask as its prior (``uniform_prior=False`` with the mask as occupancy), row
``pynapple``; ``bayes_as_pynapple`` is ours with those settings. Reported: error (cm) and
seconds of fit + predict over the folds (pynapple: tuning curves + decoding; one untimed
warm-up call first), and their ratio (goal: equal error, ours >= 10x faster).

Goals (PASS/FAIL): our best decoder's mean < 14.4 cm; ``bayes_flat`` (the textbook
flat-prior decoder) within 0.5 cm of 19.3 cm; ``bayes_default`` within 1 cm of
``bayes_flat``; on simulated Poisson data (25 place cells, 10 Hz peak, 10 min, dt 0.1 s) the
best decoder <= 10 cm.

Usage::

    python benchmarks/bench_real.py                        # everything, writes results/
    python benchmarks/bench_real.py --rats R2192 --decoders bayes_flat linear --no-sim
    python benchmarks/bench_real.py --rats --no-sim --decoders bayes_flat bayes_continuity  # track only

A partial run (fewer rats or decoders, ``--no-sim``, ``--no-track``, ``--no-pynapple``)
writes its results only where ``--out`` says, never over the full run's.

Writes ``benchmarks/results/real.json`` and ``real.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Timer, markdown_table, shared_data_dir, write_results  # noqa: E402

RATS = ("R2192", "R2217", "R2336", "R2337")
PAPER_RNN = {"R2192": 12.5, "R2217": 14.5, "R2336": 16.3, "R2337": 14.4}
REFERENCE = {"bayes_flat": 19.3, "mlp_window": 17.2, "linear": 29.0, "paper_rnn": 14.4}
N_SPLITS, N_INNER, EDGE = 10, 3, 10
DECODERS = ("linear", "bayes_flat", "bayes_flat_tuned", "bayes_default", "mlp_window", "bayes_continuity",
            "ensemble", "seq")
PYNAPPLE_WINDOW = 9  # bins summed by both decoders in the pynapple comparison
DEFAULT_DECODERS = DECODERS[:-1]  # seq: ~40 s a fit on 1 CPU thread, opt in with --decoders

GRIDS = {
    "linear": [{"alpha": a} for a in (0.0, 1e2, 1e3, 1e4)],
    "bayes_flat": [{"window": w, "smoothing": s, "output": "map"}
                   for w in (1, 3, 5, 7, 9) for s in (0.03, 0.05)],
    # the in-fold choice of bayes_flat is always the longest window (9): look further
    "bayes_flat_tuned": [{"window": w, "smoothing": s, "output": o}
                         for w in (1, 3, 5, 7, 9, 13, 17, 25) for s in (0.03, 0.05)
                         for o in ("map", "mean")],
    "bayes_continuity": [{"likelihood_weight": lw, "continuity_sigma": cs}
                         for lw in (0.3, 0.5) for cs in (0.05, 0.07)],
}


def runs(idx):
    """Split sorted time indices into runs of consecutive bins: list of slices."""
    cut = np.flatnonzero(np.diff(idx) != 1) + 1
    bounds = np.r_[0, cut, len(idx)]
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]


def scored(n, edge=EDGE):
    """Mask of the bins of a block of ``n`` at least ``edge`` bins from both ends."""
    m = np.zeros(n, dtype=bool)
    m[edge:n - edge] = True
    return m


# ----------------------------------------------------------------------------- decoders
class Decoder:
    """fit(X, Y, idx) on training rows (time indices idx); predict(X) on ONE block."""

    def __init__(self, name, params, dt, seed):
        self.name, self.params, self.dt, self.seed = name, params, dt, seed

    def fit(self, X, Y, idx):
        from placedecode.features import block_starts, lagged
        from placedecode.models import BayesianDecoder, LinearRegressor, TorchMLPRegressor

        p = self.params
        if self.name == "linear":
            self.model = LinearRegressor(fit_intercept=True, alpha=p["alpha"]).fit(X, Y)
        elif self.name in ("bayes_flat", "bayes_flat_tuned"):
            self.model = BayesianDecoder(prior="flat", **p).fit(X, Y)
        elif self.name == "bayes_default":
            starts = block_starts(len(idx), times=idx)
            groups = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(idx)]))
            self.model = BayesianDecoder().fit(X, Y, groups=groups)
        elif self.name == "bayes_continuity":
            self.model = BayesianDecoder(prior="continuity", direction="both", output="mean",
                                         smoothing=0.03, **p).fit(X, Y)
        elif self.name == "mlp_window":
            self.lags = int(round(2.0 / self.dt))  # +-2 s
            Z = lagged(X, self.lags, self.lags, starts=block_starts(len(idx), times=idx))
            self.model = TorchMLPRegressor(hidden_layer_sizes=(256, 256), l2=1e-3, max_epochs=20,
                                           early_stopping=True, n_threads=1,
                                           random_state=self.seed).fit(Z, Y)
        elif self.name == "seq":
            from placedecode.models import TorchSequenceRegressor

            starts = block_starts(len(idx), times=idx)
            groups = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(idx)]))
            self.model = TorchSequenceRegressor(
                context=int(round(4.0 / self.dt)), n_threads=1, random_state=self.seed
            ).fit(X, Y, groups=groups)
        else:
            raise ValueError(self.name)
        return self

    def predict(self, X):
        if self.name == "mlp_window":
            from placedecode.features import lagged

            return self.model.predict(lagged(X, self.lags, self.lags))
        return self.model.predict(X)


def select(name, X, Y, idx, dt, seed):
    """Hyperparameters of ``name`` chosen by inner blocked CV over the training rows."""
    from placedecode.metrics import decoding_error
    from placedecode.sim import BlockedTimeSeriesSplit

    grid = GRIDS.get(name)
    if not grid or len(grid) == 1:
        return (grid or [{}])[0], None
    scores = np.zeros(len(grid))
    for tr, te in BlockedTimeSeriesSplit(N_INNER).split(X):
        for k, params in enumerate(grid):
            dec = Decoder(name, params, dt, seed).fit(X[tr], Y[tr], idx[tr])
            errs = []
            for r in runs(idx[te]):
                rows = te[r]
                e = decoding_error(Y[rows], dec.predict(X[rows]), reduce=None)
                errs.append(e[scored(len(rows))])
            scores[k] += np.concatenate(errs).sum()
    best = int(np.argmin(scores))
    return grid[best], scores


def evaluate(X, Y, dt, names, seed=0, log=print, idx=None):
    """Outer 10-fold CV of each decoder: per-decoder mean error (cm), per-fold details.

    ``idx`` (T,) is each row's bin index in time (default 0..T-1): rows whose indices are
    not consecutive (bins dropped in between) are never windowed or smoothed together.
    """
    from placedecode.metrics import decoding_error
    from placedecode.sim import BlockedTimeSeriesSplit

    idx = np.arange(len(X)) if idx is None else np.asarray(idx)
    results = {}
    preds = {}
    T = len(X)
    mask_all = np.zeros(T, dtype=bool)
    for name in names:
        if name == "ensemble":
            continue
        pred = np.full(Y.shape, np.nan)
        chosen, seconds = [], 0.0
        with Timer() as timer:
            for tr, te in BlockedTimeSeriesSplit(N_SPLITS).split(X):
                params, _ = select(name, X[tr], Y[tr], idx[tr], dt, seed)
                dec = Decoder(name, params, dt, seed).fit(X[tr], Y[tr], idx[tr])
                for r in runs(idx[te]):  # each run of consecutive bins on its own
                    pred[te[r]] = dec.predict(X[te[r]])
                if name == "bayes_default":
                    params = {"window": dec.model.window_, "smoothing": dec.model.smoothing_}
                chosen.append(params)
        seconds = timer.seconds
        preds[name] = pred
        results[name] = {"chosen": chosen, "seconds": seconds}
    mask_all[scored_rows(idx)] = True
    if "ensemble" in names and {"bayes_continuity", "mlp_window"} <= preds.keys():
        preds["ensemble"] = 0.5 * (preds["bayes_continuity"] + preds["mlp_window"])
        results["ensemble"] = {"chosen": "mean of bayes_continuity and mlp_window", "seconds": 0.0}
    for name, pred in preds.items():
        e = decoding_error(Y[mask_all], pred[mask_all], reduce=None)
        results[name].update(mean_cm=float(e.mean()), median_cm=float(np.median(e)),
                             n_scored=int(mask_all.sum()))
        log(f"  {name:18s} {e.mean():6.2f} cm (median {np.median(e):5.2f})  "
            f"{results[name]['seconds']:6.1f} s")
    return results, preds


def scored_rows(idx):
    """Rows scored by every decoder: >= EDGE bins from a fold edge and from a gap in ``idx``."""
    from placedecode.sim import BlockedTimeSeriesSplit

    rows = []
    for _, te in BlockedTimeSeriesSplit(N_SPLITS).split(np.zeros((len(idx), 1))):
        rows += [te[r][scored(r.stop - r.start)] for r in runs(idx[te])]
    return np.concatenate(rows)


def compare_pynapple(X, Y, dt, idx=None, window=PYNAPPLE_WINDOW, log=print):
    """pynapple's ``decode_bayes`` against ``BayesianDecoder`` with the same model, same folds.

    Both: no smoothing, our grid, ``window`` summed bins, MAP. pynapple gets the visited-bin
    mask as its prior (its uniform prior decodes to unvisited bins: reported too).
    Returns {row: {"mean_cm", "median_cm", "seconds"}} and the time ratio.
    """
    import pynapple as nap

    from placedecode.metrics import decoding_error
    from placedecode.models import BayesianDecoder
    from placedecode.sim import BlockedTimeSeriesSplit

    idx = np.arange(len(X)) if idx is None else np.asarray(idx)
    t = idx * dt + dt / 2  # bin centres, pynapple's convention
    D = Y.shape[1]
    preds = {k: np.full(Y.shape, np.nan) for k in ("bayes_as_pynapple", "pynapple", "pynapple_uniform_prior")}
    seconds = {"bayes_as_pynapple": 0.0, "pynapple": 0.0}

    def features(rows):
        return nap.Tsd(t=t[rows], d=Y[rows, 0]) if D == 1 else nap.TsdFrame(t=t[rows], d=Y[rows], columns=list("xy"))

    def pynapple_fit_predict(tr, rows, edges, mask, uniform=False):
        rates = nap.TsdFrame(t=t[tr], d=X[tr] / dt)
        tc = nap.compute_tuning_curves(rates, features(tr), bins=list(edges), fs=1.0 / dt)
        tc.attrs["occupancy"] = mask.T.astype(np.float64) if D == 2 else mask.astype(np.float64)  # (nx, ny)
        ep = nap.IntervalSet(start=t[rows[0]] - dt / 2, end=t[rows[-1]] + dt / 2)
        counts = nap.TsdFrame(t=t[rows], d=X[rows], time_support=ep, columns=tc.coords["unit"].values)
        decoded, _ = nap.decode_bayes(tc, counts, epochs=ep, bin_size=dt, sliding_window_size=window,
                                      uniform_prior=uniform)
        return np.asarray(decoded.values, dtype=np.float64).reshape(len(rows), D)

    warm = True
    for tr, te in BlockedTimeSeriesSplit(N_SPLITS).split(X):
        with Timer() as ours:
            model = BayesianDecoder(window=window, smoothing=0.0, rate_floor=0.0).fit(X[tr], Y[tr])
            for r in runs(idx[te]):
                preds["bayes_as_pynapple"][te[r]] = model.predict(X[te[r]]).reshape(-1, D)
        seconds["bayes_as_pynapple"] += ours.seconds
        if warm:  # numba compiles pynapple's convolution on its first call: not timed
            pynapple_fit_predict(tr, te[:50], model.edges_, model.mask_)
            warm = False
        with Timer() as theirs:
            for r in runs(idx[te]):
                preds["pynapple"][te[r]] = pynapple_fit_predict(tr, te[r], model.edges_, model.mask_)
        seconds["pynapple"] += theirs.seconds
        for r in runs(idx[te]):
            preds["pynapple_uniform_prior"][te[r]] = pynapple_fit_predict(tr, te[r], model.edges_, model.mask_, True)
    mask = scored_rows(idx)
    out = {}
    for name, pred in preds.items():
        e = decoding_error(Y[mask], pred[mask], reduce=None)
        out[name] = {"mean_cm": float(e.mean()), "median_cm": float(np.median(e)), "seconds": seconds.get(name)}
    out["time_ratio_pynapple_over_ours"] = seconds["pynapple"] / max(seconds["bayes_as_pynapple"], 1e-12)
    log(f"  pynapple decode_bayes {out['pynapple']['mean_cm']:6.2f} cm {seconds['pynapple']:6.2f} s | ours "
        f"{out['bayes_as_pynapple']['mean_cm']:6.2f} cm {seconds['bayes_as_pynapple']:6.2f} s | "
        f"{out['time_ratio_pynapple_over_ours']:.1f}x | pynapple uniform prior "
        f"{out['pynapple_uniform_prior']['mean_cm']:6.2f} cm")
    return out


def available(names):
    out = []
    for n in names:
        if n == "seq":
            try:
                from placedecode.models import TorchSequenceRegressor  # noqa: F401
            except (ImportError, AttributeError):
                print("  (seq: TorchSequenceRegressor not available, skipped)")
                continue
        out.append(n)
    return out


TRACK_DECODERS = ("linear", "bayes_flat", "bayes_default", "bayes_continuity", "mlp_window", "ensemble")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rats", nargs="*", default=list(RATS), choices=RATS)
    parser.add_argument("--decoders", nargs="+", default=list(DEFAULT_DECODERS), choices=DECODERS)
    parser.add_argument("--no-sim", action="store_true", help="skip the simulated setting")
    parser.add_argument("--no-track", action="store_true", help="skip the nelpy linear track")
    parser.add_argument("--no-pynapple", action="store_true", help="skip pynapple's decode_bayes")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for real.json and real.md (default: benchmarks/results for a "
                             "full run; partial runs write only when this is given)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import warnings

    from threadpoolctl import threadpool_limits

    import placedecode
    from placedecode.datasets import DataWarning, load_linear_track, load_tampuu2019

    names = available(args.decoders)
    args.track, args.pynapple = not args.no_track, not args.no_pynapple
    if args.pynapple:
        try:
            import pynapple  # noqa: F401
        except ImportError:
            print("  (pynapple not installed: its rows are skipped; pip install pynapple)")
            args.pynapple = False
    folder = shared_data_dir() / "hippocampus" / "tampuu2019-openfield-2d"
    payload = {"protocol": {"n_splits": N_SPLITS, "inner_splits": N_INNER, "edge_bins": EDGE,
                            "grids": GRIDS, "data": str(folder), "pynapple_window": PYNAPPLE_WINDOW},
               "reference_cm": REFERENCE, "paper_rnn_cm": PAPER_RNN, "real": {}, "sim": {}, "track": {},
               "pynapple": {}}
    with threadpool_limits(1), Timer() as total:
        for rat in args.rats:
            rec = load_tampuu2019(rat, root=folder)
            X, Y = rec.spike_counts.T.astype(np.float64), rec.y
            print(f"{rat}: {rec}")
            payload["real"][rat], _ = evaluate(X, Y, rec.dt, names, args.seed)
            if args.pynapple:
                payload["pynapple"][rat] = compare_pynapple(X, Y, rec.dt)
        if args.track:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DataWarning)  # its faults are the loader's documented ones
                rec = load_linear_track(shared_data_dir() / "hippocampus")
            print(f"linear track: {rec} ({rec.n_blocks} block(s))")
            X, Y = rec.spike_counts.T.astype(np.float64), rec.y
            idx = np.rint((rec.t - rec.t[0]) / rec.dt).astype(int)
            track_names = [n for n in names if n in TRACK_DECODERS]
            payload["track"], _ = evaluate(X, Y, rec.dt, track_names, args.seed, idx=idx)
            payload["track"]["chance"] = {"mean_cm": float(placedecode.decoding_error(Y, np.full_like(Y, Y.mean())))}
            if args.pynapple:
                payload["pynapple"]["track"] = compare_pynapple(X, Y, rec.dt, idx=idx)
        if not args.no_sim:
            rec = placedecode.simulate(cells="place", n_cells=25, minutes=10, dt=0.1,
                                       noise="poisson", max_fr=10, random_state=args.seed,
                                       progress=False)
            print(f"sim: {rec}")
            X, Y = rec.spike_counts.T.astype(np.float64), rec.y
            payload["sim"], _ = evaluate(X, Y, rec.dt, names, args.seed)
    payload["seconds"] = total.seconds
    goals = summarize(payload, args.rats, names)
    md = report(payload, args.rats, names, goals)
    print(md)
    partial = (set(args.rats) != set(RATS) or set(names) != set(DEFAULT_DECODERS) or args.no_sim
               or not args.track or not args.pynapple)
    if args.no_write:
        return
    if args.out is not None:
        from placedecode._io import atomic_path

        args.out.mkdir(parents=True, exist_ok=True)
        for path, text in ((args.out / "real.json", json.dumps(payload, indent=2, default=float) + "\n"),
                           (args.out / "real.md", md.rstrip() + "\n")):
            with atomic_path(path) as tmp:
                tmp.write_text(text)
            print("wrote", path)
    elif partial:
        print("\n(a partial run: benchmarks/results/ is left as it is; pass --out DIR to keep it)")
    else:
        for path in write_results("real", payload, md):
            print("wrote", path)


def summarize(payload, rats, names):
    """Mean over the rats per decoder (``payload["summary_mean_cm"]``) and the PASS/FAIL goals."""
    real = payload["real"]
    summary = {}
    for name in names:
        vals = [real[r][name]["mean_cm"] for r in rats if name in real.get(r, {})]
        if rats and len(vals) == len(rats):
            summary[name] = float(np.mean(vals))
    payload["summary_mean_cm"] = summary
    goals = {}
    if summary and len(rats) == 4:
        best = min(summary, key=summary.get)
        goals["best_beats_paper_rnn"] = {"decoder": best, "value": summary[best],
                                         "target": "< 14.4", "pass": summary[best] < 14.4}
        if "bayes_flat" in summary:
            diff = summary["bayes_flat"] - REFERENCE["bayes_flat"]
            goals["bayes_flat_within_0.5"] = {"value": summary["bayes_flat"], "diff": diff,
                                              "target": "|diff| <= 0.5", "pass": abs(diff) <= 0.5}
    if summary and {"bayes_default", "bayes_flat"} <= summary.keys():
        diff = summary["bayes_default"] - summary["bayes_flat"]
        goals["bayes_default_within_1_of_bayes_flat"] = {"value": summary["bayes_default"], "diff": diff,
                                                         "target": "diff <= 1", "pass": diff <= 1.0}
    if payload["sim"]:
        sim = {k: v["mean_cm"] for k, v in payload["sim"].items()}
        best = min(sim, key=sim.get)
        goals["sim_best_le_10"] = {"decoder": best, "value": sim[best], "target": "<= 10",
                                   "pass": sim[best] <= 10}
    for key, res in payload["pynapple"].items():
        diff = res["pynapple"]["mean_cm"] - res["bayes_as_pynapple"]["mean_cm"]
        ratio = res["time_ratio_pynapple_over_ours"]
        goals[f"pynapple_{key}"] = {"error_diff_cm": diff, "time_ratio": ratio,
                                    "target": "|diff| <= 0.5 and ratio >= 10",
                                    "pass": abs(diff) <= 0.5 and ratio >= 10}
    payload["goals"] = goals
    return goals


def report(payload, rats, names, goals):
    """The markdown summary of a run."""
    real, summary = payload["real"], payload["summary_mean_cm"]
    md = [f"# Real decoding (issues 7, 12)\n\n{N_SPLITS}-fold blocked CV, hyperparameters chosen in "
          f"the training folds, error per bin (cm) on bins >= {EDGE} bins from a fold edge. "
          f"Run time {payload['seconds'] / 60:.1f} min (1 thread).\n"]
    if real:
        header = ["decoder", *rats, "mean", "reference"]
        rows = [[n, *[real[r][n]["mean_cm"] for r in rats], summary.get(n, float("nan")),
                 REFERENCE.get(n, "")] for n in names if n in real[rats[0]]]
        rows.append(["paper RNN (Tampuu 2019)", *[PAPER_RNN[r] for r in rats],
                     float(np.mean([PAPER_RNN[r] for r in rats])), 14.4])
        md += ["## Tampuu et al. 2019 rats, mean error (cm)\n", markdown_table(header, rows), ""]
    if payload["track"]:
        md += ["## nelpy linear track (1D, 200-ms bins, run epoch; 368 px/m estimated)\n",
               markdown_table(["decoder", "mean cm", "median cm", "seconds"],
                              [[n, v["mean_cm"], v.get("median_cm", ""), v.get("seconds", "")]
                               for n, v in payload["track"].items()]), ""]
    if payload["pynapple"]:
        rows = []
        for key, res in payload["pynapple"].items():
            rows.append([key, res["bayes_as_pynapple"]["mean_cm"], res["pynapple"]["mean_cm"],
                         res["pynapple_uniform_prior"]["mean_cm"], res["bayes_as_pynapple"]["seconds"],
                         res["pynapple"]["seconds"], res["time_ratio_pynapple_over_ours"]])
        md += [f"## pynapple decode_bayes vs BayesianDecoder (same folds, grid, window {PYNAPPLE_WINDOW}, "
               f"no smoothing, MAP)\n\npynapple with the visited-bin mask as its prior; its uniform prior "
               f"(nansum over NaN tuning) decodes to never-visited bins.\n",
               markdown_table(["data", "ours cm", "pynapple cm", "pynapple uniform-prior cm", "ours s",
                               "pynapple s", "time ratio"], rows), ""]
    if payload["sim"]:
        md += ["## Simulated: 25 place cells, 10 Hz peak, Poisson, 10 min, dt 0.1 s\n",
               markdown_table(["decoder", "mean cm", "median cm", "seconds"],
                              [[n, v["mean_cm"], v["median_cm"], v["seconds"]]
                               for n, v in payload["sim"].items()]), ""]
    md += ["## Goals\n"] + [f"- {k}: {'PASS' if g['pass'] else 'FAIL'} ({g})" for k, g in goals.items()]
    return "\n".join(md)


if __name__ == "__main__":
    main()
