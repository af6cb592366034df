"""Run every benchmark in this folder (``python -m bench``) or some (``python -m bench qbxml_parse``)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Import ``bench/bench_<name>.py`` modules and call their ``main()``."""
    available = sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    # The import figures come first: the sync benchmarks compare their cost with them.
    first = [name for name in ("import", "qbxml_parse") if name in available]
    chosen = argv or first + [name for name in available if name not in first]
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}")
        return 2
    for name in chosen:
        importlib.import_module(f"bench.bench_{name}").main()
    from bench._targets import print_table, write_doc

    print_table()
    write_doc()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
