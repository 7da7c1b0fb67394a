"""CE compliance: a therapist's private CE record, the rules engine and the transcript."""

from ceatlas.compliance.errors import ComplianceError
from ceatlas.compliance.facts import (
    ComplianceStatus,
    EntryFacts,
    EntryVerdict,
    LicenseFacts,
    Requirement,
)
from ceatlas.compliance.rules import evaluate
from ceatlas.compliance.service import (
    CeRecords,
    ChangeView,
    EntryInput,
    EntryView,
    LicenseView,
)

__all__ = [
    "CeRecords",
    "ChangeView",
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
