"""What every benchmark here shares: progress on stderr (stdout is the JSON) and a description of
the machine it ran on, printed beside the figures so that runs compare honestly.

Benchmarks run as scripts (``python bench/<name>.py``), so this file is found beside them."""

import os
import platform
import sys


def say(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def machine() -> dict:
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            memory = meminfo.readline().split(":")[1].strip()
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory": memory,
        "platform": platform.platform(),
        # Other work on the machine (a test suite, say) shows up in the tails.
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }
