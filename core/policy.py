"""The rules that decide when an absence is a removal; set from the config file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChangePolicy:
    # A pledge missing from complete runs is reported removed after this many in a row.
    confirm_removals_after: int = 1
    # A run that would remove more than this share of present pledges is held as suspect.
    max_removal_share: float = 0.10
    # ...but a handful of removals is never suspect, or a small site could remove nothing.
    min_suspect_removals: int = 5

    def __post_init__(self) -> None:
        if self.confirm_removals_after < 1:
            raise ValueError("confirm_removals_after must be at least 1")
        if not 0 < self.max_removal_share <= 1:
            raise ValueError("max_removal_share must be in (0, 1]")
