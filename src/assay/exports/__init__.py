"""Training-ready exports built from judgements, with filters, a split and a lineage manifest.

    from assay.exports import ExportOptions, Filters, Split, export_dataset, verify_manifest

    options = ExportOptions(kind="preference", record_schema="openai-dpo",
                            filters=Filters(min_confidence=0.8, exclude_flags=("unsafe",)),
                            split=Split(ratios={"train": 0.9, "test": 0.1}, seed=7))
    report = export_dataset(db, "pairwise-preference", "dpo.jsonl", options)   # dpo-train.jsonl, dpo-test.jsonl
    verify_manifest(report.manifest_path).ok                                     # checksums recomputed

Kinds: preference pairs (from compare or rank judgements, or rating differences), SFT (people's
written answers and rewrites, or the best-rated response), KTO (desirable / undesirable) and reward
data (ratings per criterion). Design notes: docs/design/exports.md.
"""

from ._errors import ExportError
from ._export import ExportReport, export_dataset
from ._manifest import Manifest, ManifestCheck, ManifestFile, load_manifest, verify_manifest
from ._options import TABLE, ExportKind, ExportOptions, Filters, Split, make_options
from ._outputs import manifest_path, split_path
from ._split import assign as assign_splits
from ._split import draw

__all__ = [
    "TABLE",
    "ExportError",
    "ExportKind",
    "ExportOptions",
    "ExportReport",
    "Filters",
    "Manifest",
    "ManifestCheck",
    "ManifestFile",
    "Split",
    "assign_splits",
    "draw",
    "export_dataset",
    "load_manifest",
    "make_options",
    "manifest_path",
    "split_path",
    "verify_manifest",
]
