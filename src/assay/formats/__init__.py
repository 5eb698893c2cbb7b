"""Training formats in and out: canonical training records and every record schema the field uses.

Each schema (``openai-chat``, ``sharegpt``, ``trl-preference``, ``ultrafeedback``, ``label-studio``…)
has a reader (raw dict -> canonical record, `RecordError` naming the field) and a writer (canonical
record -> raw dicts), independent of the container, so every schema works with JSONL, JSON, CSV,
TSV, Parquet, XLSX and Hugging Face ``save_to_disk`` directories.

    from assay.formats import read_records, write_records
    pairs = [r for r in read_records("hh.jsonl") if not isinstance(r, BadRecord)]
    write_records(pairs, "dpo.jsonl", "openai-dpo")
"""

from ._errors import RecordError
from ._files import (
    ALL_CONTAINERS,
    BadRecord,
    CanonicalWriter,
    RecordReader,
    RecordWriteError,
    WriteSummary,
    read_records,
    write_records,
)
from ._format import Format, Kind, WriteOptions
from ._models import (
    ArgillaRecord,
    ArgillaResponse,
    ArgillaSuggestion,
    CanonicalRecord,
    KTOExample,
    LabelStudioAnnotation,
    LabelStudioPrediction,
    LabelStudioTask,
    Message,
    PreferencePair,
    RatedExample,
    RatedResponse,
    SFTExample,
    StepwiseExample,
)
from ._registry import FORMATS, FormatError, detect_format, get_format, parse_record

__all__ = [
    "ALL_CONTAINERS",
    "FORMATS",
    "ArgillaRecord",
    "ArgillaResponse",
    "ArgillaSuggestion",
    "BadRecord",
    "CanonicalRecord",
    "CanonicalWriter",
    "Format",
    "FormatError",
    "KTOExample",
    "Kind",
    "LabelStudioAnnotation",
    "LabelStudioPrediction",
    "LabelStudioTask",
    "Message",
    "PreferencePair",
    "RatedExample",
    "RatedResponse",
    "RecordError",
    "RecordReader",
    "RecordWriteError",
    "SFTExample",
    "StepwiseExample",
    "WriteOptions",
    "WriteSummary",
    "detect_format",
    "get_format",
    "parse_record",
    "read_records",
    "write_records",
]
