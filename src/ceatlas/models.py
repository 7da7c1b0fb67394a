"""Every domain's tables, gathered for migrations. Domain code imports its own models."""

from ceatlas.accounts.models import TherapistProfile, User
from ceatlas.catalog.models import (
    Course,
    CourseApproval,
    CourseSession,
    Program,
    Provider,
    ProviderApproval,
)
from ceatlas.orm import Base
from ceatlas.search.models import SESSION_FACTS

__all__ = [
    "SESSION_FACTS",
    "Base",
    "Course",
    "CourseApproval",
    "CourseSession",
    "Program",
    "Provider",
    "ProviderApproval",
    "TherapistProfile",
    "User",
]
