"""Reading an import's rows: parsed, checked and hashed, and, for rows that will be new records, their model
values and linkage terms worked out, in reader processes that run ahead of the writer (issue 14).

Everything done here is a pure function of the row (no database): the writer, in the calling process, only
looks the rows up, writes them and reports progress. A large list is read by forked processes (``readers``:
two, on a machine of two cores or more), each taking every other block of the file and feeding the writer
through a bounded queue of its own (``PARALLEL_MIN_ROWS``); the writer takes the blocks from the queues in
turn, so the rows keep the file's order. Parsing, hashing and working out the keys of the coming blocks run
beside the writing of the previous ones. A small list is read in this process, where starting processes would
cost more than it saves. Both paths yield the same rows.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
from collections.abc import Callable, Iterator
from typing import NamedTuple

from doantu.linkage.engine import can_fork, default_signals
from doantu.linkage.records import prepare

from .imports import KINDS, ListKind, ParsedRow, content_hash, read_table
from .matching import MARTYR, grave_record_of, linkage_terms, martyr_record_of

# Rows in a file from which the reader runs in its own process. A fork, its queue and its feeder thread cost
# tens of milliseconds, and rows cross the queue pickled (about 10 µs a row, measured with bench/import_registry.py),
# against about 150 µs a row of parsing and deriving moved off the writer; below a few thousand rows an import
# is quick either way. 20,000 keeps every list of a district or a cemetery in one process.
PARALLEL_MIN_ROWS = 20_000
MESSAGE_ROWS = 1000  # rows per message on the queue
QUEUE_MESSAGES = 20  # messages the readers together may run ahead: 20,000 rows, four of the writer's chunks
# Reader processes for a large file, each taking every READERS-th block of MESSAGE_ROWS lines. Reading (parsing,
# checking, hashing, working out keys) was the longest of an import's three streams of work (issue 14, a first
# import of 1,000,000 rows: the reader 128 s of CPU, this process 87 s, the database server 71 s; this process
# waited on the reader's queue), so it is split in two, to run on both cores beside the writer and the server.
# Each reader also reads past the other's lines (the CSV module's work only, no parsing of the cells). Never
# more than the machine's cores (``readers``).
READERS = 2
POLL_SECONDS = 5.0  # how often the writer, waiting for rows, checks that the reader is still alive

_RECORD_OF = {MARTYR: martyr_record_of}


def readers() -> int:
    return max(1, min(READERS, os.cpu_count() or 1))


def derive(spec: ListKind, values: dict[str, str]) -> tuple[dict, list[str], list[tuple[str, str]]]:
    """(model values, linkage keys, frequency counters) of a checked row, as a new record."""
    model_values = spec.values(values)
    record = _RECORD_OF.get(spec.index_kind, grave_record_of)(model_values)
    keys, items = linkage_terms(spec.index_kind, prepare(record))
    return model_values, keys, items


class Unchanged(NamedTuple):
    """What the reader sends for a row whose digest is the one its record stored (``stored``): the row as it was
    last imported into a record not changed since. The writer counts it and checks its id is not repeated; the
    row's values never cross the queue and are never looked up."""

    number: int
    external_id: str


def _row_reader(
    kind: str,
    mapping: dict[str, int],
    defaults: dict[str, str],
    stored: dict[str, bytes] | None = None,
    derive_new: bool = False,
) -> Callable[[int, list], ParsedRow | Unchanged | None]:
    """What becomes of one line of the file (its number, its cells): parsed and checked; a row without errors
    carries its digest; None for an empty line. When ``stored`` (the list's ids and the digests their records
    keep, read when the pass began) is given, a row whose id is not among them is marked new and keeps only
    its id in ``values`` (when ``derive_new``, it carries its digest and derived values; else, in a dry run,
    nothing more is needed of it), and a row whose digest is its record's comes as ``Unchanged``."""
    spec = KINDS[kind]

    def read(number: int, cells: list) -> ParsedRow | Unchanged | None:
        if not any(str(c).strip() for c in cells):
            return None
        row = spec.parse_cells(number, cells, mapping, defaults)
        if row.errors:
            return row
        have = None
        if stored is not None and not row.system_id:
            external_id = row.values["external_id"]
            have = stored.get(external_id)
            if have is None:
                # a new record: the dry run needs only its id (to tell one repeated); the import its digest
                # and derived values, not its columns (they are in the model values). Fewer objects to pickle
                # here and unpickle there (measured on 20,000 rows of bench/make_registry.py --seed 1,
                # messages of 1,000: unpickling 33 -> 15 µs a row)
                row.new = True
                if derive_new:
                    row.digest = content_hash(row.values)
                    row.derived = derive(spec, row.values)
                row.values = {"external_id": external_id}
                return row
        row.digest = content_hash(row.values)
        if have is not None and have == bytes.fromhex(row.digest):
            return Unchanged(number, row.values["external_id"])
        return row

    return read


def _blocks(
    path, original_name: str, encoding: str, *how, share: int = 0, count: int = 1
) -> Iterator[list[ParsedRow | Unchanged]]:
    """The rows (``_row_reader``'s, ``how`` its arguments) of the file's blocks of ``MESSAGE_ROWS`` lines numbered
    ``share`` modulo ``count``, each block's as one list (empty if it has none); the other blocks are only read
    past (the table module's work, no parsing of their cells)."""
    read = _row_reader(*how)
    _headers, table = read_table(path, original_name, encoding)
    try:
        lines = enumerate(table, start=2)  # line 1 holds the headers
        for block in itertools.count():
            part = list(itertools.islice(lines, MESSAGE_ROWS))
            if not part:
                return
            if block % count == share:
                yield [row for number, cells in part if (row := read(number, cells)) is not None]
    finally:
        table.close()


def rows(*args) -> Iterator[ParsedRow | Unchanged]:
    """The file's rows, read in this process (every block of ``_blocks``, whose arguments these are)."""
    for part in _blocks(*args):
        yield from part


def _reader(out, args, share: int, count: int) -> None:
    """One reader process: the rows of its share of the file's blocks (``_blocks``), each block as one message,
    then ``("done", None)``; or ``("error", exc)``."""
    default_signals()  # a task worker's SIGTERM handler must not keep the reader alive after terminate()
    writer = os.getppid()

    def put(message) -> None:
        while True:
            try:
                out.put(message, timeout=POLL_SECONDS)
                return
            except queue.Full:
                if os.getppid() != writer:  # the writer was killed: nobody will read the rest
                    os._exit(1)

    try:
        for part in _blocks(*args, share=share, count=count):
            put(("rows", part))
        put(("done", None))
    except Exception as exc:  # told to the writer, which raises it in its own process
        put(("error", exc))
    out.close()
    out.join_thread()


def parsed_rows(
    path, batch, stored_of: Callable[[], dict[str, bytes]] | None, derive_new: bool, parallel: bool
) -> Iterator[ParsedRow | Unchanged]:
    """``rows`` of an import batch's file, read in a reader process when ``parallel``; ``stored_of`` gives
    the list's stored digests (``rows``'s ``stored``), read here just before the reader starts."""
    args = [
        path,
        batch.original_name,
        batch.encoding,
        batch.kind,
        {k: int(v) for k, v in batch.mapping.items()},
        batch.defaults,
        stored_of() if stored_of is not None else None,
        derive_new,
    ]
    if not parallel or not can_fork():  # a process running other threads reads in-process (see can_fork)
        yield from rows(*args)
        return
    # fork: the readers start with this process's modules and caches, and never touch its database connection
    # (they only read the file); each ends with os._exit, so nothing of the parent is closed either.
    ctx = multiprocessing.get_context("fork")
    count = readers()
    queues = [ctx.Queue(maxsize=max(2, QUEUE_MESSAGES // count)) for _ in range(count)]
    processes = [
        ctx.Process(target=_reader, args=(q, args, i, count), name="import-reader", daemon=True)
        for i, q in enumerate(queues)
    ]
    for process in processes:
        process.start()
    # the readers have their copy of the stored digests (about 160 MB for 1,000,000 records): this process
    # lets go of its own
    args = stored_of = None
    try:
        for block in itertools.count():  # block b comes from reader b modulo count: the file's order
            messages, reader = queues[block % count], processes[block % count]
            while True:
                try:
                    what, payload = messages.get(timeout=POLL_SECONDS)
                    break
                except queue.Empty:
                    if not reader.is_alive():
                        raise RuntimeError(
                            f"the import's reader process stopped (exit code {reader.exitcode})"
                        ) from None
            if what == "rows":
                yield from payload
            elif what == "error":
                raise payload
            else:  # the file ended before this block: every reader is done
                break
    finally:
        for reader in processes:
            if reader.is_alive():
                reader.terminate()  # the writer stopped early (an error): the readers' rows are not wanted
            reader.join()
        for messages in queues:
            messages.close()
            messages.join_thread()
