"""A small, dependency-free progress bar for long management commands.

    with progress(len(rows), "Ghi đơn vị hành chính") as bar:
        for batch in batches:
            save(batch)
            bar.advance(len(batch))

On a terminal the bar redraws itself in place (``label  [#####.....]  1234/3321  37%``) at most
about ten times a second, so a fast loop is not slowed down by drawing. Anywhere else (CI logs,
files, pipes) carriage returns would make a mess, so it writes a plain line each time another tenth
of the work is done instead.
"""

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

__all__ = ["ProgressBar", "progress"]

_REDRAW_EVERY_SECONDS = 0.1


class ProgressBar:
    def __init__(
        self,
        total: int,
        label: str,
        stream: IO[str],
        *,
        width: int = 20,
        tty: bool | None = None,
        clock=time.monotonic,
    ) -> None:
        self.total = max(int(total), 0)
        self.label = str(label)
        # Django's OutputWrapper (a command's self.stderr) appends a newline to every write, which
        # would break redrawing in place; write to the stream it wraps.
        self.stream = getattr(stream, "_out", stream)
        self.width = width
        self.tty = _is_tty(self.stream) if tty is None else tty
        self.clock = clock
        self.done = 0
        self._last_draw = float("-inf")
        self._last_decile = 0
        self._closed = False

    @property
    def fraction(self) -> float:
        if self.total == 0:
            return 1.0
        return min(self.done / self.total, 1.0)

    def render(self) -> str:
        filled = int(self.fraction * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        return f"{self.label}  [{bar}]  {self.done}/{self.total}  {int(self.fraction * 100):d}%"

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.tty:
            now = self.clock()
            if now - self._last_draw >= _REDRAW_EVERY_SECONDS:
                self._last_draw = now
                self._draw_in_place()
        else:
            decile = int(self.fraction * 10)
            # Lines at 10 %, 20 %, …; 100 % is written once, by close().
            if self._last_decile < decile < 10:
                self._last_decile = decile
                self._write_line()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.tty:
            self._draw_in_place()
            self.stream.write("\n")
        else:
            self._write_line()
        self.stream.flush()

    def _draw_in_place(self) -> None:
        # "\r" returns to the start of the line; "\x1b[K" clears what a longer earlier line left.
        self.stream.write("\r" + self.render() + "\x1b[K")
        self.stream.flush()

    def _write_line(self) -> None:
        self.stream.write(self.render() + "\n")


def _is_tty(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or detached stream
        return False


@contextmanager
def progress(
    total: int, label: str, stream: IO[str] | None = None, *, enabled: bool = True, **kwargs
) -> Iterator[ProgressBar]:
    """Yield a bar to ``advance()``; the final state is drawn on leaving the block.

    ``enabled=False`` (e.g. ``--verbosity 0``) yields a bar that writes nothing.
    """
    target = stream if stream is not None else sys.stderr
    bar = ProgressBar(total, label, target if enabled else _Null(), **kwargs)
    try:
        yield bar
    finally:
        bar.close()


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False
