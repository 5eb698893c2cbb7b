"""Getting data in and out: containers (JSONL, CSV, Parquet, ...) × record schemas (OpenAI chat, ...)."""

from assay.io._export import ExportReport, export_project
from assay.io._import import ImportFailed, ImportReport, RecordIssue, import_file

__all__ = ["ExportReport", "ImportFailed", "ImportReport", "RecordIssue", "export_project", "import_file"]
