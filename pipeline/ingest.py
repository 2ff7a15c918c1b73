"""`scoring ingest DIR`: check the Kaggle files in DIR and load them as raw tables into raw.duckdb.

The same door for generated and real files. Each file is checked cheaply before anything is loaded
(name, format, header), then DuckDB's CSV reader loads it with the schema's types and reports the
first bad line, which we turn into a one-line `ScoringError`. A `.csv.gz` is inflated whole beside
the load, end marker and CRC included (DuckDB's reader stops quietly at a cut). Keys and each numeric
column's possible range (kernel/kaggle_schema.py) are checked after each load.
Everything goes into a new DuckDB file that replaces raw.duckdb only when all of it succeeded.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import re
import signal
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from kernel.errors import ScoringError
from kernel.kaggle_schema import FILES, SUBMISSION, TABLE_DOCS, KaggleFile, column_descriptions
from kernel.progress import Progress, log
from kernel.settings import Settings
from kernel.warehouse import building, remove_leftovers, sql_literal, writer_lock

# Load order: the applications first, so that most mistakes show up before the big side tables.
SPECS: tuple[KaggleFile, ...] = (*FILES.values(), SUBMISSION)
FORMATS = (".csv.gz", ".csv", ".parquet")  # longest first: ".csv.gz" must win over ".csv"
HEADER_PROBE = 1 << 20  # a Kaggle header is under 4 KB; a first line longer than this is not CSV
BITMAP_BITS = 1 << 30  # 128 MB per thread: keys spanning up to this many values use the bitmap check

# What DuckDB's CSV reader says when a line is bad (duckdb 1.5).
_LINE = re.compile(r"CSV Error on Line: (\d+)")
_CONVERT = re.compile(r'Error when converting column "([^"]+)"\. Could not convert string "(.*)" to \'(\w+)\'')
_FIELDS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
# Raised by the load's own check (_integer_select): DuckDB would round "0.4" to 0 in a BIGINT column.
_NOT_WHOLE = re.compile(r"column (\S+): (.+) is not a whole number")
_NOT_FINITE = re.compile(r"column (\S+): (.+) is not a finite number")
GZIP_CHUNK = 1 << 20


@dataclass(frozen=True)
class SourceFile:
    """One Kaggle file found in the input directory."""

    spec: KaggleFile
    path: Path
    fmt: str  # "csv", "csv.gz" or "parquet"

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class IngestReport:
    raw_db: Path
    tables: dict[str, int]  # table -> rows, in load order
    seconds: float
    sources: dict[str, Path] = field(default_factory=dict)  # table -> file it came from
    warnings: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def summary(self) -> str:
        """One line, then the rows of each file (a file that lost rows shows here), then any warning."""
        lines = [f"ingest: {len(self.tables)} tables, {self.rows:,} rows in {self.seconds:.1f} s -> {self.raw_db}"]
        for table, rows in self.tables.items():
            source = self.sources.get(table)
            lines.append(f"ingest:   {table}: {rows:,} rows" + (f" from {source.name}" if source else " (no file)"))
        lines += [f"ingest: warning: {w}" for w in self.warnings]
        return "\n".join(lines)


# --- finding the files ---------------------------------------------------------------------------


def _split_format(name: str) -> tuple[str, str] | None:
    lower = name.lower()
    for ext in FORMATS:
        if lower.endswith(ext) and len(name) > len(ext):
            return name[: -len(ext)], ext[1:]
    return None


# What the embedded-default generator writes beside the Kaggle files: expected, so no notice.
_GENERATOR_EXTRAS = {"_GENERATED.json", "truth"}


def discover(directory: Path) -> tuple[dict[str, SourceFile], list[str]]:
    """Match the files of `directory` to the Kaggle files (case-insensitively); return them and notices."""
    if not directory.is_dir():
        raise ScoringError(f"{directory}: no such directory")
    by_stem = {spec.table: spec for spec in SPECS}
    found: dict[str, SourceFile] = {}
    notices: list[str] = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.name in _GENERATOR_EXTRAS:
            continue
        split = _split_format(path.name) if path.is_file() else None
        spec = by_stem.get(split[0].lower()) if split else None
        if spec is None:
            if path.is_dir():
                hint = "a directory"
            elif path.name.lower().endswith(".zip"):
                hint = "a zip archive: unzip it first"
            else:
                hint = "not a Kaggle data file"
            notices.append(f"ingest: ignoring {path.name} ({hint})")
            continue
        if spec.table in found:
            raise ScoringError(f"{path.name}: {spec.name} is given twice (also {found[spec.table].name}); keep one")
        found[spec.table] = SourceFile(spec, path, split[1])
    for spec in SPECS:
        if spec.required and spec.table not in found:
            raise ScoringError(f"{spec.name}.csv: missing from {directory} (expected {spec.name}.csv, .csv.gz or .parquet)")
    return found, notices


# --- checking a file before loading it ------------------------------------------------------------


def _sniff_binary(source: SourceFile, head: bytes) -> None:
    """Reject what is plainly not CSV text: archives, other formats, binary bytes, non-UTF-8."""
    kinds = {
        b"PK\x03\x04": "a zip archive (unzip it first)",
        b"\x1f\x8b": "gzip-compressed (name it .csv.gz)",
        b"PAR1": "a Parquet file (name it .parquet)",
    }
    for magic, what in kinds.items():
        if head.startswith(magic):
            raise ScoringError(f"{source.name}: not a CSV file: {what}")
    if b"\x00" in head:
        raise ScoringError(f"{source.name}: not a CSV file (binary content)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        line = head.count(b"\n", 0, exc.start) + 1
        raise ScoringError(
            f"{source.name} line {line}: not UTF-8 text (byte 0x{head[exc.start]:02x}); save the file as UTF-8"
        ) from None


def csv_header(source: SourceFile) -> tuple[list[str], bool]:
    """The header fields of a CSV file (BOM, CRLF tolerated) and whether any row follows it."""
    try:
        opener = gzip.open if source.fmt == "csv.gz" else open
        with opener(source.path, "rb") as fh:
            head = fh.read(HEADER_PROBE)
    except (gzip.BadGzipFile, EOFError, OSError) as exc:
        what = "damaged or truncated gzip file" if source.fmt == "csv.gz" else "cannot read"
        raise ScoringError(f"{source.name}: {what}: {exc}") from None
    if not head.strip():
        raise ScoringError(f"{source.name}: empty file")
    _sniff_binary(source, head)
    end = head.find(b"\n")
    if end < 0 and len(head) == HEADER_PROBE:
        raise ScoringError(f"{source.name}: not a CSV file (no line break in the first {HEADER_PROBE:,} bytes)")
    first = head if end < 0 else head[:end]
    text = first.decode("utf-8-sig", errors="replace").rstrip("\r")
    fields = next(csv.reader([text]), [])
    has_rows = end >= 0 and bool(head[end + 1 :].strip())
    return fields, has_rows


def parquet_header(source: SourceFile, con: duckdb.DuckDBPyConnection) -> tuple[list[str], bool]:
    with open(source.path, "rb") as fh:
        magic = fh.read(4)
    if not magic:
        raise ScoringError(f"{source.name}: empty file")
    if magic != b"PAR1":
        raise ScoringError(f"{source.name}: not a Parquet file")
    try:
        path = _literal(source.path)
        names = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()]
        rows = con.execute(f"SELECT num_rows FROM parquet_file_metadata({path})").fetchone()[0]
    except duckdb.Error as exc:
        raise ScoringError(f"{source.name}: not a readable Parquet file: {_first_line(exc)}") from None
    return names, rows > 0


def match_columns(source: SourceFile, header: list[str]) -> list[str]:
    """Map the file's header to the schema's names, in the file's order (so we read by name, not position)."""
    spec = source.spec
    canonical = {name.upper(): name for name in spec.column_names}
    matched: list[str] = []
    unexpected: list[str] = []
    for raw in header:
        name = canonical.get(raw.strip().upper())
        if name is None:
            unexpected.append(raw)
        elif name in matched:
            raise ScoringError(f"{source.name}: column {name} appears twice in the header")
        else:
            matched.append(name)
    missing = [name for name in spec.column_names if name not in matched]
    if not matched and len(header) == 1:
        for sep in (";", "\t", "|"):
            if sep in header[0]:
                raise ScoringError(f"{source.name}: fields are separated by {sep!r}; the Kaggle files use ','")
    if not matched:
        raise ScoringError(
            f"{source.name}: not a {spec.name} file: the header has none of its columns ({', '.join(spec.column_names[:3])}, ...)"
        )
    problems = []
    if unexpected:
        problems.append(f"unexpected column{'s' if len(unexpected) > 1 else ''} " + ", ".join(map(repr, unexpected)))
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''} " + ", ".join(missing))
    if problems:
        raise ScoringError(f"{source.name}: " + "; ".join(problems))
    return matched


# --- loading -----------------------------------------------------------------------------------------


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return re.sub(r"^[A-Za-z ]+Error: ", "", lines[0]) if lines else type(exc).__name__


def _not_a(sql_type: str) -> str:
    return {"BIGINT": "an integer", "DOUBLE": "a number"}.get(sql_type.upper(), f"a {sql_type}")


def csv_error(source: SourceFile, exc: duckdb.Error) -> ScoringError:
    """Turn DuckDB's multi-line CSV error into one line naming the file, the line and the column."""
    msg = str(exc)
    line = _LINE.search(msg)
    where = f"{source.name} line {line.group(1)}" if line else source.name
    types = {c.name: c.sql_type for c in source.spec.columns}
    if conv := _CONVERT.search(msg):
        column, value = conv.group(1), conv.group(2)
        return ScoringError(f"{where}, column {column}: {value!r} is not {_not_a(types.get(column, conv.group(3)))}")
    if fields := _FIELDS.search(msg):
        expected, found = fields.groups()
        why = "truncated file or broken line" if int(found) < int(expected) else "extra field or unquoted comma"
        return ScoringError(f"{where}: {found} fields where {expected} are expected ({why})")
    return ScoringError(f"{where}: {_csv_reason(msg) or _first_line(exc)}")


def _csv_reason(msg: str) -> str | None:
    """DuckDB puts the reason just before its "Possible fixes" list (after the offending line)."""
    lines = [line.strip() for line in msg.splitlines()]
    cut = next((i for i, line in enumerate(lines) if line.lower().startswith(("possible fix", "possible solution"))), None)
    body = [line for line in lines[:cut] if line] if cut is not None else []
    return body[-1] if len(body) > 1 else None


def parquet_error(source: SourceFile, con: duckdb.DuckDBPyConnection, exc: duckdb.Error) -> ScoringError:
    """Find the first value that does not convert (error path only: one query per column)."""
    for col in source.spec.columns:
        name = _quote(col.name)
        bad = f"TRY_CAST({name} AS {col.sql_type}) IS NULL"
        if col.sql_type == "BIGINT":  # also a fraction, which a cast would round
            bad += f" OR TRY_CAST({name} AS DOUBLE) <> trunc(TRY_CAST({name} AS DOUBLE))"
        q = (
            f"SELECT file_row_number + 1, CAST({name} AS VARCHAR) FROM read_parquet({_literal(source.path)}, file_row_number=true) "
            f"WHERE {name} IS NOT NULL AND ({bad}) LIMIT 1"
        )
        try:
            hit = con.execute(q).fetchone()
        except duckdb.Error:
            continue
        if hit:
            return ScoringError(f"{source.name} row {hit[0]}, column {col.name}: {hit[1]!r} is not {_not_a(col.sql_type)}")
    return ScoringError(f"{source.name}: {_first_line(exc)}")


def _literal(path: Path) -> str:
    """A file path as a SQL string literal. Not a bound parameter: binding a Python value makes DuckDB
    import pandas and pyarrow (~0.25 s) inside the query, where a Ctrl-C was lost."""
    return sql_literal(str(path))


def gzip_damage(path: Path, stop: threading.Event | None = None) -> str | None:
    """Inflate the whole gzip file; what is wrong with it (None: every member complete, CRC and length
    right). zlib checks each member's CRC-32 and length itself; a missing end marker shows as a
    decompressor that has not reached `eof` when the bytes run out. Concatenated members are valid."""
    inflater = zlib.decompressobj(wbits=31)
    started = False
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(GZIP_CHUNK):
                if stop is not None and stop.is_set():
                    return None
                while chunk:
                    started = True
                    inflater.decompress(chunk, GZIP_CHUNK)
                    # Output is not kept: unconsumed_tail holds what a bounded call left to inflate.
                    while inflater.unconsumed_tail:
                        inflater.decompress(inflater.unconsumed_tail, GZIP_CHUNK)
                    if not inflater.eof:
                        break
                    chunk, started = inflater.unused_data, False
                    inflater = zlib.decompressobj(wbits=31)
                    if chunk and not chunk.strip(b"\x00"):  # zero padding after the last member (tape, dd)
                        chunk = b""
    except zlib.error as exc:
        return f"corrupt compressed data ({exc})"
    except OSError as exc:
        return f"cannot read ({exc.strerror or exc})"
    if started:
        return "the compressed stream ends early (no end marker)"
    return None


class _GzipCheck:
    """Checks a .csv.gz whole in a thread while DuckDB loads it: the file is read once more, but on the
    other core and mostly from the page cache (BENCHMARKS.md, ingest: gzip check)."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.damage: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"gzip-check {source.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self.damage = gzip_damage(self.source.path, self._stop)

    def result(self) -> ScoringError | None:
        self._thread.join()
        if self.damage is None:
            return None
        return ScoringError(f"{self.source.name}: damaged or truncated gzip file: {self.damage}; nothing loaded")

    def cancel(self) -> None:
        self._stop.set()
        self._thread.join()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _csv_relation(source: SourceFile, file_columns: list[str]) -> str:
    # Integer columns are read as DOUBLE and checked by _integer_select: read as BIGINT, "0.4" became 0.
    types = {c.name: "DOUBLE" if c.sql_type == "BIGINT" else c.sql_type for c in source.spec.columns}
    columns = ", ".join(f"'{name}': '{types[name]}'" for name in file_columns)
    compression = "gzip" if source.fmt == "csv.gz" else "none"
    # Explicit dialect and types: no sniffing, so a bad value is an error, never a silent VARCHAR.
    return (
        f"read_csv({_literal(source.path)}, header=true, auto_detect=false, columns={{{columns}}}, delim=',', quote='\"', "
        f"escape='\"', nullstr='', strict_mode=true, null_padding=false, compression='{compression}')"
    )


def _integer_select(name: str, as_double: bool = False) -> str:
    """An integer column read as DOUBLE: whole numbers (2 or 2.0) become BIGINT, anything else stops the
    load (a cast alone rounds 0.4 to 0; inf would fail the cast without naming the column).
    `as_double` for a Parquet column of whatever numeric type."""
    q = _quote(name)
    v = f"CAST({q} AS DOUBLE)" if as_double else q
    return (
        f"CASE WHEN {q} IS NULL OR (isfinite({v}) AND {v} = trunc({v})) THEN CAST({q} AS BIGINT) "
        f"WHEN NOT isfinite({v}) THEN error('column {name}: ' || CAST({q} AS VARCHAR) || ' is not a finite number') "
        f"ELSE error('column {name}: ' || CAST({q} AS VARCHAR) || ' is not a whole number') END AS {q}"
    )


def _out_of_range(column) -> str:
    """SQL true for a value outside the column's possible range; NaN compares above every number in
    DuckDB, so NaN and +-inf are outside any finite range too."""
    return f"NOT ({_quote(column.name)} BETWEEN {column.low!r} AND {column.high!r})"


def _value_problem(column, value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return "is not a finite number"
    return f"is outside the possible range [{column.low:g}, {column.high:g}]"


def first_bad_row(
    source: SourceFile, file_columns: list[str], column: str, condition: str, settings: Settings
) -> tuple[str, str]:
    """Where in the file the first value meeting `condition` is ("line N" or "row N") and that value.

    Error path only: a second, sequential read of the file, because the load itself reads in parallel
    and keeps no row numbers."""
    con = duckdb.connect(":memory:", config={"threads": 1, "memory_limit": settings.duckdb_memory_limit})
    try:
        con.execute("SET preserve_insertion_order = true")
        if source.fmt == "parquet":
            relation = f"(SELECT file_row_number + 1 AS _n, * FROM read_parquet({_literal(source.path)}, file_row_number=true))"
            where = "row"
        else:
            relation = f"(SELECT row_number() OVER () + 1 AS _n, * FROM {_csv_relation(source, file_columns)})"
            where = "line"
        q = _quote(column)
        hit = con.execute(f"SELECT _n, CAST({q} AS VARCHAR) FROM {relation} WHERE {condition} LIMIT 1").fetchone()
    except duckdb.Error:
        hit = None
    finally:
        con.close()
    return (f"{where} {hit[0]}", hit[1]) if hit else ("", "")


def check_values(con: duckdb.DuckDBPyConnection, source: SourceFile, file_columns: list[str], settings: Settings) -> None:
    """Refuse non-finite numbers and values outside each numeric column's possible range. Each column's
    min and max are enough (NaN sorts above every number in DuckDB, so it shows as the max): 0.1 s for
    every table at scale 0.1, where counting the values outside took 7 s. The file is read again only to
    name the line of a refused value."""
    columns = [c for c in source.spec.columns if c.numeric]
    if not columns:
        return
    extremes = con.execute(
        f"SELECT {', '.join(f'min({_quote(c.name)}), max({_quote(c.name)})' for c in columns)} FROM {source.spec.table}"
    ).fetchone()
    bad = next(
        (
            c
            for i, c in enumerate(columns)
            if extremes[2 * i] is not None and not (c.low <= extremes[2 * i] and extremes[2 * i + 1] <= c.high)
        ),
        None,
    )
    if bad is None:
        return
    outside = _out_of_range(bad)
    first = con.execute(f"SELECT {_quote(bad.name)} FROM {source.spec.table} WHERE {outside} LIMIT 1").fetchone()[0]
    n = con.execute(f"SELECT count(*) FROM {source.spec.table} WHERE {outside}").fetchone()[0]
    where, text = first_bad_row(source, file_columns, bad.name, outside, settings)
    place = f"{source.name} {where}" if where else source.name
    more = f" ({n:,} such values)" if n > 1 else ""
    raise ScoringError(f"{place}, column {bad.name}: {text or first} {_value_problem(bad, float(first))}{more}")


def load_file(con: duckdb.DuckDBPyConnection, source: SourceFile, file_columns: list[str], settings: Settings) -> int:
    """Create the table from the file, columns in the schema's order and types; return its row count.
    A damaged .csv.gz is refused as such, even when the cut made DuckDB fail first on a broken line."""
    spec = source.spec
    if source.fmt == "parquet":
        select = ", ".join(
            _integer_select(c.name, as_double=True)
            if c.sql_type == "BIGINT"
            else f"CAST({_quote(c.name)} AS {c.sql_type}) AS {_quote(c.name)}"
            for c in spec.columns
        )
        relation = f"read_parquet({_literal(source.path)})"
    else:
        select = ", ".join(_integer_select(c.name) if c.sql_type == "BIGINT" else _quote(c.name) for c in spec.columns)
        relation = _csv_relation(source, file_columns)
    sql = f"CREATE TABLE {spec.table} AS SELECT {select} FROM {relation}"
    check = _GzipCheck(source) if source.fmt == "csv.gz" else None
    try:
        with _watching(con, source):
            con.execute(sql)
    except duckdb.InterruptException:
        if check:
            check.cancel()
        raise
    except duckdb.Error as exc:
        if check and (damaged := check.result()):
            raise damaged from None
        if source.fmt == "parquet":
            raise parquet_error(source, con, exc) from None
        raise value_error(source, file_columns, exc, settings) or csv_error(source, exc) from None
    except BaseException:
        if check:
            check.cancel()
        raise
    if check and (damaged := check.result()):
        raise damaged
    return con.execute(f"SELECT count(*) FROM {spec.table}").fetchone()[0]


def value_error(source: SourceFile, file_columns: list[str], exc: duckdb.Error, settings: Settings) -> ScoringError | None:
    """The load's own checks (_integer_select) stop it without a line number: find the line."""
    msg = str(exc)
    if hit := _NOT_FINITE.search(msg):
        what, condition = "is not a finite number", "NOT isfinite({q})"
    elif hit := _NOT_WHOLE.search(msg):
        what, condition = "is not an integer (no decimals expected)", "isfinite({q}) AND {q} <> trunc({q})"
    else:
        return None
    column, value = hit.groups()
    where, _ = first_bad_row(source, file_columns, column, condition.format(q=_quote(column)), settings)
    place = f"{source.name} {where}" if where else source.name
    return ScoringError(f"{place}, column {column}: {value} {what}")


class _watching:
    """Print how far DuckDB has read a big file, every few seconds, while it loads."""

    def __init__(self, con: duckdb.DuckDBPyConnection, source: SourceFile, every: float = 2.0) -> None:
        self.con, self.source, self.every = con, source, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> None:
        self._thread.start()

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                done = self.con.query_progress()
            except duckdb.Error:
                return
            if done >= 0:
                log(f"ingest {self.source.spec.table}: {done:.0f}% of {self.source.name} read")


def check_keys(con: duckdb.DuckDBPyConnection, source: SourceFile) -> None:
    """Reject empty or repeated primary keys.

    Keys are dense integers, so the fast check packs each key into one number and sets its bit in a
    bitmap: as many bits set as rows means no repeats (0.3 s for bureau_balance's 27 million rows,
    where a GROUP BY takes 2.5 s). The GROUP BY runs only to name the repeated value.
    """
    spec = source.spec
    key = spec.primary_key
    if not key:
        return
    cols = [_quote(k) for k in key]
    stats = con.execute(
        f"SELECT count(*), {', '.join(f'count({c}), min({c}), max({c})' for c in cols)} FROM {spec.table}"
    ).fetchone()
    rows, per_col = stats[0], [stats[1 + 3 * i : 4 + 3 * i] for i in range(len(key))]
    for name, (filled, _, _) in zip(key, per_col):
        if filled < rows:
            raise ScoringError(f"{source.name}: column {name} is empty in {rows - filled:,} row(s); it is the key")
    if rows == 0:
        return
    integer_key = all(c.sql_type == "BIGINT" for c in spec.columns if c.name in key)
    span = 1
    for _, low, high in per_col:
        span *= int(high) - int(low) + 1 if integer_key else 0
    if 0 < span <= BITMAP_BITS:
        packed, stride = [], 1
        for c, (_, low, high) in reversed(list(zip(cols, per_col))):
            packed.append(f"({c} - ({low})) * {stride}")
            stride *= int(high) - int(low) + 1
        distinct = con.execute(
            f"SELECT bit_count(bitstring_agg({' + '.join(packed)}, 0, {span - 1})) FROM {spec.table}"
        ).fetchone()[0]
        if distinct == rows:
            return
    row = con.execute(f"SELECT {', '.join(cols)}, count(*) FROM {spec.table} GROUP BY ALL HAVING count(*) > 1 LIMIT 1").fetchone()
    if row is None:
        return
    values, count = row[:-1], row[-1]
    if len(key) == 1:
        raise ScoringError(f"{source.name}: duplicate {key[0]} {values[0]} ({count} rows)")
    shown = ", ".join(f"{k}={v}" for k, v in zip(key, values))
    raise ScoringError(f"{source.name}: duplicate key {shown} ({count} rows)")


def check_train_test_disjoint(con: duckdb.DuckDBPyConnection, sources: dict[str, SourceFile]) -> None:
    row = con.execute(
        "SELECT SK_ID_CURR FROM application_train INTERSECT SELECT SK_ID_CURR FROM application_test LIMIT 1"
    ).fetchone()
    if row:
        train, test = sources["application_train"].name, sources["application_test"].name
        raise ScoringError(f"{test}: SK_ID_CURR {row[0]} is also in {train}; an applicant is in one or the other")


def create_empty(con: duckdb.DuckDBPyConnection, spec: KaggleFile) -> None:
    columns = ", ".join(f"{_quote(c.name)} {c.sql_type}" for c in spec.columns)
    con.execute(f"CREATE TABLE {spec.table} ({columns})")


def comment_raw_columns(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Each raw table's comment names its Kaggle file; each column's is Kaggle's description
    (duckdb_columns().comment), for analysts who query raw.duckdb. One transaction: ~0.1 s."""
    described = column_descriptions()
    specs = {spec.table: spec for spec in SPECS}
    con.execute("BEGIN")
    for table in tables:
        doc = TABLE_DOCS.get(table, "Kaggle's sample submission.")
        con.execute(f"COMMENT ON TABLE {table} IS {sql_literal(f'{specs[table].name}.csv as ingested: {doc}')}")
        for column in specs[table].columns:
            # sample_submission's two columns are the applications' (id, and the target to predict)
            text = described.get((table, column.name)) or described.get(("application_train", column.name))
            if text:
                con.execute(f"COMMENT ON COLUMN {table}.{_quote(column.name)} IS {sql_literal(text)}")
    con.execute("COMMIT")


def write_log(con: duckdb.DuckDBPyConnection, entries: list[tuple]) -> None:
    con.execute(
        'CREATE TABLE _ingest_log (file VARCHAR, "table" VARCHAR, rows BIGINT, bytes BIGINT, '
        "format VARCHAR, ingested_at TIMESTAMPTZ)"
    )
    con.executemany("INSERT INTO _ingest_log VALUES (?, ?, ?, ?, ?, ?)", entries)
    con.execute(
        "COMMENT ON TABLE _ingest_log IS 'One row per raw table of this ingest: the file it came from and its rows.';"
        "COMMENT ON COLUMN _ingest_log.file IS 'The file read (absolute path); NULL for an optional table made empty';"
        "COMMENT ON COLUMN _ingest_log.\"table\" IS 'The raw table written';"
        "COMMENT ON COLUMN _ingest_log.rows IS 'Rows loaded';"
        "COMMENT ON COLUMN _ingest_log.bytes IS 'Size of the file in bytes (compressed size for .csv.gz)';"
        "COMMENT ON COLUMN _ingest_log.format IS 'csv, csv.gz or parquet';"
        "COMMENT ON COLUMN _ingest_log.ingested_at IS 'When this ingest started (UTC)'"
    )


# --- the step --------------------------------------------------------------------------------------


def ingest(directory: Path, settings: Settings) -> IngestReport:
    """Validate the Kaggle files in `directory` and publish them as raw tables in `settings.raw_db`."""
    directory = Path(directory)
    sources, notices = discover(directory)
    for notice in notices:
        log(notice)
    with writer_lock(settings), _interruptible():
        # Scratch files of an ingest killed before it could clean up (kill -9, power cut).
        remove_leftovers(settings.raw_db)
        report = _load_all(directory, settings, sources)
    log(report.summary())
    return report


@contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C or `kill` stop the load as KeyboardInterrupt, so building() removes its scratch file."""
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if in_main else None
    if in_main:
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    except (RuntimeError, duckdb.Error) as exc:
        # DuckDB turns a signal caught mid-query into this error and swallows the KeyboardInterrupt.
        if "interrupted" in str(exc).lower():
            raise KeyboardInterrupt from None
        raise
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _load_all(directory: Path, settings: Settings, sources: dict[str, SourceFile]) -> IngestReport:
    started = time.perf_counter()
    now = datetime.now(UTC)
    tables: dict[str, int] = {}
    entries: list[tuple] = []
    warnings: list[str] = []
    with building(settings.raw_db, settings) as con:
        # Progress is tracked for _watching, but DuckDB's own bar stays off (stderr is ours).
        con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
        # Rows need not keep the file's order (every table has keys); letting the two threads append
        # freely writes row groups as they fill instead of at the checkpoint: about 25% less time.
        con.execute("SET preserve_insertion_order = false")
        # Every header first: a wrong column is reported in a second, not after loading 2 GB.
        file_columns: dict[str, list[str]] = {}
        for table, source in sources.items():
            header, has_rows = parquet_header(source, con) if source.fmt == "parquet" else csv_header(source)
            file_columns[table] = match_columns(source, header)
            if not has_rows and source.spec.required:
                raise ScoringError(f"{source.name}: no rows after the header")
        for spec in SPECS:
            source = sources.get(spec.table)
            if source is None:
                if spec is FILES["application_test"]:
                    create_empty(con, spec)  # optional, but the table always exists
                    tables[spec.table] = 0
                    entries.append((None, spec.table, 0, None, None, now))
                    warnings.append(
                        f"no application_test file in {directory}: 0 new applications (only historical clients will be scored)"
                    )
                continue
            progress = Progress(f"ingest {spec.table}")
            rows = load_file(con, source, file_columns[spec.table], settings)
            check_keys(con, source)
            check_values(con, source, file_columns[spec.table], settings)
            if spec.table == "application_test":
                check_train_test_disjoint(con, sources)
            progress.rows = rows
            progress.done(f"{source.name}, {source.path.stat().st_size / 1e6:,.1f} MB")
            tables[spec.table] = rows
            entries.append((str(source.path.resolve()), spec.table, rows, source.path.stat().st_size, source.fmt, now))
        comment_raw_columns(con, list(tables))
        write_log(con, entries)
    return IngestReport(
        settings.raw_db, tables, time.perf_counter() - started, {t: s.path for t, s in sources.items()}, tuple(warnings)
    )
