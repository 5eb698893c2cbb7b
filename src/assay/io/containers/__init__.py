"""Record containers: streaming readers and writers for JSONL, JSON, CSV, TSV, Parquet and XLSX.

A record is a ``dict[str, Any]``. Readers yield `SourceRecord` (bad records carry an error and their
location instead of data); writers take mappings and publish the file only when closed cleanly.
Mapping records to items is the schema layer's job (`assay.io.schemas`), not this one's.
"""

from ._detect import CONTAINERS, detect_container
from ._errors import ContainerError
from ._record import RecordSource, SourceRecord
from ._sources import open_source
from ._writer import RecordWriter
from ._writers import open_writer

__all__ = [
    "CONTAINERS",
    "ContainerError",
    "RecordSource",
    "RecordWriter",
    "SourceRecord",
    "detect_container",
    "open_source",
    "open_writer",
]
