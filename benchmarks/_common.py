"""Helpers shared by the benchmark scripts: timing, result files, the shared data folder."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def shared_data_dir() -> Path:
    """``$PLACEDECODE_TEST_DATA`` or ``../shared/data`` beside the repository (as the tests)."""
    from placedecode._paths import checkout_data_dir

    env = os.environ.get("PLACEDECODE_TEST_DATA")
    return Path(env) if env else checkout_data_dir()


class Timer:
    """``with Timer() as t: ...``; then ``t.seconds`` (wall clock, perf_counter)."""

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False


def machine() -> dict:
    import numpy
    import sklearn

    info = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
    }
    try:
        import torch

        info["torch"] = torch.__version__
    except ImportError:  # pragma: no cover
        pass
    return info


def write_results(name: str, payload: dict, markdown: str) -> tuple[Path, Path]:
    """Write ``results/<name>.json`` and ``results/<name>.md`` atomically."""
    from placedecode._io import atomic_path

    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"benchmark": name, "date": time.strftime("%Y-%m-%d %H:%M"), "machine": machine(), **payload}
    js, md = RESULTS / f"{name}.json", RESULTS / f"{name}.md"
    with atomic_path(js) as tmp:
        tmp.write_text(json.dumps(payload, indent=2, default=float) + "\n")
    with atomic_path(md) as tmp:
        tmp.write_text(markdown.rstrip() + "\n")
    return js, md


def markdown_table(header: list[str], rows: list[list]) -> str:
    def fmt(v):
        return f"{v:.3g}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
