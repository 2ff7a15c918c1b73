"""Warehouse access: atomic publication of DuckDB files, and readers that follow new publications.

A DuckDB file has one writer or many readers. So nothing is ever built in place: every step builds
a new file beside the published one, and publishes it with one rename. Readers keep the inode they
opened (a rename does not disturb them) and switch to the new file on their next cursor.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from kernel.errors import ScoringError
from kernel.settings import Settings

if TYPE_CHECKING:
    import sqlalchemy

LOCK_NAME = ".writer.lock"


def sql_literal(text: str) -> str:
    """A SQL string literal: paths reach SQL only this way (a quote in a directory name is data)."""
    return "'" + text.replace("'", "''") + "'"


def scratch_path(dest: Path) -> Path:
    """A fresh path beside `dest` (same file system, so the final rename is atomic)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    return dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.tmp")


def remove_leftovers(dest: Path) -> list[Path]:
    """Remove the scratch files and directories of earlier writes of `dest` that were killed before they
    could clean up (kill -9 leaves `.raw.duckdb.<hex>.tmp` and its `.wal`). Call with writer_lock held:
    no other writer can be using them then."""
    removed = []
    for old in dest.parent.glob(f".{dest.name}.*.tmp*"):
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            remove_quietly(old)
        removed.append(old)
    return removed


# Locks this process holds, by warehouse: `scoring run` (ingest, build, train) and dbt inside
# `scoring build` take the lock again in the same process, which must not refuse them.
_held: dict[Path, list] = {}  # warehouse -> [open lock file, depth]
_held_guard = threading.Lock()


def require_raw_tables(raw_db: Path) -> Path:
    """raw.duckdb, which every build reads, or a ScoringError saying to ingest first."""
    if not raw_db.exists():
        raise ScoringError(f"{raw_db}: no raw tables; run `scoring ingest DIR` first")
    return raw_db


def lock_holder(warehouse: Path) -> str:
    try:
        return (warehouse / LOCK_NAME).read_text().strip() or "?"
    except OSError:
        return "?"


def acquire_writer_lock(warehouse: Path) -> None:
    """Take the warehouse's writer lock or raise ScoringError at once. An flock on `.writer.lock`: the OS
    drops it when the holder dies however it dies, so a killed run never blocks the next one; the file
    keeps the holder's pid for the message only."""
    warehouse = Path(warehouse).absolute()
    with _held_guard:
        if warehouse in _held:
            _held[warehouse][1] += 1
            return
        warehouse.mkdir(parents=True, exist_ok=True)
        fd = os.open(warehouse / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ScoringError(
                f"{warehouse}: a build is already running (pid {lock_holder(warehouse)}); try again when it ends"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _held[warehouse] = [fd, 1]


def release_writer_lock(warehouse: Path) -> None:
    warehouse = Path(warehouse).absolute()
    with _held_guard:
        held = _held.get(warehouse)
        if held is None:
            return
        held[1] -= 1
        if held[1] == 0:
            del _held[warehouse]
            os.close(held[0])  # closing the last descriptor releases the flock


@contextmanager
def writer_lock(settings: Settings) -> Iterator[None]:
    """One writer at a time per warehouse (ingest, build, train, writing dbt commands)."""
    acquire_writer_lock(settings.warehouse)
    try:
        yield
    finally:
        release_writer_lock(settings.warehouse)


def remove_quietly(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def publish(built: Path, dest: Path, sync_file: bool = True) -> None:
    """Atomically replace `dest` by `built` (a closed, checkpointed DuckDB file or any file).

    `sync_file=False` when the writer has already synced the file (DuckDB's checkpoint does)."""
    if Path(str(built) + ".wal").exists():
        raise ScoringError(f"{built}: still has a write-ahead log; close the connection before publishing")
    if sync_file:
        with open(built, "rb") as fh:
            os.fsync(fh.fileno())
    os.replace(built, dest)
    dir_fd = os.open(dest.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@contextmanager
def building(dest: Path, settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a new DuckDB file beside `dest`; publish it if the block succeeds, discard it otherwise."""
    tmp = scratch_path(dest)
    con = duckdb.connect(str(tmp), config=duckdb_config(settings))
    try:
        yield con
        con.execute("CHECKPOINT")
        con.close()
        publish(tmp, dest)
    except BaseException:
        con.close()
        remove_quietly(tmp)
        raise


def duckdb_config(settings: Settings, read_only: bool = False) -> dict:
    config = {"threads": settings.duckdb_threads, "memory_limit": settings.duckdb_memory_limit}
    if read_only:
        config["access_mode"] = "READ_ONLY"
    return config


@dataclass(frozen=True)
class _Stamp:
    """Identity of the published files a connection was opened on."""

    files: tuple[tuple[str, int, int], ...]

    @classmethod
    def of(cls, paths: list[str]) -> _Stamp:
        out = []
        for p in paths:  # os.stat of a string: pathlib's costs ~10x more, and this runs per query
            try:
                st = os.stat(p)
                out.append((p, st.st_ino, st.st_mtime_ns))
            except FileNotFoundError:
                out.append((p, 0, 0))
        return cls(tuple(out))


class WarehouseReader:
    """Read-only access to the published warehouse for the app and for scripts.

    `scoring.duckdb` is the main database; `raw.duckdb` and `model.duckdb` are attached as `raw` and
    `model` when they exist. Each thread gets its own cursor. When any file is republished, the next
    `cursor()` call opens the new files; connections already handed out keep working on the old ones.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stamp: _Stamp | None = None
        self._local = threading.local()
        self._files: list[str] | None = None

    def _paths(self) -> list[str]:
        if self._files is None:  # fixed with the settings; built once (the stamp is checked per query)
            s = self.settings
            self._files = [str(s.features_db), str(s.raw_db), str(s.model_db)]
        return self._files

    def _open(self) -> duckdb.DuckDBPyConnection:
        s = self.settings
        if not s.features_db.exists():
            raise ScoringError(f"{s.features_db}: no published warehouse; run `scoring build` first")
        # A fresh in-memory instance that ATTACHes the files: duckdb.connect(path) would hand back the
        # cached instance of the old file (same path) while any old connection is alive, i.e. stale data.
        con = duckdb.connect(":memory:", config=duckdb_config(s))
        con.execute(f"ATTACH {sql_literal(str(s.features_db))} AS scoring (READ_ONLY)")
        con.execute("USE scoring")
        for alias, path in (("raw", s.raw_db), ("model", s.model_db)):
            if path.exists():
                con.execute(f"ATTACH {sql_literal(str(path))} AS {alias} (READ_ONLY)")
        return con

    def connection(self) -> duckdb.DuckDBPyConnection:
        stamp = _Stamp.of(self._paths())
        with self._lock:
            if self._con is None or stamp != self._stamp:
                self._con = self._open()
                self._stamp = stamp
            return self._con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for this thread on the newest published files."""
        con = self.connection()
        local = self._local
        if getattr(local, "con", None) is not con:
            local.con = con
            local.cursor = con.cursor()
            local.cursor.execute("USE scoring")  # USE is per connection; cursors do not inherit it
        return local.cursor

    @property
    def stamp(self) -> _Stamp | None:
        return self._stamp


def engine(settings: Settings | None = None) -> sqlalchemy.Engine:
    """The door for BI tools and notebooks: a SQLAlchemy engine (duckdb-engine) on the published
    warehouse, read-only, e.g. `pandas.read_sql("select * from client_reasons where sk_id_curr = 100086", engine())`.

    The model tables stay in model.duckdb: an event listener attaches it (as `model`, and raw.duckdb as
    `raw`) on every new connection, so the documented views over them (client_scores, client_reasons,
    feature_drift, ...) and the staging views answer. No connection pool: each connection opens the newest
    publication, where a pooled one would keep the file it first opened. Column comments come with
    reflection (`sqlalchemy.inspect(engine).get_columns("client_scores")`)."""
    import sqlalchemy  # here: the dbt plugin and the app import this module without needing it

    s = settings or Settings()
    if not s.features_db.exists():
        raise ScoringError(f"{s.features_db}: no published warehouse; run `scoring build` first")
    eng = sqlalchemy.create_engine(
        f"duckdb:///{s.features_db}",
        connect_args={"read_only": True, "config": {"threads": s.duckdb_threads, "memory_limit": s.duckdb_memory_limit}},
        poolclass=sqlalchemy.pool.NullPool,
    )

    @sqlalchemy.event.listens_for(eng, "connect")
    def attach_model_and_raw(dbapi_connection, _record) -> None:
        for alias, path in (("model", s.model_db), ("raw", s.raw_db)):
            if path.exists():
                dbapi_connection.execute(f"ATTACH {sql_literal(str(path))} AS {alias} (READ_ONLY)")

    _reflect_from_duckdb(eng.dialect)
    return eng


def _reflect_from_duckdb(dialect) -> None:
    """Reflection from duckdb_columns(), with comments. SQLAlchemy >= 2.0.45 reflects columns with a query
    on pg_catalog.pg_collation and keys with casts to REGCLASS, neither of which DuckDB's pg_catalog
    emulates (duckdb/duckdb#22069, Mause/duckdb_engine#1379): `inspect()` and `MetaData.reflect()` fail
    without this. The warehouse declares no keys, indexes or table options (dbt tests the keys), so those
    reflect as none."""
    import sqlalchemy

    names = {**dialect.ischema_names, "double": sqlalchemy.Double, "float": sqlalchemy.Float}

    def columns(connection, schema):
        return connection.execute(
            sqlalchemy.text(
                "select table_name, column_name, lower(data_type), is_nullable, comment from duckdb_columns() "
                "where database_name = current_database() and schema_name = :schema order by table_name, column_index"
            ),
            {"schema": schema or "main"},
        ).fetchall()

    def get_multi_columns(connection, schema=None, filter_names=None, **kw):
        out: dict = {}
        for table, column, data_type, nullable, comment in columns(connection, schema):
            if not filter_names or table in filter_names:
                col_type = names.get(data_type, sqlalchemy.types.NullType)
                out.setdefault((schema, table), []).append(
                    {
                        "name": column,
                        "type": col_type(),
                        "nullable": nullable,
                        "default": None,
                        "autoincrement": False,
                        "comment": comment,
                    }
                )
        return out.items()

    def none_of(default):
        def get_multi(connection, schema=None, filter_names=None, **kw):
            tables = {t for t, *_ in columns(connection, schema) if not filter_names or t in filter_names}
            return [((schema, t), default()) for t in sorted(tables)]

        return get_multi

    dialect.get_multi_columns = get_multi_columns
    dialect.get_multi_pk_constraint = none_of(lambda: {"constrained_columns": [], "name": None})
    dialect.get_multi_table_options = none_of(dict)
    for kind in ("foreign_keys", "indexes", "unique_constraints", "check_constraints"):
        setattr(dialect, f"get_multi_{kind}", none_of(list))
