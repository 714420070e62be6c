"""What loading a real session did to it: :class:`RecordingReport`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = ["RecordingReport"]


@dataclass(frozen=True)
class RecordingReport:
    """An account of the tracking samples and time bins a real session lost, and why.

    :func:`~placedecode.datasets.from_spike_times` stores one in
    ``rec.metadata["report"]`` and warns (:class:`~placedecode.datasets.DataWarning`) with
    :meth:`summary` when something was faulty. Sample counts are tracking samples
    (camera frames); bin counts are time bins of ``bin_size``.

    Attributes
    ----------
    n_samples : int
        Tracking samples given.
    duplicated : int
        Samples dropped because their timestamp repeated the previous one.
    nan : int
        Samples without a position (NaN or inf).
    out_of_arena : int
        Samples outside ``arena``.
    frozen : int
        Samples in runs of one repeated position longer than ``max_frozen`` seconds.
    frozen_seconds : float
        Their total duration in seconds.
    jumps : int
        Samples of short excursions entered and left faster than ``max_speed``.
    n_bins : int
        Bins on the grids of all epochs.
    no_position : int
        Bins whose centre lies in a tracking gap longer than ``max_gap`` (or outside the
        tracked span); dropped unless ``allow_nan_position``.
    below_speed : int
        Bins dropped because the animal ran slower than ``min_speed``.
    off_track : int
        Bins dropped by :func:`~placedecode.datasets.linearize` for lying farther than
        ``max_distance`` from the track.
    kept : int
        Bins in the Recording.
    silent_units : tuple
        Ids of the units without a spike in the kept bins (kept, not dropped).
    """

    n_samples: int = 0
    duplicated: int = 0
    nan: int = 0
    out_of_arena: int = 0
    frozen: int = 0
    frozen_seconds: float = 0.0
    jumps: int = 0
    n_bins: int = 0
    no_position: int = 0
    below_speed: int = 0
    off_track: int = 0
    kept: int = 0
    silent_units: tuple = field(default_factory=tuple)

    def faults(self) -> list[str]:
        """One phrase per kind of fault found (empty when the data were clean)."""
        out = []
        if self.duplicated:
            out.append(f"{self.duplicated} repeated timestamp(s) (first sample kept)")
        if self.nan:
            out.append(f"{self.nan} sample(s) without a position (NaN)")
        if self.out_of_arena:
            out.append(f"{self.out_of_arena} sample(s) outside the arena")
        if self.frozen:
            out.append(f"{self.frozen} frozen sample(s) ({self.frozen_seconds:.1f} s of one repeated position)")
        if self.jumps:
            out.append(f"{self.jumps} sample(s) in tracking glitches (impossible jumps)")
        if self.no_position:
            out.append(f"{self.no_position} of {self.n_bins} bin(s) without a position (long tracking gaps)")
        if self.off_track:
            out.append(f"{self.off_track} bin(s) off the track")
        if self.silent_units:
            shown = ", ".join(map(str, self.silent_units[:10])) + (" ..." if len(self.silent_units) > 10 else "")
            out.append(f"{len(self.silent_units)} silent unit(s) kept ({shown})")
        return out

    def summary(self) -> str:
        """A one-paragraph account: what was faulty and how many bins were kept."""
        faults = self.faults()
        head = f"kept {self.kept} of {self.n_bins} bins"
        if self.below_speed:
            head += f" ({self.below_speed} below min_speed)"
        return head + (": " + "; ".join(faults) + "." if faults else "; the tracking was clean.")

    def to_dict(self) -> dict:
        """The counts as a plain dict (for JSON)."""
        out = asdict(self)
        out["silent_units"] = [str(u) for u in self.silent_units]
        return out
