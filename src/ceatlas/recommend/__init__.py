"""Caseload-driven recommendations: complaints -> conditions -> techniques -> courses.

>>> from ceatlas.kb import load_kb
>>> from ceatlas.recommend import Caseload, Recommender, parse_complaint
>>> caseload = Caseload(complaints=[parse_complaint("sciatica:9")])
>>> result = Recommender(load_kb(), matcher="lexical").recommend(caseload)
>>> result.techniques[0].explanation
'covers 9 of your 9 clients a month: sciatica 9'
"""

from ceatlas.recommend.caseload import (
    Caseload,
    Complaint,
    Constraints,
    IdentifierError,
    parse_complaint,
)
from ceatlas.recommend.matching import (
    CONFIDENT,
    CombinedMatcher,
    ConditionMatch,
    LexicalMatcher,
    Matcher,
    MatcherUnavailableError,
    embeddings_available,
    make_matcher,
)
from ceatlas.recommend.models import (
    ComplaintReading,
    ConditionLoad,
    CourseRecommendation,
    PlannerGoal,
    PlannerHandover,
    Recommendations,
    Share,
    TechniqueRecommendation,
)
from ceatlas.recommend.service import Recommender

__all__ = [
    "CONFIDENT",
    "Caseload",
    "CombinedMatcher",
    "Complaint",
    "ComplaintReading",
    "ConditionLoad",
    "ConditionMatch",
    "Constraints",
    "CourseRecommendation",
    "IdentifierError",
    "LexicalMatcher",
    "Matcher",
    "MatcherUnavailableError",
    "PlannerGoal",
    "PlannerHandover",
    "Recommendations",
    "Recommender",
    "Share",
    "TechniqueRecommendation",
    "embeddings_available",
    "make_matcher",
    "parse_complaint",
]
