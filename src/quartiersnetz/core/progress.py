"""Progress output for management commands that run longer than a few seconds."""

import time


class Progress:
    """Writes 'label: done/total (percent)' at most twice a second, then a final line."""

    def __init__(self, stream, label, interval=0.5):
        self.stream = stream
        self.label = label
        self.interval = interval
        self.last = 0.0
        self.done = self.total = 0

    def update(self, done, total):
        self.done, self.total = done, total
        now = time.monotonic()
        if now - self.last >= self.interval or done == total:
            self.last = now
            percent = 100 * done // total if total else 100
            self.stream.write(f"{self.label}: {done}/{total} ({percent} %)")

    def finish(self):
        if self.total and self.done != self.total:
            self.update(self.total, self.total)
