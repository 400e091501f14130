"""A bench process's own peak resident memory."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

STATUS = Path("/proc/self/status")


def peak_rss_mb(status: Path = STATUS) -> float:
    """This process's own peak resident memory so far, in MB.

    Linux: ``VmHWM`` of /proc/self/status, the high-water mark of this process image.
    Not ``ru_maxrss``: it survives ``exec``, so a child started with multiprocessing's
    ``spawn`` (fork, then exec) reports its parent's peak whenever that was higher (the
    parent that generated and wrote the bench's bars did). Elsewhere ``ru_maxrss``
    (macOS reports bytes).
    """
    try:
        with status.open(encoding="ascii") as lines:
            for line in lines:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
