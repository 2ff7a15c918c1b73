"""The `scoring` command: one entry point for every step of the pipeline.

raw Kaggle files --ingest--> raw.duckdb --build (dbt)--> scoring.duckdb --train--> model --serve--> app
"""

from __future__ import annotations

import argparse
import atexit
import errno
import gc
import getpass
import os
import sys
from pathlib import Path

from kernel.errors import ScoringError
from kernel.settings import DEBUG_ENV, USERS_ENV, WAREHOUSE_ENV, Settings, env


def _scale(value: str) -> str | float:
    if value in ("small", "full"):
        return value
    try:
        fraction = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected small, full or a number of times the Kaggle files' size, got {value!r}"
        ) from None
    if not fraction > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {value}")
    return fraction  # the generator says how far past the real size it goes


def _seed(value: str) -> int:
    try:
        seed = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if not 0 <= seed < 2**32:  # what numpy's and scikit-learn's random states accept
        raise argparse.ArgumentTypeError(f"a seed must be between 0 and {2**32 - 1}, got {value}")
    return seed


def _workers(value: str) -> int:
    try:
        workers = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if not 1 <= workers <= 64:
        raise argparse.ArgumentTypeError(f"between 1 and 64, got {value}")
    return workers


class _OneLineErrors(argparse.ArgumentParser):
    """Usage mistakes are reported like every other error: one line, exit status 2."""

    def error(self, message: str):
        self.exit(2, f"error: {self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineErrors(prog="scoring", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help=f"warehouse directory (default: ${WAREHOUSE_ENV} or ./warehouse)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("generate", help="write the embedded default data set (synthetic Kaggle files)")
    p.add_argument("--out", type=Path, required=True, help="directory to write the Kaggle files into")
    p.add_argument(
        "--scale",
        type=_scale,
        default="small",
        help="small (0.1), full (1), or times the Kaggle files' size: 0.02, 3 (above 1: new ids past the real range)",
    )
    p.add_argument("--seed", type=_seed, default=42)
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")

    p = sub.add_parser("ingest", help="validate the Kaggle files in DIR and load them as raw tables")
    p.add_argument("dir", type=Path)

    p = sub.add_parser("build", help="build, test and publish the feature warehouse (dbt build)")
    p.add_argument(
        "--target",
        choices=("build", "spark"),
        default="build",
        help="spark: build the features on Apache Spark (the `spark` extra), then publish as always (README)",
    )

    p = sub.add_parser("train", help="train the model on client_features and publish scores and explanations")
    p.add_argument("--json", action="store_true", help="print the run's summary as one JSON object on stdout")
    p.add_argument("--seed", type=_seed, default=None)

    p = sub.add_parser("serve", help="serve the REST API and the dashboard")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)

    p = sub.add_parser("api", help="serve the REST API alone, in several worker processes (the dashboard: serve)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7861)
    p.add_argument("--workers", type=_workers, default=2, help="processes sharing the port (default: 2)")

    p = sub.add_parser("run", help="everything end to end: data, ingest, build, train, serve")
    p.add_argument(
        "--data", type=Path, default=None, help="directory of real Kaggle files (default: generate the embedded default)"
    )
    p.add_argument("--scale", type=_scale, default="small", help="scale of the generated default data")
    p.add_argument("--seed", type=_seed, default=42)
    p.add_argument("--no-serve", action="store_true", help="stop after training instead of serving")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)

    p = sub.add_parser("users", help="manage the users allowed into the API and dashboard")
    users = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    u = users.add_parser("add", help="add or update a user in the file named by $SCORING_USERS")
    u.add_argument("name")
    u.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings(warehouse=args.warehouse) if args.warehouse else Settings()
    settings.export_env()
    return settings


def add_user_cli(settings: Settings, name: str, password_stdin: bool = False) -> None:
    """`scoring users add NAME [--password-stdin]`."""
    from api.security import add_user, validate_name

    path = settings.users_file
    if path is None:
        raise ScoringError(
            f"{USERS_ENV}: not set; set it to the users file to write, e.g. export {USERS_ENV}=~/.scoring-users.json"
        )
    validate_name(name)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {name}: ")
        if getpass.getpass("again: ") != password:
            raise ScoringError("password: the two entries differ; nothing written")
    add_user(path, name, password)
    print(f"users: {name} written to {path}", file=sys.stderr)


def dispatch(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.command == "generate":
        from pipeline.generate import generate

        generate(args.out, scale=args.scale, seed=args.seed, fmt=args.format)
    elif args.command == "ingest":
        from pipeline.ingest import ingest

        ingest(args.dir, settings)
    elif args.command == "build":
        from pipeline.build import build

        build(settings, target=args.target)
    elif args.command == "train":
        from models_ml.train import train_cli
        from service.reasons import batch_reasons

        return train_cli(settings, as_json=args.json, seed=args.seed, describe=batch_reasons(settings))
    elif args.command == "serve":
        from app import serve

        serve(settings, host=args.host, port=args.port)
    elif args.command == "api":
        from app import serve_api

        serve_api(settings, host=args.host, port=args.port, workers=args.workers)
    elif args.command == "run":
        from scoring.run import run

        run(settings, data=args.data, scale=args.scale, seed=args.seed, serve=not args.no_serve, host=args.host, port=args.port)
    elif args.command == "users":
        add_user_cli(settings, args.name, password_stdin=args.password_stdin)
    return 0


# Commands after which the program leaves without the interpreter's teardown (see program()).
FAST_EXIT_COMMANDS = frozenset({"build"})


def main(argv: list[str] | None = None) -> int:
    return run_command(build_parser().parse_args(argv))


def run_command(args: argparse.Namespace) -> int:
    """The command's exit status; every failure the user can fix is one `error:` line on stderr."""
    try:
        return dispatch(args)
    except ScoringError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; nothing published", file=sys.stderr)
        return 130
    except Exception as exc:
        if env(DEBUG_ENV):
            raise
        print(f"error: {_one_line(exc, args)}", file=sys.stderr)
        return 1


def _one_line(exc: Exception, args: argparse.Namespace) -> str:
    """Any other failure as one line: disk full names the warehouse (DuckDB, dbt and LightGBM report it
    without a file), an OSError its file, anything else its first line and how to see the traceback."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if getattr(exc, "errno", None) == errno.ENOSPC or "no space left on device" in text.lower():
        warehouse = args.warehouse.absolute() if args.warehouse else Settings().warehouse
        return f"{warehouse}: no space left on device; nothing published (free some space and run again)"
    if isinstance(exc, OSError):  # e.g. --warehouse or --out naming a file, a directory that cannot be created
        return f"{exc.filename}: {exc.strerror or exc}" if exc.filename else str(exc.strerror or exc)
    return f"{type(exc).__name__}: {text[:300]} (unexpected; {DEBUG_ENV}=1 shows the traceback)"


def program() -> None:
    """The `scoring` program (console script, `python -m scoring`). After `scoring build` it exits
    without Python's teardown: freeing dbt's object graph (manifest, templates) took ~0.5 s of a
    build's wall time and does nothing useful once dbt has finished and the warehouse is published.
    The exit handlers run and the standard streams are flushed first; no other thread is left by then.
    main() itself returns normally, for callers in the same process (tests)."""
    args = build_parser().parse_args()
    if args.command in FAST_EXIT_COMMANDS:
        # dbt makes millions of short-lived objects; the cyclic collector walked them for ~0.4 s of
        # CPU per build, and what it would free is given back at the exit just below anyway.
        gc.disable()
    code = run_command(args)
    if args.command in FAST_EXIT_COMMANDS:
        atexit._run_exitfuncs()  # what a normal exit runs first: logging, multiprocessing, dbt-duckdb
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    program()
