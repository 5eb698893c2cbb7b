"""Reading entries of a zip archive, including Zstandard-compressed ones.

Inspect AI writes `.eval` logs as zip archives; current versions compress each entry with Zstandard
(zip method 93), which Python's `zipfile` reads only from 3.14 on. Older logs use deflate, which it
reads everywhere. For method 93 on older Pythons the entry's raw bytes are located from its local
header and decompressed with the `zstandard` package (the library Inspect itself uses); the CRC-32 in
the archive is checked either way.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from typing import Any

ZIP_ZSTANDARD = 93
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"


class ZipEntryError(ValueError):
    """An entry that cannot be read (corrupt, unsupported compression, bad checksum)."""


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The decompressed bytes of one entry."""
    if info.compress_type != ZIP_ZSTANDARD or sys.version_info >= (3, 14):
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, NotImplementedError, zlib.error, EOFError, OSError) as e:
            raise ZipEntryError(f"cannot be read: {e}") from None
    raw = _raw_bytes(archive, info)
    data = _zstd_decompress(raw)
    if zlib.crc32(data) != info.CRC:
        raise ZipEntryError("is corrupt (CRC-32 mismatch)")
    return data


def _raw_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    handle: Any = archive.fp
    if handle is None:
        raise ZipEntryError("cannot be read: the archive is closed")
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size:
        raise ZipEntryError("is truncated (no local header)")
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE:
        raise ZipEntryError("has a bad local header")
    name_len, extra_len = fields[-2], fields[-1]
    handle.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
    raw: bytes = handle.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise ZipEntryError("is truncated")
    return raw


def _zstd_decompress(raw: bytes) -> bytes:
    try:
        import zstandard
    except ImportError:  # pragma: no cover - a runtime dependency below Python 3.14
        raise ZipEntryError(
            "is Zstandard-compressed (Inspect AI's default); install the 'zstandard' package to read it") from None
    try:
        # Inspect writes several frames for large entries; the reader reads across them.
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw), read_across_frames=True) as reader:
            return bytes(reader.read())
    except zstandard.ZstdError as e:
        raise ZipEntryError(f"cannot be decompressed: {e}") from None
