"""Every domain's tables, gathered for migrations. Domain code imports its own models."""

from ceatlas.catalog.models import (
    Course,
    CourseApproval,
    CourseSession,
    Program,
    Provider,
    ProviderApproval,
)
from ceatlas.orm import Base

__all__ = [
    "Base",
    "Course",
    "CourseApproval",
    "CourseSession",
    "Program",
    "Provider",
    "ProviderApproval",
]
