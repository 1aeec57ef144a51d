"""Run every benchmark (``make bench``); each prints reference, ours and the ratio.

Exits non-zero if any benchmark misses a budget named in an issue.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_load.py", "bench_engine.py", "bench_app.py", "bench_server.py"]


def main() -> int:
    failed = []
    for name in SCRIPTS:
        print(f"\n== {name} ==", flush=True)
        result = subprocess.run([sys.executable, str(HERE / name)], cwd=HERE.parent, check=False)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nover budget or failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
