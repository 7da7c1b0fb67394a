"""Every domain's tables, gathered for migrations. Domain code imports its own models."""

import ceatlas.catalog.source_models  # noqa: F401  (the source registry's tables)
from ceatlas.accounts.models import (
    AccountToken,
    ApiToken,
    LoginFailure,
    SavedSearch,
    SavedSearchHit,
    SavedSession,
    TherapistProfile,
    User,
)
from ceatlas.catalog.models import (
    Course,
    CourseApproval,
    CourseSession,
    Program,
    Provider,
    ProviderApproval,
)
from ceatlas.compliance.models import CeChange, CeEntry, CeLicense
from ceatlas.mail.models import OutboxMessage
from ceatlas.orm import Base
from ceatlas.search.models import SESSION_FACTS

__all__ = [
    "SESSION_FACTS",
    "AccountToken",
    "ApiToken",
    "Base",
    "CeChange",
    "CeEntry",
    "CeLicense",
    "Course",
    "CourseApproval",
    "CourseSession",
    "LoginFailure",
    "OutboxMessage",
    "Program",
    "Provider",
    "ProviderApproval",
    "SavedSearch",
    "SavedSearchHit",
    "SavedSession",
    "TherapistProfile",
    "User",
]
