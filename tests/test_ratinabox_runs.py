"""Your own RatInABox runs and Agents, replayed paths, 1D tracks that move, coverage warnings."""

import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from ratinabox.Agent import Agent
from ratinabox.Environment import Environment
from ratinabox.Neurons import GridCells, PlaceCells

import placedecode as pdc
from placedecode.sim import PoorCoverageWarning

SIM = Path(pdc.__file__).resolve().parent / "sim"


def _run(minutes, seed, env=None, dt=0.1):
    """A user's own RatInABox simulation: an Agent with place and grid cells, per-step loop."""
    np.random.seed(seed)
    agent = Agent(env or Environment(), {"dt": dt})
    place = PlaceCells(agent, {"n": 30, "max_fr": 10, "widths": 0.15})
    grid = GridCells(agent, {"n": 20, "max_fr": 10})
    for _ in range(int(round(minutes * 60 / dt))):
        agent.update()
        place.update()
        grid.update()
    return agent, place, grid


@pytest.fixture(scope="module")
def user_run():
    return _run(minutes=4, seed=0)


# --------------------------------------------------------------------------- from_ratinabox
def test_from_ratinabox_equals_the_histories_and_decodes_like_a_simulation(user_run):
    agent, place, grid = user_run
    rec = pdc.from_ratinabox(agent, [place, grid])
    T = len(agent.history["t"])
    assert rec.rates.shape == (50, T) and rec.position.shape == (2, T) and rec.dt == pytest.approx(0.1)
    np.testing.assert_array_equal(rec.rates[:30], np.array(place.history["firingrate"]).T)
    np.testing.assert_array_equal(rec.rates[30:], np.array(grid.history["firingrate"]).T)
    np.testing.assert_array_equal(rec.position, np.array(agent.history["pos"]).T)
    np.testing.assert_array_equal(rec.t, agent.history["t"])
    assert rec.cell_types.tolist() == ["place"] * 30 + ["grid"] * 20 and rec.noise == "none"
    np.testing.assert_array_equal(rec.cell_params["centre"][:30], place.place_cell_centres)
    np.testing.assert_array_equal(rec.cell_params["gridscale"][30:], grid.gridscales)
    assert {p.path for p in rec.populations} == {"history"}

    simulated = pdc.simulate(cells={"place": 30, "grid": 20}, minutes=4, max_fr=10, random_state=0, progress=False)
    errors = []
    for recording in (rec, simulated):
        train, test = recording.split(0.8)
        model = pdc.LinearRegressor().fit(train.X, train.y)
        errors.append(pdc.decoding_error(test.y, model.predict(test.X)))
    assert all(2.0 < e < 15.0 for e in errors), errors  # a 1 m box: chance is ~40 cm
    assert max(errors) / min(errors) < 2.0, errors
    # every split and plot works on it: model rate maps of the user's own cells
    maps = rec.rate_maps(bin_size=0.1).maps
    assert maps.shape == (50, 10, 10) and np.all(np.isfinite(maps))


def test_from_ratinabox_reads_without_changing_anything(user_run):
    agent, place, grid = user_run
    before = (len(agent.history["t"]), agent.t, agent.pos.copy(), len(place.history["t"]), place.firingrate.copy())
    np.random.seed(5)
    state = np.random.get_state()
    pdc.from_ratinabox(agent, {"mine": place})
    after = (len(agent.history["t"]), agent.t, agent.pos.copy(), len(place.history["t"]), place.firingrate.copy())
    assert before[0] == after[0] and before[1] == after[1] and before[3] == after[3]
    np.testing.assert_array_equal(before[2], after[2])
    np.testing.assert_array_equal(before[4], after[4])
    assert np.array_equal(np.random.get_state()[1], state[1])


def test_from_ratinabox_bad_input(user_run):
    agent, place, _ = user_run
    other = Agent(Environment(), {"dt": 0.1})
    with pytest.raises(TypeError, match="agent must be a RatInABox Agent"):
        pdc.from_ratinabox(place, agent)
    with pytest.raises(ValueError, match=r"neurons\[0\] \(PlaceCells\) belongs to another Agent"):
        pdc.from_ratinabox(other, [place])
    with pytest.raises(ValueError, match="agent has no history"):
        pdc.from_ratinabox(other, PlaceCells(other, {"n": 3}))
    late = PlaceCells(agent, {"n": 3})  # created after the Agent moved: no matching history
    with pytest.raises(ValueError, match=r"neurons\[1\] \(PlaceCells\) has 0 firing-rate samples"):
        pdc.from_ratinabox(agent, [place, late])
    agent.Neurons.remove(late)
    with pytest.raises(TypeError, match="neurons must be a RatInABox Neurons object"):
        pdc.from_ratinabox(agent, "place")


# ------------------------------------------------------------------------ your own Agent
def test_simulate_trajectory_with_a_user_agent_leaves_it_and_its_environment_unchanged():
    env = Environment({"scale": 1.5})
    np.random.seed(1)
    agent = Agent(env, {"dt": 0.05, "speed_mean": 0.15, "thigmotaxis": 0.2})
    agent.update()
    snapshot = (agent.t, agent.pos.copy(), agent.velocity.copy(), {k: list(v) for k, v in agent.history.items()},
                list(env.Agents), dict(env.agents_dict), agent.params.copy())
    np.random.seed(7)
    state = np.random.get_state()
    traj = pdc.simulate_trajectory(minutes=1, agent=agent, random_state=0, progress=False)
    assert traj.dt == 0.05 and traj.n_samples == 1200 and traj.environment is env and traj.agent is agent
    assert traj.agent_params["speed_mean"] == 0.15 and traj.agent_params["thigmotaxis"] == 0.2
    assert traj.position[0].max() > 1.0  # it explores the 1.5 m box
    assert agent.t == snapshot[0] and np.array_equal(agent.pos, snapshot[1])
    assert np.array_equal(agent.velocity, snapshot[2]) and agent.history == snapshot[3]
    assert env.Agents == snapshot[4] == [agent] and env.agents_dict == snapshot[5] and agent.params == snapshot[6]
    assert np.array_equal(np.random.get_state()[1], state[1])
    # its own dt can be overridden, and its parameters are what a dict would give
    same = pdc.simulate_trajectory(minutes=1, dt=0.05, environment=env, random_state=0, progress=False,
                                   agent_params={k: v for k, v in agent.params.items() if k not in ("dt", "name",
                                                                                                    "save_history")})
    np.testing.assert_array_equal(same.position, traj.position)
    with pytest.raises(ValueError, match="agent belongs to another Environment"):
        pdc.simulate_trajectory(minutes=0.1, agent=agent, environment=Environment(), progress=False)
    with pytest.raises(TypeError, match="agent must be a ratinabox Agent"):
        pdc.simulate_trajectory(minutes=0.1, agent={"speed_mean": 0.1}, progress=False)


# ------------------------------------------------------------------------------ replays
def test_a_replayed_path_is_the_given_positions_at_the_given_times():
    dt = 0.1
    times = 12.3 + dt * np.arange(600)  # a user's own clock, not starting at 0
    angle = times / 7.0
    positions = np.stack([0.5 + 0.35 * np.cos(angle), 0.5 + 0.35 * np.sin(1.3 * angle)], axis=1)
    rec = pdc.simulate(cells="place", n_cells=9, minutes=1, dt=dt, source=(times, positions), random_state=0,
                       progress=False, cache=False)
    np.testing.assert_allclose(rec.t, times, rtol=0, atol=1e-9)
    np.testing.assert_allclose(rec.position, positions.T, rtol=0, atol=1e-12)  # no shift by one bin
    # RatInABox's own velocity of each step and head direction along it
    np.testing.assert_allclose(rec.velocity[:, 1:], np.diff(positions.T, axis=1) / dt, atol=1e-9)
    np.testing.assert_allclose(rec.velocity[:, 0], rec.velocity[:, 1], atol=0.02)
    # a finer dt interpolates between the samples and still passes through each of them
    fine = pdc.simulate_trajectory(minutes=1, dt=dt / 4, source=(times, positions), random_state=0,
                                   progress=False, cache=False)
    np.testing.assert_allclose(fine.position[:, ::4], positions.T, rtol=0, atol=1e-9)
    # longer than the data: it loops, each sample once per loop
    looped = pdc.simulate_trajectory(minutes=2, dt=dt, source=(times, positions), random_state=0, progress=False,
                                     cache=False)
    np.testing.assert_allclose(looped.position[:, 600:], positions.T, rtol=0, atol=1e-9)


def test_replay_bad_input():
    times = np.arange(10) * 0.1
    with pytest.raises(ValueError, match="strictly increasing"):
        pdc.simulate_trajectory(minutes=0.1, source=(times[::-1], np.zeros((10, 2))), progress=False)
    with pytest.raises(ValueError, match="NaN or infinite"):
        pdc.simulate_trajectory(minutes=0.1, source=(times, np.full((10, 2), np.nan)), progress=False)
    with pytest.raises(ValueError, match="positions of shape"):
        pdc.simulate_trajectory(minutes=0.1, source=(times, np.zeros((9, 2))), progress=False)


# ------------------------------------------------------------------------- 1D that moves
@pytest.mark.parametrize("seed", [0, 1])
def test_the_default_1d_track_is_covered_in_five_minutes(seed):
    traj = pdc.simulate_trajectory(minutes=5, environment={"dimensionality": "1D"}, random_state=seed,
                                   progress=False)
    x = traj.position[0]
    covered = np.mean(np.histogram(x, bins=50, range=(0, 1))[0] > 0)  # 2 cm bins
    assert covered >= 0.8
    assert max(np.mean(x < 0.02), np.mean(x > 0.98)) < 0.3  # not parked at an end
    crossings = np.sum(np.diff((x > 0.5).astype(int)) != 0)
    assert crossings >= 6  # back and forth
    assert traj.agent_params["speed_mean"] == 0 and traj.agent_params["speed_std"] == pytest.approx(0.08)


def test_1d_defaults_scale_with_the_track_and_yield_to_the_users():
    long = pdc.simulate_trajectory(minutes=0.1, environment={"dimensionality": "1D", "scale": 3.0}, random_state=0,
                                   progress=False)
    assert long.agent_params["speed_std"] == pytest.approx(0.24)
    with pytest.warns(UserWarning, match="Solid 1D boundaries with a non-zero speed_mean"):
        mine = pdc.simulate_trajectory(minutes=0.1, environment={"dimensionality": "1D"}, random_state=0,
                                       progress=False, agent_params={"speed_mean": 0.05})
    assert mine.agent_params["speed_mean"] == 0.05
    ring = pdc.simulate_trajectory(minutes=0.1, environment={"dimensionality": "1D", "boundary_conditions": "periodic"},
                                   random_state=0, progress=False)
    assert "speed_mean" not in {k: v for k, v in ring.agent_params.items() if k != "dt"}


# ---------------------------------------------------------------------- coverage warnings
def test_a_rat_parked_at_the_end_of_a_track_is_reported():
    with pytest.warns(PoorCoverageWarning, match=r"within 2 cm of the x = 1 m end"), \
            pytest.warns(UserWarning, match="Solid 1D boundaries with a non-zero speed_mean"):
        pdc.simulate(n_cells=5, minutes=2, environment={"dimensionality": "1D"}, agent_params={"speed_mean": 0.08},
                     random_state=0, progress=False)


def test_a_path_confined_to_a_corner_is_reported_in_2d():
    t = np.arange(0, 120, 0.1)
    pos = np.stack([0.1 + 0.04 * np.cos(t / 3), 0.1 + 0.04 * np.sin(t / 3)], axis=1)
    with pytest.warns(PoorCoverageWarning, match=r"visits only [0-9] % of the environment"):
        pdc.simulate(n_cells=4, minutes=2, source=(t, pos), random_state=0, progress=False, cache=False)


def test_good_and_short_paths_are_not_reported(user_run):
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoorCoverageWarning)
        pdc.simulate(n_cells=4, minutes=2, random_state=0, progress=False)
        pdc.simulate(n_cells=4, minutes=2, environment={"dimensionality": "1D"}, random_state=0, progress=False)
        with pytest.warns(UserWarning, match="Solid 1D boundaries"):  # the drift is warned of up front
            pdc.simulate(n_cells=4, minutes=0.5, environment={"dimensionality": "1D"},
                         agent_params={"speed_mean": 0.08}, random_state=0, progress=False)  # too short to judge
        pdc.from_ratinabox(user_run[0], user_run[1])


# ------------------------------------------------------------------ one adapter module
def test_ratinabox_internals_are_touched_in_one_module_only():
    """Hidden Agents, detaching, prints, the global RNG, private attributes: _ratinabox.py only."""
    patterns = [r"redirect_stdout", r"np\.random\.(seed|get_state|set_state)", r"\.agents_dict", r"\.Agents\b",
                r"Agent\(", r"import_trajectory", r"ratinabox\.__file__", r"\._[a-z]\w*\b(?<!__)", r"importlib\.import_module\(\"ratinabox"]
    offenders = []
    for path in sorted(SIM.glob("*.py")):
        if path.name == "_ratinabox.py":
            continue
        text = path.read_text()
        code = re.sub(r'"""[\s\S]*?"""', "", text)  # docstrings and comments may mention them
        code = re.sub(r"#.*", "", code)
        for pattern in patterns:
            for match in re.finditer(pattern, code):
                line = code[: match.start()].count("\n")
                snippet = code.splitlines()[line].strip()
                if pattern.startswith(r"\._") and not re.search(r"(neurons|agent|env|layer|Agent)\._", snippet):
                    continue
                offenders.append(f"{path.name}: {snippet}")
    assert not offenders, offenders


def test_an_untested_ratinabox_version_warns_once(monkeypatch):
    from placedecode.sim import UntestedRatInABoxWarning, _ratinabox

    monkeypatch.setattr(_ratinabox, "ratinabox_version", lambda: "1.99.0")
    monkeypatch.setattr(_ratinabox, "_version_checked", False)
    with pytest.warns(UntestedRatInABoxWarning, match=r"RatInABox 1.99.0 is installed; placedecode was tested with "
                                                      r"RatInABox 1.15.3 \(supported: >=1.15,<1.16\)"):
        pdc.simulate_trajectory(minutes=0.05, random_state=0, progress=False, cache=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UntestedRatInABoxWarning)
        pdc.simulate_trajectory(minutes=0.05, random_state=0, progress=False, cache=False)
