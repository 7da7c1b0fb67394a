"""CE compliance: a therapist's private CE record, the rules engine and the transcript."""

from ceatlas.compliance.errors import ComplianceError
from ceatlas.compliance.rules import (
    ComplianceStatus,
    EntryFacts,
    EntryVerdict,
    LicenseFacts,
    Requirement,
    evaluate,
)
from ceatlas.compliance.service import CeRecords, EntryInput, EntryView, LicenseView

__all__ = [
    "CeRecords",
    "ComplianceError",
    "ComplianceStatus",
    "EntryFacts",
    "EntryInput",
    "EntryVerdict",
    "EntryView",
    "LicenseFacts",
    "LicenseView",
    "Requirement",
    "evaluate",
]
