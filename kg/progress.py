"""Build progress on stderr: documents done of total, characters per second, ETA, failures.

On a terminal one line is redrawn in place (at most ten times a second); otherwise, in a log
or a pipe, one line is written each time another tenth of the documents is done.

>>> import io
>>> out = io.StringIO()
>>> progress = BuildProgress(out, tty=False, clock=iter(range(100)).__next__)
>>> progress.start(2)
>>> progress.update(chars=1000, failed=False)
>>> progress.update(chars=3000, failed=True)
>>> print(out.getvalue(), end="")
kg build: 50% 1/2 documents, 1000 chars/s, ETA 0:01, 0 failed
kg build: 100% 2/2 documents, 2000 chars/s, ETA 0:00, 1 failed
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["BuildProgress"]

_CLEAR = "\r\x1b[K"


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class BuildProgress:
    """Reports a build's progress to ``stream`` (stderr by default).

    ``tty`` (default: whether ``stream`` is a terminal) chooses the line redrawn in place
    over the quiet one-line-per-tenth log.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock = clock
        self.total = self.done = self.failed = self.chars = 0
        self._began = 0.0
        self._drawn = -1.0
        self._tenth = 0
        self._shown = False

    def start(self, total: int) -> None:
        """Begin counting ``total`` documents."""
        self.total = total
        self._began = self.clock()

    def update(self, *, chars: int, failed: bool) -> None:
        """One more document is done: ``chars`` characters of text, ``failed`` or not."""
        self.done += 1
        self.chars += chars
        self.failed += failed
        now = self.clock()
        if self.tty:
            if now - self._drawn >= 0.1 or self.done == self.total:
                self._drawn = now
                self.stream.write(_CLEAR + self.line(now))
                self.stream.flush()
                self._shown = True
        elif self.total:
            tenth = self.done * 10 // self.total
            if tenth > self._tenth:
                self._tenth = tenth
                self.stream.write(self.line(now) + "\n")
                self.stream.flush()

    def message(self, text: str) -> None:
        """Print ``text`` (a warning or an error) on its own line, above the progress line."""
        if self.tty and self._shown:
            self.stream.write(_CLEAR)
        self.stream.write(text + "\n")
        if self.tty and self._shown:
            self.stream.write(self.line(self.clock()))
        self.stream.flush()

    def finish(self) -> None:
        """End the line redrawn in place."""
        if self.tty and self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False

    def line(self, now: float) -> str:
        elapsed = max(now - self._began, 1e-9)
        rate = self.chars / elapsed
        eta = (self.total - self.done) * elapsed / self.done if self.done else 0.0
        percent = 100 * self.done // self.total if self.total else 100
        return (
            f"kg build: {percent}% {self.done}/{self.total} documents, {rate:.0f} chars/s, "
            f"ETA {_duration(eta)}, {self.failed} failed"
        )
