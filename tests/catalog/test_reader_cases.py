"""The course reader on phrasings that misled it, each worked by hand from the text: what a
clinical instructor would call the course's subject, what it teaches in part and what it
only names. The examined sets (C, D and E) are a floor, so a change that helps one set
cannot quietly undo what was fixed for another."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceatlas.catalog import reader_eval as e
from ceatlas.catalog.reader import InferredTerm, TermIndex, read_course
from ceatlas.kb import KnowledgeBase, load_kb

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture(scope="module")
def index(kb: KnowledgeBase) -> TermIndex:
    return TermIndex.build(kb)


def level(terms: list[InferredTerm], kind: str, term: str) -> str | None:
    return next((t.centrality for t in terms if t.kind == kind and t.id == term), None)


def test_a_contraction_negates_what_follows(index: TermIndex) -> None:
    """ "we dont treat migrains in this class": the apostrophe is gone ("dont"), the
    negation is not. Migraine is named, never taught; the title's tension headache is
    the subject."""
    terms = read_course(
        index,
        "Tension headache relief with trigger points",
        "Learn the trigger points that cause headaches. Migraine clients need a doctor's ok "
        "first; we dont treat migraines in this class.",
    )
    assert level(terms, "conditions", "tension-headache") == "primary"
    assert level(terms, "conditions", "migraine") == "mentioned"


def test_a_negation_in_an_aside_is_about_what_follows_it(index: TermIndex) -> None:
    """ "deep tissue for low back pain (not for pregnant clients!!)": the "not" opens an
    aside about pregnancy. Low back pain is the subject; pregnancy is a caution."""
    terms = read_course(
        index,
        "deep tissue for low back pain (not for pregnant clients!!)",
        "this class is deep tissue for the low back, QL, erectors and glutes.",
    )
    assert level(terms, "conditions", "low-back-pain") == "primary"
    assert level(terms, "conditions", "pregnancy") == "mentioned"
    assert level(terms, "techniques", "deep-tissue-massage") == "primary"


def test_a_testimonial_names_conditions_in_passing(index: TermIndex) -> None:
    """Client quotes under a craniosacral course: the course teaches craniosacral
    therapy; migraine appears only in what a client said."""
    terms = read_course(
        index,
        "Craniosacral Therapy Level 1",
        "Over four days you'll learn to feel the craniosacral rhythm.\n"
        "What our clients say:\n"
        '"My migraines went from weekly to once a month."',
    )
    assert level(terms, "techniques", "craniosacral-therapy") == "primary"
    assert level(terms, "conditions", "migraine") == "mentioned"


def test_a_title_listing_conditions_yields_to_the_stated_subject(index: TermIndex) -> None:
    """ "Sciatica, Hamstring Strain or Piriformis Syndrome?" and then "This class is about
    piriformis syndrome": the other two are differentials, named and ruled out."""
    terms = read_course(
        index,
        "Sciatica, Hamstring Strain or Piriformis Syndrome? Treating the Piriformis",
        "Three complaints, one muscle that gets blamed for all of them. This 4-hour class is "
        "about piriformis syndrome: palpation, a seated screening test and a treatment "
        "sequence. True sciatica and hamstring strain are ruled out and referred.",
    )
    assert level(terms, "conditions", "piriformis-syndrome") == "primary"
    assert level(terms, "conditions", "sciatica") == "mentioned"
    assert level(terms, "conditions", "hamstring-strain") == "mentioned"


def test_hands_on_is_how_a_course_is_taught_not_its_subject(index: TermIndex) -> None:
    """ "ANKLE SPRAIN REHAB MASSAGE - HANDS ON!!!": the subject is the sprain, so the CE
    subject is massage technique; hands-on practice is the format."""
    terms = read_course(
        index,
        "ANKLE SPRAIN REHAB MASSAGE - HANDS ON!!!",
        "THIS CLASS IS ALL ABOUT THE ROLLED ANKLE.",
    )
    assert level(terms, "conditions", "ankle-sprain") == "primary"
    assert level(terms, "categories", "hands-on") == "secondary"
    assert level(terms, "categories", "technique") == "primary"


def test_techniques_listed_beside_a_condition_are_its_tools(index: TermIndex) -> None:
    """ "Lateral Epicondylalgia: DTFM, IASTM and Loading": a course about tennis elbow
    that uses friction and instrument work as two of its tools."""
    terms = read_course(index, "Lateral Epicondylalgia: DTFM, IASTM and Loading", "")
    assert level(terms, "conditions", "tennis-elbow") == "primary"
    assert level(terms, "techniques", "cross-fiber-friction") == "secondary"
    assert level(terms, "techniques", "instrument-assisted-soft-tissue-mobilization") == (
        "secondary"
    )


def test_the_reason_for_an_operation_is_not_the_subject(index: TermIndex) -> None:
    """ "After Breast Cancer Surgery" is about the client after an operation; a client in
    active cancer treatment is not the subject (chemotherapy is covered elsewhere)."""
    terms = read_course(
        index,
        "Massage After Breast Cancer Surgery",
        "Positioning after surgery and reconstruction, drains and healing timelines.",
    )
    assert level(terms, "conditions", "oncology-active-treatment") != "primary"


def test_a_research_course_uses_conditions_as_worked_examples(index: TermIndex) -> None:
    """ "Does Massage Help Back Pain? Reading the Research for Yourself": a research
    literacy course; back pain is the topic of its example papers."""
    terms = read_course(
        index,
        "Does Massage Help Back Pain? Reading the Research for Yourself",
        "We use real papers on massage for chronic low back pain as worked examples.",
    )
    assert level(terms, "categories", "research-literacy") == "primary"
    assert level(terms, "conditions", "low-back-pain") == "mentioned"


def test_plural_ies_is_read_as_the_singular(index: TermIndex) -> None:
    """ "Rotator Cuff Injuries" is the KB's "rotator cuff injury" (rotator cuff strain)."""
    terms = read_course(index, "Rotator Cuff Injuries From First Visit to Full Strength", "")
    assert level(terms, "conditions", "rotator-cuff-strain") == "primary"


def test_a_stage_left_behind_is_named_in_passing(index: TermIndex) -> None:
    """ "Finishing cancer treatment is often described as the moment life goes back to
    normal": a survivorship course; active treatment is behind the client."""
    terms = read_course(
        index,
        "After the Last Treatment: Massage for Cancer Survivors",
        "Finishing cancer treatment is often described as the moment life goes back to "
        "normal. For many survivors it isn't.",
    )
    assert level(terms, "conditions", "cancer-survivorship") == "primary"
    assert level(terms, "conditions", "oncology-active-treatment") in (None, "mentioned")


def test_a_list_introduced_as_taught_is_taught(index: TermIndex) -> None:
    """ "Two topics get extended time: persistent cancer-related fatigue ... and lifelong
    lymphedema risk": both are taught in part, not named in passing."""
    terms = read_course(
        index,
        "Massage for Cancer Survivors",
        "We walk through what treatment can leave behind. Two topics get extended time: "
        "persistent cancer-related fatigue, and lifelong lymphedema risk for clients who had "
        "lymph nodes removed.",
    )
    assert level(terms, "conditions", "cancer-related-fatigue") == "secondary"
    assert level(terms, "conditions", "lymphedema") == "secondary"


def test_the_examined_sets_hold_their_floor(kb: KnowledgeBase) -> None:
    """Sets C, D and E (tests/catalog/reader_examined) were each written apart from the
    reader and then studied for its errors. On
    them together the reader measured primary precision 0.910, recall 0.810 and 5
    mentioned terms read as primary when this floor was set; the floor sits a little
    below, so that a change must not give back what was fixed."""
    records = e.load_set((HERE / "reader_examined").glob("*.yaml"))
    assert len(records) == 200
    primary, _, mentioned = e.overall(e.score(records, e.reader_of(TermIndex.build(kb))))
    assert primary.precision >= 0.9
    assert primary.recall >= 0.8
    assert mentioned <= 5


def test_every_labelled_set_uses_only_knowledge_base_terms(kb: KnowledgeBase) -> None:
    for folder in ("reader_examined", "reader_heldout"):
        for record in e.load_set((HERE / folder).glob("*.yaml")):
            for field in e.FIELDS:
                for where, ids in (record["expect"].get(field) or {}).items():
                    unknown = [i for i in ids or [] if i not in kb.entries(field)]
                    assert not unknown, (record["id"], field, where, unknown)
