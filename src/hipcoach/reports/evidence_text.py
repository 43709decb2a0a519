"""Evidence entries in words: a number only when verified, otherwise 'unknown'."""

from __future__ import annotations

from hipcoach.catalog import Catalog
from hipcoach.catalog.models import EvidenceEntry


def evidence_value(entry: EvidenceEntry) -> str:
    if entry.confidence == "unknown":
        return "unknown"
    if entry.value is None:
        return "(qualitative)"
    text = f"{entry.value:g}"
    if entry.value_high is not None:
        text += f"-{entry.value_high:g}"
    if entry.sd is not None:
        text += f" ± {entry.sd:g}"
    return f"{text} {entry.unit}".strip()


def evidence_line(entry: EvidenceEntry, catalog: Catalog) -> str:
    study = catalog.studies[entry.study].short
    finding = f" {entry.finding}" if entry.finding else ""
    return f"{entry.measure}: {evidence_value(entry)}.{finding} ({study}; {entry.confidence})"
