"""Volunteer pools in files that every web process maps without copying.

A pool of 1,000,000 volunteers takes 20-30 s to build and a few hundred MB of numpy
columns. With ``MATCHING_POOL_DIR`` set, :func:`matching.loaders.cached_volunteer_pool`
builds it once per organisation and version (the first process, under a file lock),
writes it here, and every process maps the file read-only: the pages live once in the
operating system's page cache, whatever the number of processes, and a new process has
its pool in a fraction of a second. Patches (item 2 of issue #12) stay per process:
:meth:`~matching.engine.spatial.VolunteerPool.patched` copies only the columns it
changes. Several machines: each keeps its own files; the version is in the database.

One file per organisation and pool version, ``<organisation>-<version>.pool``::

    magic (8 bytes) | format (u32) | header length (u32) | header CRC-32 (u32) | 0 (u32)
    header: JSON (organisation, version, meta, the array table, data length and CRC-32)
    data: every array, C order, each at a 64-byte aligned offset from the data start

A file is written to a temporary name in the same folder, flushed to disk and renamed
(atomic), so a reader never sees half a file. A file that is cut short, has a bad
checksum, a foreign magic or format, or arrays that do not fit together raises
:class:`PoolFileError`; the loader then builds the pool from the database again and
writes the file anew.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import mmap
import os
import re
import struct
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from matching.engine import VolunteerPool

__all__ = [
    "FORMAT",
    "PoolFileError",
    "pool_file_lock",
    "pool_file_map",
    "pool_file_newest",
    "pool_file_path",
    "pool_file_versions",
    "pool_file_write",
    "pool_files_prune",
]

logger = logging.getLogger(__name__)

MAGIC = b"BMPOOL\x00\x01"
FORMAT = 1
_PRELUDE = struct.Struct("<8sIIII")
_ALIGN = 64
_NAME = re.compile(r"^(\d+)-(\d+)\.pool$")
_CHUNK = 1 << 24  # checksum in 16 MB steps (no second copy of the data)


class PoolFileError(Exception):
    """A pool file that cannot be used (missing, cut short, corrupt, another format)."""


def pool_file_path(folder: Path, organisation_id: int, version: int) -> Path:
    return Path(folder) / f"{int(organisation_id)}-{int(version)}.pool"


def _aligned(n: int) -> int:
    return -(-n // _ALIGN) * _ALIGN


def _crc(buffer, crc: int = 0) -> int:
    view = memoryview(buffer).cast("B")
    for start in range(0, len(view), _CHUNK):
        crc = zlib.crc32(view[start : start + _CHUNK], crc)
    return crc


def pool_file_write(folder: Path, *, organisation_id: int, version: int, pool: VolunteerPool) -> Path:
    """Write ``pool`` as the file of ``organisation_id`` at ``version`` (atomically: a
    temporary file renamed over the final name) and return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays, meta = pool.stored()
    table = []
    offset = 0
    crc = 0
    parts = []
    for name, array in arrays.items():
        data = np.ascontiguousarray(array)
        table.append([name, data.dtype.str, list(data.shape), offset])
        crc = _crc(data, crc) if data.nbytes else crc
        gap = _aligned(data.nbytes) - data.nbytes
        if gap:
            crc = zlib.crc32(b"\0" * gap, crc)
        parts.append((data, gap))
        offset += data.nbytes + gap
    header = json.dumps(
        {
            "organisation": int(organisation_id),
            "version": int(version),
            "meta": meta,
            "arrays": table,
            "data_length": offset,
            "data_crc32": crc,
        },
        separators=(",", ":"),
    ).encode()
    prelude = _PRELUDE.pack(MAGIC, FORMAT, len(header), zlib.crc32(header), 0)
    head = prelude + header
    head += b"\0" * (_aligned(len(head)) - len(head))
    target = pool_file_path(folder, organisation_id, version)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(head)
            for data, gap in parts:
                if data.nbytes:
                    out.write(memoryview(data).cast("B"))
                if gap:
                    out.write(b"\0" * gap)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def pool_file_map(path: Path, *, organisation_id: int | None = None, verify: bool = True) -> tuple[int, VolunteerPool]:
    """The pool in ``path``, its columns mapped read-only from the file (shared with every
    process that maps it), and its version. ``verify`` checks the data's CRC-32 (reads
    every page once: about 0.1 s per 100 MB). Raises :class:`PoolFileError`."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size < _PRELUDE.size:
                raise PoolFileError(f"{path}: cut short")
            buffer = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except OSError as error:
        raise PoolFileError(f"{path}: {error}") from error
    try:
        magic, fmt, header_len, header_crc, _ = _PRELUDE.unpack_from(buffer, 0)
        if magic != MAGIC or fmt != FORMAT:
            raise PoolFileError(f"{path}: not a pool file of format {FORMAT}")
        end = _PRELUDE.size + header_len
        if end > size:
            raise PoolFileError(f"{path}: cut short")
        raw = buffer[_PRELUDE.size : end]
        if zlib.crc32(raw) != header_crc:
            raise PoolFileError(f"{path}: header checksum")
        header = json.loads(raw)
        start = _aligned(end)
        length = int(header["data_length"])
        if start + length != size:
            raise PoolFileError(f"{path}: {size} bytes, expected {start + length}")
        if organisation_id is not None and header["organisation"] != organisation_id:
            raise PoolFileError(f"{path}: another organisation's pool")
        if verify and _crc(memoryview(buffer)[start : start + length]) != header["data_crc32"]:
            raise PoolFileError(f"{path}: data checksum")
        arrays = {}
        for name, dtype, shape, offset in header["arrays"]:
            dtype = np.dtype(dtype)
            if dtype.hasobject:
                raise PoolFileError(f"{path}: object array {name}")
            count = int(np.prod(shape, dtype=np.int64))
            if offset < 0 or offset + count * dtype.itemsize > length:
                raise PoolFileError(f"{path}: array {name} outside the data")
            arrays[name] = np.frombuffer(buffer, dtype=dtype, count=count, offset=start + offset).reshape(shape)
        pool = VolunteerPool.from_stored(arrays, header["meta"])
        return int(header["version"]), pool
    except PoolFileError:
        raise
    except (KeyError, TypeError, ValueError, struct.error) as error:
        raise PoolFileError(f"{path}: {error}") from error


def _versions(folder: Path, organisation_id: int) -> list[tuple[int, Path]]:
    try:
        names = os.listdir(folder)
    except OSError:  # missing, not a folder, not readable: no files
        return []
    found = []
    for name in names:
        m = _NAME.match(name)
        if m and int(m.group(1)) == organisation_id:
            found.append((int(m.group(2)), Path(folder) / name))
    return sorted(found, reverse=True)


def pool_file_newest(
    folder: Path, *, organisation_id: int, max_version: int, verify: bool = True
) -> tuple[int, VolunteerPool] | None:
    """The newest usable pool file of the organisation at a version not after
    ``max_version``, mapped (:func:`pool_file_map`); ``None`` when there is none. Files
    that cannot be used are logged and skipped (the next write replaces them)."""
    for version, path in _versions(Path(folder), organisation_id):
        if version > max_version:
            continue
        try:
            return pool_file_map(path, organisation_id=organisation_id, verify=verify)
        except PoolFileError as error:
            logger.warning("matching pool file skipped: %s", error)
    return None


def pool_files_prune(folder: Path, *, organisation_id: int, keep_version: int) -> None:
    """Remove the organisation's files older than ``keep_version`` (processes that mapped
    one keep their mapping: on POSIX a removed file lives on until it is unmapped)."""
    for version, path in _versions(Path(folder), organisation_id):
        if version < keep_version:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def pool_file_versions(folder: Path, *, organisation_id: int) -> list[int]:
    """The versions of the organisation's files, newest first (usable or not)."""
    return [version for version, _ in _versions(Path(folder), organisation_id)]


@contextlib.contextmanager
def pool_file_lock(folder: Path, organisation_id: int, *, wait: bool = True) -> Iterator[bool]:
    """An exclusive lock (``flock``) on the organisation's lock file, so that one process
    builds and writes while the others wait and then map what it wrote. Yields whether
    the lock is held (always, unless ``wait=False`` and another process holds it)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{int(organisation_id)}.lock", "a+b") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
