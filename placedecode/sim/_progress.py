"""Progress bars that move at least every second, however long one step takes.

tqdm redraws only when ``update`` is called and adapts how often it redraws to the rate it
saw so far; a loop that reports every ``n // 200`` steps, or one long step (a large chunk,
a slow ``get_state``), leaves the bar frozen. :class:`Progress` separates counting from
drawing: the work calls :meth:`~Progress.advance` (an integer increment, nothing else) and
a small daemon thread redraws the bar every ``interval`` seconds (0.5 s by default) with
the count so far and the elapsed time — also in the middle of a long step.
"""

from __future__ import annotations

import threading

#: Seconds between redraws.
REFRESH_SECONDS = 0.5


class Progress:
    """A tqdm bar over ``total`` units, redrawn every ``interval`` seconds until the block ends.

    Parameters
    ----------
    total : int
        Number of units (steps, bins, chunks) of the work.
    desc, unit : str
        tqdm's label and unit name.
    enabled : bool, default=True
        False: no bar and no thread (``advance`` only counts).
    interval : float, default=REFRESH_SECONDS
        Seconds between redraws.

    Examples
    --------
    >>> with Progress(1000, "Steps", "step", enabled=False) as bar:
    ...     for _ in range(1000):
    ...         bar.advance()
    >>> bar.n
    1000
    """

    def __init__(self, total: int, desc: str, unit: str, enabled: bool = True, interval: float = REFRESH_SECONDS):
        self.total = int(total)
        self.desc = desc
        self.unit = unit
        self.enabled = bool(enabled)
        self.interval = float(interval)
        self.n = 0
        self.redraws = 0
        self._bar = None
        self._shown = 0
        self._stop = threading.Event()
        self._thread = None

    def __enter__(self) -> "Progress":
        if self.enabled:
            from tqdm.auto import tqdm

            # miniters=1, mininterval=0: tqdm draws whenever we send an update; the thread decides when.
            self._bar = tqdm(total=self.total, desc=self.desc, unit=self.unit, leave=False, miniters=1,
                             mininterval=0, dynamic_ncols=True)
            self._thread = threading.Thread(target=self._redraw_loop, name="placedecode-progress", daemon=True)
            self._thread.start()
        return self

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more units done (cheap: the bar is redrawn by the thread)."""
        self.n += n

    def _redraw(self) -> None:
        count = self.n
        if count != self._shown:
            self._bar.update(count - self._shown)
            self._shown = count
        else:
            self._bar.refresh()  # the elapsed time still moves during a long step
        self.redraws += 1

    def _redraw_loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._redraw()

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._stop.set()
            self._thread.join()
            if self.n != self._shown:
                self._bar.update(self.n - self._shown)
                self._shown = self.n
            self._bar.close()
            self._bar = None
