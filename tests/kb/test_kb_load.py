"""The packaged KB loads, validates, and every entry is sourced and cross-linked."""

from __future__ import annotations

from typing import Any

import pytest

from ceatlas.kb import (
    KINDS,
    UNKNOWN,
    Jurisdiction,
    KnowledgeBase,
    default_kb,
    normalize,
)
from ceatlas.kb.rules import FirstRenewal, RuleSet

USPS = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
]

FIXED_TECHNIQUES = [
    "swedish-massage",
    "deep-tissue-massage",
    "manual-lymph-drainage",
    "myofascial-release",
    "trigger-point-therapy",
    "neuromuscular-therapy",
    "oncology-massage",
    "orthopedic-massage",
    "positional-release",
    "muscle-energy-technique",
    "pnf-stretching",
    "scar-tissue-mobilization",
    "sports-massage",
    "prenatal-massage",
    "geriatric-massage",
    "hospice-comfort-care",
    "craniosacral-therapy",
    "reflexology",
    "shiatsu",
    "thai-massage",
    "hot-stone-massage",
    "cross-fiber-friction",
    "active-isolated-stretching",
    "instrument-assisted-soft-tissue-mobilization",
    "cupping",
    "kinesiology-taping",
    "chair-massage",
    "hydrotherapy",
    "structural-integration",
    "neurodynamic-mobilization",
    "medical-massage",
    "lomi-lomi",
    "aromatherapy",
]
FIXED_CONDITIONS = [
    "sciatica",
    "piriformis-syndrome",
    "low-back-pain",
    "neck-pain",
    "chronic-shoulder-pain",
    "frozen-shoulder",
    "rotator-cuff-strain",
    "tension-headache",
    "migraine",
    "tmj-dysfunction",
    "carpal-tunnel-syndrome",
    "tennis-elbow",
    "plantar-fasciitis",
    "fibromyalgia",
    "lymphedema",
    "post-mastectomy-lymphedema",
    "post-surgical-scar-tissue",
    "injury-scar-tissue",
    "whiplash",
    "thoracic-outlet-syndrome",
    "scoliosis",
    "postural-dysfunction",
    "limited-range-of-motion",
    "oncology-active-treatment",
    "cancer-survivorship",
    "cancer-related-fatigue",
    "anxiety-stress",
    "depression",
    "insomnia",
    "pregnancy",
    "hospice-comfort-care",
    "osteoarthritis",
    "it-band-syndrome",
    "ankle-sprain",
    "hamstring-strain",
    "shin-splints",
    "repetitive-strain-injury",
    "multiple-sclerosis",
    "parkinsons-disease",
    "stroke-recovery",
    "peripheral-neuropathy",
    "knee-replacement-rehab",
    "hip-replacement-rehab",
]
FIXED_COMPETENCIES = [
    "anatomy",
    "physiology",
    "pathology",
    "kinesiology",
    "medical-terminology",
    "clinical-documentation",
    "infection-control",
    "hipaa-privacy",
    "interdisciplinary-teams",
    "pharmacology-basics",
    "client-assessment",
    "ethics",
    "laws-and-rules",
    "cpr",
    "lymphatic-system",
    "oncology-treatment-effects",
    "orthopedic-assessment",
    "pressure-adaptation",
    "hospital-protocols",
]
FIXED_PATHWAYS = [
    "relaxation-spa",
    "hospital-based-massage",
    "oncology-massage",
    "manual-lymph-drainage",
    "certified-lymphedema-therapist",
    "medical-massage",
    "injury-rehabilitation",
    "myofascial-release",
    "trigger-point-nmt",
    "ncbtmb-board-certification",
]
FIXED_CATEGORIES = [
    "ethics",
    "laws-and-rules",
    "medical-errors",
    "human-trafficking",
    "hiv-aids",
    "communicable-disease",
    "cpr",
    "first-aid",
    "self-care",
    "hands-on",
    "domestic-violence",
    "sexual-misconduct-prevention",
    "professional-boundaries",
    "documentation",
    "research-literacy",
    "business",
    "technique",
]


def all_entries(kb: KnowledgeBase) -> list[tuple[str, str, Any]]:
    return [(kind, eid, e) for kind in KINDS for eid, e in kb.entries(kind).items()]


def test_counts(kb: KnowledgeBase) -> None:
    assert len(kb.conditions) >= 40
    assert len(kb.techniques) >= 30
    assert set(kb.jurisdictions) == {*USPS, "NCBTMB", "AMTA"}
    assert len(USPS) == 51


@pytest.mark.parametrize(
    ("kind", "ids"),
    [
        ("techniques", FIXED_TECHNIQUES),
        ("conditions", FIXED_CONDITIONS),
        ("competencies", FIXED_COMPETENCIES),
        ("pathways", FIXED_PATHWAYS),
        ("categories", FIXED_CATEGORIES),
    ],
)
def test_fixed_vocabulary_exists(kb: KnowledgeBase, kind: str, ids: list[str]) -> None:
    assert set(ids) <= set(kb.entries(kind))


def test_version(kb: KnowledgeBase) -> None:
    assert kb.version == kb.meta.version
    assert kb.version.count(".") == 2


def test_every_entry_has_a_complete_source(kb: KnowledgeBase) -> None:
    for kind, eid, entry in all_entries(kb):
        assert entry.sources, f"{kind}:{eid} has no source"
        for source in entry.sources:
            assert source.url.startswith(("http://", "https://")), (kind, eid)
            assert source.title, (kind, eid)
            assert source.retrieved, (kind, eid)


def test_cross_references_resolve(kb: KnowledgeBase) -> None:
    for cond in kb.conditions.values():
        assert set(cond.techniques) <= set(kb.techniques), cond.id
        assert set(cond.related) <= set(kb.conditions), cond.id
    for tech in kb.techniques.values():
        assert set(tech.competencies) <= set(kb.competencies), tech.id
    for path in kb.pathways.values():
        assert set(path.competencies) <= set(kb.competencies), path.id
        assert set(path.techniques) <= set(kb.techniques), path.id
        assert set(path.prerequisite_pathways) <= set(kb.pathways), path.id
    for jur in kb.jurisdictions.values():
        assert set(jur.referenced_categories()) <= set(kb.categories), jur.id


def test_condition_phrasing_is_rich(kb: KnowledgeBase) -> None:
    for cond in kb.conditions.values():
        assert len(cond.lay_phrases) >= 3, cond.id


def test_related_conditions_used_for_expansion(kb: KnowledgeBase) -> None:
    assert "piriformis-syndrome" in kb.conditions["sciatica"].related


def test_pathway_standards(kb: KnowledgeBase) -> None:
    onc = kb.pathways["oncology-massage"]
    assert onc.min_hours == 24
    clt = kb.pathways["certified-lymphedema-therapist"]
    assert clt.min_hours == 135
    assert clt.in_person_min_hours == 90
    assert kb.pathways["myofascial-release"].min_hours == UNKNOWN


def test_florida_rules_as_the_rule_text_says(kb: KnowledgeBase) -> None:
    """Fla. Admin. Code R. 64B7-28.009: (4) each subsequent biennium 24 h incl. 2 medical
    errors, 2 laws and rules, 2 ethics, 1 human trafficking, 12 classroom hours in person;
    (3) the first biennium 1 instruction hour per month or partial month licensed."""
    fl = kb.jurisdictions["FL"]
    assert fl.known_total_hours == 24
    assert fl.ce_months == 24
    renewal = fl.renewal
    assert isinstance(renewal, RuleSet)
    topics = {t.topic: t for t in renewal.topics}
    assert topics["ethics"].min_hours == 2
    assert topics["hands-on"].min_hours == 12
    assert topics["hands-on"].formats == ["in_person"]
    first = fl.first_renewal
    assert isinstance(first, FirstRenewal)
    assert first.rule == "own-rules"
    assert first.rules is not None
    assert first.rules.hours_per_month == 1


def test_every_known_rule_fact_is_cited(kb: KnowledgeBase) -> None:
    """A fact with a value cites a source of its own file (unknowns may stand uncited)."""
    uncited = []
    for jur in kb.jurisdictions.values():
        for name, fact in jur.facts():
            value_unknown = any(
                getattr(fact, f, None) == UNKNOWN
                for f in ("months", "accepted", "total_hours", "min_hours", "max_hours", "rule")
            )
            if not fact.cite and not value_unknown:
                uncited.append(f"{jur.id}: {name}")
    assert not uncited, uncited


def test_unregulated_states_ask_no_ce(kb: KnowledgeBase) -> None:
    ks = kb.jurisdictions["KS"]
    assert not ks.regulated
    assert not ks.requires_ce


def test_jurisdiction_kinds(kb: KnowledgeBase) -> None:
    kinds = {j.id: j.kind for j in kb.jurisdictions.values()}
    assert kinds["DC"] == "district"
    assert kinds["NCBTMB"] == kinds["AMTA"] == "national"
    assert sum(1 for k in kinds.values() if k == "state") == 50
    assert isinstance(kb.jurisdictions["CT"], Jurisdiction)


def test_terms_index(kb: KnowledgeBase) -> None:
    terms = kb.terms("techniques")
    assert terms[normalize("MLD")] == "manual-lymph-drainage"
    assert terms["swedish massage"] == "swedish-massage"


def test_all_sources_dedupes_by_url(kb: KnowledgeBase) -> None:
    rows = kb.all_sources()
    urls = [source.url for source, _ in rows]
    assert len(urls) == len(set(urls))
    citers = {s.url: c for s, c in rows}
    fl_rule = (
        "https://regulations.justia.com/states/florida/64/64b7/chapter-64b7-28/section-64b7-28-009"
    )
    assert "jurisdictions:FL" in citers[fl_rule]
    assert "categories:ethics" in citers[fl_rule]


def test_default_kb_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CEATLAS_KB_DIR", raising=False)
    assert default_kb() is default_kb()


def test_get_accepts_singular_kind(kb: KnowledgeBase) -> None:
    entry = kb.get("condition", "Sciatica")
    assert entry is not None
    assert entry.id == "sciatica"
    assert kb.get("technique", "no such thing") is None
    with pytest.raises(ValueError, match="unknown kind"):
        kb.get("widgets", "x")
