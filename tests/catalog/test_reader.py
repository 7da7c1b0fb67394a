"""The course reader on courses that would embarrass a keyword matcher, worked by hand,
and on the catalog through every way in (import, provider form), stored with evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, select

from ceatlas.catalog import reader_eval as e
from ceatlas.catalog.models import Course
from ceatlas.catalog.reader import InferredTerm, TermIndex, read_course
from ceatlas.catalog.service import Catalog
from ceatlas.catalog.understanding import course_terms
from ceatlas.kb import KnowledgeBase, load_kb

SET_DIR = Path(__file__).parent / "reader_set"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture(scope="module")
def index(kb: KnowledgeBase) -> TermIndex:
    return TermIndex.build(kb)


def _one_course(
    engine: Engine, kb: KnowledgeBase, slug: str, name: str, description: str | None = None
) -> tuple[Catalog, int]:
    """A catalog with one imported course (read on import, as every way in does)."""
    catalog = Catalog(engine, kb)
    catalog.init()
    course: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": f"https://school.example/courses/{slug}",
        "name": name,
        "provider": {"@type": "Organization", "name": "School", "url": "https://school.example"},
    }
    if description:
        course["description"] = description
    catalog.import_documents([course], "test")
    with engine.connect() as conn:
        course_id = conn.scalar(select(Course.id).where(Course.key == course["@id"]))
    assert course_id is not None
    return catalog, course_id


def central(terms: list[InferredTerm], kind: str, level: str) -> set[str]:
    return {t.id for t in terms if t.kind == kind and t.centrality == level}


def test_a_migraine_course_is_about_migraine_not_the_conditions_it_lists(
    index: TermIndex,
) -> None:
    """Title names migraine: primary. 'Clients with sciatica, low back pain and frozen
    shoulder also benefit' is a passing list: mentioned, never primary or secondary."""
    terms = read_course(
        index,
        "Migraine: What Massage Can and Cannot Do",
        "A one-day class on migraine. Clients with sciatica, low back pain and frozen "
        "shoulder also benefit from the relaxation strokes you will practise.",
    )
    assert central(terms, "conditions", "primary") == {"migraine"}
    assert {"sciatica", "low-back-pain", "frozen-shoulder"} <= central(
        terms, "conditions", "mentioned"
    )
    assert not central(terms, "conditions", "secondary")


def test_negated_terms_are_never_taught(index: TermIndex) -> None:
    """'MLD is not taught' and 'not a lymphedema treatment course' name terms the course
    does not teach: mentioned at most."""
    terms = read_course(
        index,
        "Oncology Massage Foundations",
        "This course focuses on massage for people in cancer treatment. Not a lymphedema "
        "treatment course: MLD is not taught.",
    )
    assert "oncology-massage" in central(terms, "techniques", "primary")
    assert "manual-lymph-drainage" in central(terms, "techniques", "mentioned")
    assert "lymphedema" in central(terms, "conditions", "mentioned")


def test_typos_and_lay_words_are_read(index: TermIndex) -> None:
    """'myofascal release' is myofascial release; 'pain shooting down the back of my leg'
    is sciatica in a client's words."""
    terms = read_course(
        index,
        "Myofascal release workshop",
        "For clients with pain shooting down the back of my leg",
    )
    assert "myofascial-release" in central(terms, "techniques", "primary")
    found = {t.id: t for t in terms}
    assert "sciatica" in found
    assert found["myofascial-release"].evidence


def test_body_regions_come_from_the_title_the_text_and_the_conditions(index: TermIndex) -> None:
    """Worked by hand: 'Plantar Fasciitis Release' is about a foot condition, so about the
    foot (KB: plantar fasciitis sits in the lower leg, ankle and foot); the calf named in
    the description is worked on; 'referred from the neck' is where pain comes from, not
    where the course works; 'Mastery' is not the masseter (no spelling fixes for regions)."""
    terms = read_course(
        index,
        "Plantar Fasciitis Release Mastery",
        "Release the calf and the plantar fascia. Rule out pain referred from the neck.",
    )
    regions = {t.id: t.centrality for t in terms if t.kind == "regions"}
    assert regions["leg-foot"] == "primary"
    assert regions.get("neck") in (None, "mentioned")
    assert "jaw" not in regions


def test_a_self_care_course_names_the_therapists_own_body(index: TermIndex) -> None:
    """Wrists and shoulders in a self-care course are the therapist's: never covered."""
    terms = read_course(
        index,
        "Self-Care for Massage Therapists",
        "Protect your wrists, thumbs and shoulders over a long career. Using your forearms "
        "instead of your thumbs.",
    )
    assert not central(terms, "regions", "primary") | central(terms, "regions", "secondary")


def test_body_regions_on_the_labelled_records(kb: KnowledgeBase, index: TermIndex) -> None:
    """40 records labelled by hand with their regions (tests/catalog/reader_regions.yaml).
    Provider tags carried no regions, so before the reader nothing was found (recall 0).
    Floors below today's figures (covers P 0.875 R 0.677, primary P 0.909 R 0.769)."""
    labels = yaml.safe_load((SET_DIR.parent / "reader_regions.yaml").read_text("utf-8"))
    records = e.load_set(SET_DIR.glob("*.yaml"))
    scored = e.score_regions(records, labels, e.reader_of(index))
    assert scored.covers.precision >= 0.8, scored.misses
    assert scored.covers.recall >= 0.6, scored.misses
    assert scored.primary.precision >= 0.85, scored.misses


def test_imported_and_published_courses_are_read_and_stored(
    engine: Engine, kb: KnowledgeBase
) -> None:
    catalog, course_id = _one_course(
        engine,
        kb,
        "sciatica",
        "Sciatica: assessment and treatment",
        "Learn to assess and treat sciatica and piriformis syndrome.",
    )
    stored = course_terms(engine, course_id)
    primary = {(t.kind, t.term) for t in stored if t.centrality == "primary"}
    assert ("conditions", "sciatica") in primary
    assert all(t.evidence for t in stored)
    again = catalog.read_courses()
    assert again is not None
    assert again.courses == 0  # unchanged course, same KB: nothing to read


def test_labelled_set_precision_and_the_gain_over_provider_tags(kb: KnowledgeBase) -> None:
    """200 course descriptions written for the purpose (tests/catalog/reader_set). The
    reader's primary terms are right at least 9 times in 10 (issue target), and it finds
    far more of what courses are about than provider tags taken at their word, and at
    least 85 in 100 of the primary terms are found, and no term the labels call mentioned
    (named in passing, negated, a prerequisite) is read as primary (issue targets)."""
    records = e.load_set(SET_DIR.glob("*.yaml"))
    assert len(records) >= 200
    reader_primary, reader_covers, mentioned = e.overall(
        e.score(records, e.reader_of(TermIndex.build(kb)))
    )
    assert mentioned == 0
    tags_primary, tags_covers, _ = e.overall(e.score(records, e.tags_only(kb)))
    assert reader_primary.precision >= 0.9
    assert reader_primary.recall >= 0.85
    assert reader_primary.recall >= tags_primary.recall + 0.3
    assert reader_covers.recall >= tags_covers.recall + 0.3


def test_labelled_set_uses_only_knowledge_base_terms(kb: KnowledgeBase) -> None:
    for record in e.load_set(SET_DIR.glob("*.yaml")):
        for field in e.FIELDS:
            for level, ids in (record["expect"].get(field) or {}).items():
                unknown = [i for i in ids or [] if i not in kb.entries(field)]
                assert not unknown, (record["id"], field, level, unknown)


def test_an_administrator_corrects_a_course_and_a_reread_keeps_it(
    engine: Engine, kb: KnowledgeBase, cli_env: object
) -> None:
    """The reader reads 'Sciatica: assessment and treatment' as about sciatica; an
    administrator says the course does not teach piriformis syndrome and that sciatica is
    secondary; reading everything again (as after a KB change) keeps both corrections."""
    from typer.testing import CliRunner

    from ceatlas.cli import app

    catalog, course_id = _one_course(
        engine,
        kb,
        "sciatica",
        "Sciatica: assessment and treatment",
        "Learn to assess and treat sciatica and piriformis syndrome.",
    )
    runner = CliRunner()
    for args in (
        ["conditions", "piriformis syndrome", "--centrality", "none"],
        ["conditions", "sciatica", "--centrality", "secondary"],
    ):
        done = runner.invoke(app, ["course-terms", "confirm", str(course_id), *args])
        assert done.exit_code == 0, done.output
    bad = runner.invoke(app, ["course-terms", "confirm", str(course_id), "conditions", "sciatca"])
    assert bad.exit_code == 1
    assert "term: 'sciatca' is not one of the knowledge base's conditions" in bad.output
    report = catalog.read_courses(everything=True)
    assert report is not None
    assert report.courses == 1
    stored = {(t.kind, t.term): t for t in course_terms(engine, course_id)}
    assert stored[("conditions", "sciatica")].centrality == "secondary"
    assert stored[("conditions", "sciatica")].provenance == "confirmed"
    assert stored[("conditions", "piriformis-syndrome")].centrality == "none"


def test_init_rereads_courses_after_a_knowledge_base_change(
    engine: Engine, kb: KnowledgeBase, tmp_path: object
) -> None:
    """A KB with a new synonym has a new fingerprint: `init` reads every course again and
    the new word is understood (here a made-up synonym of sciatica)."""
    import shutil
    from pathlib import Path

    import yaml

    _, course_id = _one_course(engine, kb, "leg", "Working with zingy leg syndrome")
    assert not [t for t in course_terms(engine, course_id) if t.term == "sciatica"]
    copy = Path(str(tmp_path)) / "kb"
    shutil.copytree(kb.source_dir, copy)
    path = copy / "conditions" / "sciatica.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["synonyms"].append("zingy leg syndrome")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    changed = load_kb(copy)
    Catalog(engine, changed).init()
    assert [t.centrality for t in course_terms(engine, course_id) if t.term == "sciatica"] == [
        "primary"
    ]


def test_read_courses_command(engine: Engine, kb: KnowledgeBase, cli_env: object) -> None:
    import json

    from typer.testing import CliRunner

    from ceatlas.cli import app

    _, course_id = _one_course(engine, kb, "mld", "MLD for lymphedema")
    runner = CliRunner()
    stale = runner.invoke(app, ["read-courses", "--json"])
    assert stale.exit_code == 0, stale.output
    assert json.loads(stale.stdout)["courses"] == 0  # read on import already
    everything = runner.invoke(app, ["read-courses", "--all", "--json"])
    assert json.loads(everything.stdout)["courses"] == 1
    shown = runner.invoke(app, ["course-terms", "show", str(course_id)])
    assert "manual-lymph-drainage" in shown.stdout
    assert "primary" in shown.stdout


def test_the_embedding_assist_reads_a_title_in_other_words(
    engine: Engine, kb: KnowledgeBase
) -> None:
    """'Pain in the Heel' names no KB term word for word; its meaning is plantar fasciitis
    ('heel pain' is one of its names). The lexical reading finds no condition; with the
    embedding assist switched on every course is read again (a reading is stamped with the
    reader it used) and the condition is primary, its evidence the title."""
    from ceatlas.catalog.understanding import read_catalog

    _catalog, course_id = _one_course(
        engine, kb, "heel", "Pain in the Heel", "A practical day for massage therapists."
    )
    lexical = {(t.kind, t.term) for t in course_terms(engine, course_id)}
    assert ("conditions", "plantar-fasciitis") not in lexical
    report = read_catalog(engine, kb, embeddings=True)
    assert report.courses == 1
    found = {(t.kind, t.term): t for t in course_terms(engine, course_id)}
    heel = found[("conditions", "plantar-fasciitis")]
    assert heel.centrality == "primary"
    assert "Pain in the Heel" in heel.evidence
    assert read_catalog(engine, kb, embeddings=True).courses == 0  # nothing stale now
