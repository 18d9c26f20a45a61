"""`make bench`: run every benchmark and print its figures."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import badge_bench, geo_bench  # noqa: E402

BENCHMARKS = [("administrative units", geo_bench.run), ("badges for a whole fair", badge_bench.run)]


def main() -> int:
    for title, run in BENCHMARKS:
        print(f"== {title}", flush=True)
        run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
