"""Shared test set-up: a private trajectory cache, a headless matplotlib backend."""

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Keep test trajectories out of the user's cache; shared by every test in the session."""
    old = os.environ.get("PLACEDECODE_CACHE")
    os.environ["PLACEDECODE_CACHE"] = str(tmp_path_factory.mktemp("placedecode-cache"))
    yield
    if old is None:
        os.environ.pop("PLACEDECODE_CACHE", None)
    else:
        os.environ["PLACEDECODE_CACHE"] = old


@pytest.fixture(scope="session")
def place_recording():
    """(train, test) of the tutorial's recording: 25 place cells, 10 min at dt 0.1 s."""
    import placedecode

    recording = placedecode.simulate(cells="place", n_cells=25, minutes=10, dt=0.1,
                                     random_state=0, progress=False)
    return recording.split(0.8)
