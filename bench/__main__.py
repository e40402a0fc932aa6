"""`make bench`: every benchmark, figures beside a baseline measured in the same run."""

from __future__ import annotations

import argparse

from bench import digest_bench, home_bench, import_bench, ops_bench, slack_bench, soak_bench


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--only",
        choices=["import", "slack", "home", "digest", "soak", "ops"],
        help="run one benchmark",
    )
    soak_bench.add_arguments(parser)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    databases = args.databases.split(",")
    if args.only in (None, "import"):
        import_bench.run(sizes, databases)
    if args.only in (None, "slack"):
        slack_bench.run(sizes, databases)
    if args.only in (None, "home"):
        home_bench.run(sizes, databases)
    if args.only in (None, "digest"):
        digest_bench.run(sizes, databases)
    if args.only in (None, "ops"):
        ops_bench.run()
    if args.only in (None, "soak"):
        soak_bench.run(soak_bench.options_from(args, sizes), databases)


if __name__ == "__main__":
    main()
