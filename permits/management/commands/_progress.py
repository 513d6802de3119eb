"""A plain-text progress bar on stderr for the job commands (no extra dependency)."""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30
MIN_INTERVAL = 0.1  # seconds between redraws


class ProgressBar:
    def __init__(self, stream: TextIO, label: str, *, enabled: bool = True):
        self.stream, self.label, self.enabled = stream, label, enabled
        self._drawn_at = 0.0
        self._drawn = False

    def update(self, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._drawn_at < MIN_INTERVAL and done != total):
            return
        self._drawn_at, self._drawn = now, True
        self.stream.write("\r" + self.render(done, total))
        self.stream.flush()

    def render(self, done: int, total: int | None) -> str:
        if not total:
            return f"{self.label}: {done}"
        share = min(done / total, 1.0)
        filled = round(share * WIDTH)
        return f"{self.label} [{'#' * filled}{'-' * (WIDTH - filled)}] {done}/{total} {share:4.0%}"

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()


def progress_bar(command, label: str, options: dict) -> ProgressBar:
    """The bar of a management command: on its stderr, unless ``--verbosity 0``."""
    return ProgressBar(command.stderr, label, enabled=options.get("verbosity", 1) > 0)
