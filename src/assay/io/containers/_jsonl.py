"""Streaming JSON Lines reader: the import hot path.

The loop reads the file in binary chunks, splits each on b"\\n" only (never splitlines(), which
also breaks on U+2028 inside strings) and hands each line to orjson. Everything unusual (blank
lines, bad lines, BOMs in the middle) is discovered by the parse failing, so normal lines pay for
the parse, one SourceRecord and their share of a C-level scan of the chunk for >64-bit integers.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import orjson

from ._detect import BOM
from ._jsonerrors import BIG_INT, describe_line_error, has_huge_float, not_object, oddity
from ._record import RecordSource, SourceRecord

CHUNK_SIZE = 1 << 18  # fits in L2 with its split lines; measured faster than 64 KiB or 1 MiB

# orjson >= 3.11 quietly parses integers outside [-2**63, 2**64) as floats. Such a number is at least
# 20 characters of [-0-9], so two consecutive bytes of a 1-in-10 sample fall on it: a C-level test on
# that sample clears most chunks (stride 10 measured cheaper than 4 or 8: fewer bytes to translate,
# and a 10-digit timestamp can never hit). The sample's hits (mostly ordinary floats, whose '.' the
# sample stepped over) are checked all at once in C on small windows; only windows holding a real
# 20-digit run reach the regex, and only their lines get the careful parse.
_SAMPLE_TABLE = bytes.maketrans(b"0123456789-", b"0" * 11)
_DIGIT_TABLE = bytes.maketrans(b"0123456789", b"0" * 10)
_STRIDE = 10
_SAMPLE_RUN = b"00"  # 20 // _STRIDE samples: a 20-character run always holds this many in a row
_DIGITS_20 = b"0" * 20
_MINUS_19 = b"-" + b"0" * 19
_LONG_NUMBER = re.compile(rb"[0-9]{20}|-[0-9]{19}")
_JUNCTION = 20
_BEFORE, _AFTER = 20, (len(_SAMPLE_RUN) - 1) * _STRIDE + 20


def suspect_positions(chunk: bytes, previous_tail: bytes) -> list[int]:
    """Offsets in ``chunk`` of digit runs long enough to be a >64-bit integer (0 for a run that
    straddles the start of the chunk). May include runs inside strings or fractions: callers check."""
    hits: list[int] = []
    if previous_tail:
        junction = previous_tail + chunk[:_JUNCTION]
        for run in _LONG_NUMBER.finditer(junction):
            if run.start() < len(previous_tail) < run.end():
                hits.append(0)
                break
    sample = chunk[::_STRIDE].translate(_SAMPLE_TABLE)
    if _SAMPLE_RUN not in sample:
        return hits
    starts: list[int] = []
    offset = 0
    for piece in sample.split(_SAMPLE_RUN)[:-1]:
        offset += len(piece)
        starts.append(offset * _STRIDE)
        offset += len(_SAMPLE_RUN)
    windows = b"|".join([chunk[max(0, p - _BEFORE) : p + _AFTER] for p in starts]).translate(_DIGIT_TABLE)
    if _DIGITS_20 not in windows and _MINUS_19 not in windows:
        return hits
    for p in starts:
        hits.extend(run.start() for run in _LONG_NUMBER.finditer(chunk, max(0, p - _BEFORE), p + _AFTER))
    return hits


class JsonlSource(RecordSource):
    def __init__(self, path: Path) -> None:
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - owned by the source, closed in _release
        try:
            total = os.fstat(self._file.fileno()).st_size
        except BaseException:
            self._file.close()
            raise
        super().__init__(path, "jsonl", location="line", total=total)

    def _release(self) -> None:
        self._file.close()

    def _records(self) -> Iterator[SourceRecord]:
        read = self._file.read
        lineno = 0
        parts: list[bytes] = []  # the unfinished last line, possibly spanning several chunks
        parts_suspect = False
        tail = b""
        consumed = 0
        chunk = read(CHUNK_SIZE)
        if chunk.startswith(BOM):
            consumed = len(BOM)
            chunk = chunk[len(BOM) :]
        while chunk:
            consumed += len(chunk)
            self.progress = consumed
            suspects = suspect_positions(chunk, tail)
            tail = chunk[-_JUNCTION:] if len(chunk) >= _JUNCTION else (tail + chunk)[-_JUNCTION:]
            lines = chunk.split(b"\n")
            if len(lines) == 1:
                parts.append(chunk)
                parts_suspect = parts_suspect or bool(suspects)
                chunk = read(CHUNK_SIZE)
                continue
            if parts:
                parts.append(lines[0])
                lines[0] = b"".join(parts)
            last = lines.pop()
            parts = [last] if last else []
            if suspects or parts_suspect:
                flagged = {chunk.count(b"\n", 0, p) for p in suspects}
                if parts_suspect:
                    flagged.add(0)
                parts_suspect = len(lines) in flagged
                done = 0
                for index in sorted(flagged):
                    if index < len(lines):
                        yield from self._fast(lines[done:index], lineno + done)
                        yield from self._careful(lines[index], lineno + index + 1)
                        done = index + 1
                yield from self._fast(lines[done:] if done else lines, lineno + done)
            else:
                yield from self._fast(lines, lineno)
            lineno += len(lines)
            chunk = read(CHUNK_SIZE)
        if parts:
            last_line = b"".join(parts)
            if parts_suspect:
                yield from self._careful(last_line, lineno + 1)
            else:
                yield from self._fast([last_line], lineno)

    def _fast(self, lines: list[bytes], lineno: int) -> Iterator[SourceRecord]:
        loads = orjson.loads
        decode_error = orjson.JSONDecodeError
        record = SourceRecord
        for line in lines:
            lineno += 1
            try:
                value = loads(line)
            except decode_error as e:
                bad = _bad_line(line, lineno, e)
                if bad is not None:
                    yield bad
                continue
            if type(value) is dict:
                yield record(lineno, value)
            else:
                yield record(lineno, None, not_object(value))

    def _careful(self, line: bytes, lineno: int) -> Iterator[SourceRecord]:
        """One line that may hold an integer orjson silently turned into a float."""
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as e:
            bad = _bad_line(line, lineno, e)
            if bad is not None:
                yield bad
            return
        if type(value) is not dict:
            yield SourceRecord(lineno, None, not_object(value))
            return
        if has_huge_float(value):
            try:
                reason = oddity(json.loads(line))
            except (ValueError, RecursionError):  # nesting the stdlib cannot follow: trust orjson
                reason = None
            if reason is not None and reason[0] == BIG_INT:
                yield SourceRecord(lineno, None, reason[0], reason[1])
                return
        yield SourceRecord(lineno, value)


def _bad_line(line: bytes, lineno: int, exc: orjson.JSONDecodeError) -> SourceRecord | None:
    """The error record for a line orjson rejected, or None for a blank line (skipped)."""
    if not line.strip():
        return None
    if line.startswith(BOM):
        # Files joined with `cat` carry a BOM at the start of each part.
        line = line[len(BOM) :]
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as e:
            exc = e
        else:
            if type(value) is dict:
                return SourceRecord(lineno, value)
            return SourceRecord(lineno, None, not_object(value))
    message, field = describe_line_error(line, exc)
    return SourceRecord(lineno, None, message, field)
