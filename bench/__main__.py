"""`make bench`: every benchmark, figures beside a baseline measured in the same run."""

from __future__ import annotations

import argparse

from bench import import_bench


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    import_bench.run(sizes, args.databases.split(","))


if __name__ == "__main__":
    main()
