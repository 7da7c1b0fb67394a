"""Complaint text -> conditions: lexical, embedding and combined matchers."""

from __future__ import annotations

import pytest

from ceatlas.kb import KnowledgeBase
from ceatlas.recommend import (
    CONFIDENT,
    CombinedMatcher,
    LexicalMatcher,
    Matcher,
    MatcherUnavailableError,
    make_matcher,
    matching,
)


@pytest.mark.parametrize(
    ("text", "expected", "via"),
    [
        ("pain shooting down the back of my leg", "sciatica", "lay phrase"),
        ("Sciatica", "sciatica", "name"),
        ("adhesive capsulitis", "frozen-shoulder", "synonym"),
        ("sciatca", "sciatica", "spelling: sciatca → sciatica"),
        ("frozne sholder", "frozen-shoulder", ""),
        ("my client has carpal tunnel on both sides", "carpal-tunnel-syndrome", "mentions"),
        ("shootng pian down my leg", "sciatica", "spelling"),
        ("tight IT band from running", "it-band-syndrome", ""),
        ("piriformis-syndrome", "piriformis-syndrome", "Piriformis syndrome"),
    ],
)
def test_lexical_examples(lexical: LexicalMatcher, text: str, expected: str, via: str) -> None:
    found = lexical.match(text)
    assert found[0].condition_id == expected
    assert via in found[0].via
    assert 0 < found[0].confidence <= 1
    assert len(found) <= 3
    assert [m.confidence for m in found] == sorted((m.confidence for m in found), reverse=True)


def test_a_known_word_is_never_corrected_into_another(lexical: LexicalMatcher) -> None:
    """ "my back hurts" differs from the lay phrase "my neck hurts" by two letters, but
    "back" is a word the KB knows (low back pain), so it is not a misspelling of "neck".
    A real misspelling still finds its phrase: "my nekc hurts" is the neck."""
    for text in ("my back hurts", "My back hurts!", "my bakc hurts"):
        found = lexical.match(text)
        assert found[0].condition_id == "low-back-pain", (text, found)
        assert all(m.condition_id != "neck-pain" or m.confidence < CONFIDENT for m in found)
    # "knee" and "back" are KB words: neither is read as a misspelt "neck"
    for text in ("my knee hurts", "stiff back"):
        assert all(
            m.condition_id != "neck-pain" or m.confidence < CONFIDENT for m in lexical.match(text)
        ), text
    assert lexical.match("my nekc hurts")[0].condition_id == "neck-pain"
    assert lexical.match("sciatic")[0].condition_id == "sciatica"


def test_exact_terms_are_certain_and_vague_text_is_not(lexical: LexicalMatcher) -> None:
    assert lexical.match("lumbago")[0].confidence == 1.0
    vague = lexical.match("feeling weird lately")
    assert not vague or vague[0].confidence < CONFIDENT
    assert lexical.match("") == []
    assert lexical.match("!!!") == []


def test_lexical_only_by_configuration(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the embeddings extra, 'auto' falls back to lexical and 'embedding' says why."""
    assert make_matcher(kb, "lexical").name == "lexical"
    monkeypatch.setattr(matching, "embeddings_available", lambda: False)
    assert isinstance(make_matcher(kb, "auto"), LexicalMatcher)
    with pytest.raises(MatcherUnavailableError, match="embeddings extra"):
        make_matcher(kb, "embedding")
    with pytest.raises(ValueError, match="unknown matcher"):
        make_matcher(kb, "psychic")


def test_auto_is_combined_when_installed(kb: KnowledgeBase, embedding: Matcher) -> None:
    assert matching.embeddings_available()
    assert isinstance(make_matcher(kb, "auto"), CombinedMatcher)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("swelling in the arm since the mastectomy", "post-mastectomy-lymphedema"),
        ("can't raise my arm above my head", "frozen-shoulder"),
        ("my feet feel like they are on fire and prickly", "peripheral-neuropathy"),
        ("ache deep in the buttock when sitting", "piriformis-syndrome"),
    ],
)
def test_embedding_and_combined_examples(
    embedding: Matcher, combined: Matcher, text: str, expected: str
) -> None:
    semantic = embedding.match(text)
    assert expected in [m.condition_id for m in semantic]
    assert "similar in meaning" in semantic[0].via
    best = combined.match(text)[0]
    assert best.condition_id == expected
    assert best.confidence >= CONFIDENT


def test_match_many_is_match(combined: Matcher, embedding: Matcher) -> None:
    texts = ["sciatica", "jaw clicks", "sore shins after running"]
    for matcher in (combined, embedding):
        assert matcher.match_many(texts) == [matcher.match(t) for t in texts]
    assert combined.match_many([]) == []


def test_combined_ties_go_to_what_the_words_support(combined: Matcher) -> None:
    """'sciatic' is the adjective of sciatica; in meaning it is as close to piriformis
    syndrome's synonym 'false sciatica' (both capped at 1.0). The words themselves are one
    letter from the name Sciatica, so sciatica comes first and the explanation says so."""
    best = combined.match("sciatic")[0]
    assert best.condition_id == "sciatica"
    assert "Sciatica" in best.via


def test_words_that_fit_several_conditions_are_searched_as_all_of_them(
    combined: Matcher,
) -> None:
    """'my knee hurts' names a place and a pain, no condition: knee pain may be
    osteoarthritis, a stiff knee after injury or rehabilitation after a replacement. Read
    by meaning alone, the three are about as close, so no single one is chosen: the search
    runs for each of them and the sentence names them all."""
    from ceatlas.recommend.query import read_complaint

    reading = read_complaint(combined, "my knee hurts")
    assert reading is not None
    assert len(reading.condition_ids) > 1
    assert "osteoarthritis" in reading.condition_ids
    assert " or " in reading.sentence()
    one = read_complaint(combined, "can't lift my arm over my head")
    assert one is not None
    assert one.condition_ids == ["frozen-shoulder"]
