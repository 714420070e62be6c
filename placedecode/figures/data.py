"""Figure family "data": what the decoders see.

The tutorial's path and its 25 place cells, and one cell of every registered type
recorded along a second path (an arena with one object, for the object-vector cells).
"""

from __future__ import annotations

from pathlib import Path

from ._common import SEED, resolve_out_dir, save, steps, tutorial_recording

NAME = "data"

#: File name -> one-line caption.
FILES = {
    "data_trajectory.png": "The tutorial's 10-minute random-motion path in the 1 m x 1 m box "
    "(full path, and its first minute).",
    "data_place_cells.png": "Rate maps (Hz) of the tutorial's 25 place cells: Gaussian fields "
    "0.15 m wide, centred on a 5 x 5 grid.",
    "data_rate_maps.png": "One cell of each type: spatial cells as rate maps (Hz); head-direction, "
    "velocity and speed cells as tuning curves from the recorded data.",
    "data_rate_timeseries.png": "Firing rates (Hz) of the same cells over one minute of the path.",
}

#: The mixed population of the cell-type panels.
MIXED_CELLS = {
    "place": 1,
    "grid": 1,
    "boundary_vector": 1,
    "object_vector": 1,
    "random_spatial": 1,
    "head_direction": 1,
    "velocity": 1,
    "speed": 1,
}


def make(out_dir=None, progress: bool = True, small: bool = False) -> list[Path]:
    """Draw the data figures into ``out_dir`` (default: the repository's ``figures/``).

    Parameters
    ----------
    out_dir : str or Path, optional
        Output folder (default: :func:`~placedecode.figures.default_out_dir`).
    progress : bool, default=True
        tqdm progress bar.
    small : bool, default=False
        Quick version: 3 minutes of the tutorial's path, 1 minute of the cell-type path.

    Returns
    -------
    list of Path
        The files written, in the order of :data:`FILES`.
    """
    import matplotlib.pyplot as plt

    from ..plotting import plot_rate_maps, plot_rate_timeseries, plot_trajectory, style

    from ..sim import record, simulate_trajectory

    out = resolve_out_dir(out_dir, small)
    written = []
    with steps(len(FILES) + 2, "figures: data", progress) as bar, style():
        bar.set_postfix_str("simulating the tutorial's dataset")
        rec = tutorial_recording(small=small)
        bar.update()
        bar.set_postfix_str("drawing")

        fig, axes = plt.subplots(1, 2, figsize=(8.4, 4.2), layout="constrained")
        plot_trajectory(rec, fig=fig, ax=axes[0])
        axes[0].set_title(f"full path ({rec.duration / 60:.0f} min, dt = {rec.dt:g} s)")
        plot_trajectory(rec, window=(0, 60), fig=fig, ax=axes[1])
        axes[1].set_title("first minute")
        written.append(save(fig, out, "data_trajectory.png"))
        bar.update()

        fig = plt.figure(figsize=(9.5, 8.6), layout="constrained")
        plot_rate_maps(rec, cells=list(range(rec.n_cells)), ncols=5, colorbar="shared", fig=fig)
        fig.suptitle("the tutorial's 25 place cells (model rate maps)")
        written.append(save(fig, out, "data_place_cells.png"))
        bar.update()

        bar.set_postfix_str("simulating one cell of every type")
        traj = simulate_trajectory(
            minutes=1 if small else 5, dt=0.1, environment={"objects": [[0.3, 0.7]]}, random_state=SEED,
            progress=False,
        )
        mixed = record(traj, cells=MIXED_CELLS, max_fr=10.0, random_state=SEED)
        bar.update()
        bar.set_postfix_str("drawing")

        fig, _ = plot_rate_maps(mixed, ncols=4)
        fig.suptitle("one cell of each type (white dot: the object)")
        written.append(save(fig, out, "data_rate_maps.png"))
        bar.update()

        fig, ax = plot_rate_timeseries(mixed, window=(0, 60))
        ax.set_title("firing rates of one cell of each type (first minute)")
        written.append(save(fig, out, "data_rate_timeseries.png"))
        bar.update()
    return written
