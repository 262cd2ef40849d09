"""Run every benchmark script in bench/ and print their figures (`make bench`).

Each script is a module with a ``main()`` that prints its own figures; they measure on the
reference workload of DESIGN §7. Benchmarks never run as part of the tests.
"""

import importlib
import pkgutil
import sys
import time
from pathlib import Path

SKIP = {"run", "common"}


def main() -> int:
    selected = set(sys.argv[1:])
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name not in SKIP
    )
    for name in names:
        if selected and name not in selected:
            continue
        print(f"\n== bench/{name}.py", flush=True)
        started = time.perf_counter()
        saved_argv, sys.argv = sys.argv, [f"bench/{name}.py"]
        try:
            importlib.import_module(f"bench.{name}").main()
        finally:
            sys.argv = saved_argv
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
