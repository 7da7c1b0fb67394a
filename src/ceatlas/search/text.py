"""Free text → concepts: sanitizing, KB synonyms and expansion, typo correction.

User text never reaches a full-text engine as syntax. It is folded to lowercase ASCII
words; each word or recognised knowledge-base phrase becomes a *concept*, and a concept is
a set of alternative phrases (the term itself, its KB synonyms/abbreviations, related
conditions). A course matches when every concept matches (AND of ORs). Backends turn the
phrases into quoted FTS5 phrases or ``phraseto_tsquery`` values bound as parameters.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ceatlas.kb.base import KnowledgeBase
from ceatlas.kb.normalize import normalize

# PostgreSQL's english stop words: dropped on both backends so that results agree.
STOPWORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    ]
)
# Words that say what every CE course is (a course, hours, for a license) or how a person
# feels about a problem ("hurts", "sore"), not what the course is about. A course need
# not contain them when the text has other words: "my jaw hurts" finds courses about the
# jaw, "Illinois renewal" those about Illinois. Text made only of them is searched as is.
WEAK_WORDS = frozenset(
    [
        "course",
        "courses",
        "class",
        "classes",
        "ce",
        "ceu",
        "ceus",
        "credit",
        "credits",
        "hour",
        "hours",
        "hr",
        "hrs",
        "license",
        "licence",
        "licensed",
        "licensing",
        "renewal",
        "renewals",
        "renew",
        "renewing",
        "requirement",
        "requirements",
        "required",
        "mandatory",
        "continuing",
        "education",
        "training",
        "workshop",
        "workshops",
        "seminar",
        "seminars",
        "therapy",
        "therapies",
        "treatment",
        "treatments",
        "management",
        "hurt",
        "hurts",
        "hurting",
        "pain",
        "pains",
        "painful",
        "ache",
        "aches",
        "aching",
        "sore",
        "sores",
        "problem",
        "problems",
        "issue",
        "issues",
        "help",
        "helps",
        "helping",
        "client",
        "clients",
        "patient",
        "patients",
        "get",
        "gets",
        "getting",
        "giving",
        "doing",
        "feel",
        "feels",
        "feeling",
        "really",
        "always",
        "time",
        "times",
        "day",
        "days",
        "lot",
        "lots",
        "bad",
        "worse",
    ]
)
MAX_WORDS = 24
MAX_WORD_LENGTH = 48
MAX_PHRASE_WORDS = 6
_WORD = re.compile(r"[a-z0-9]+")
_KINDS = ("conditions", "techniques", "competencies")
_KIND_LABEL = {"conditions": "condition", "techniques": "technique", "competencies": "competency"}


def words_of(text: str) -> list[str]:
    """Lowercase ASCII words of ``text``; everything else (operators, quotes) is dropped,
    except an ampersand, read as "and" ("laws & rules" is "laws and rules")."""
    folded = unicodedata.normalize("NFKD", text.replace("&", " and "))
    folded = folded.encode("ascii", "ignore").decode("ascii")
    folded = folded.lower().replace("'", "").replace("\u2019", "")
    return [w[:MAX_WORD_LENGTH] for w in _WORD.findall(folded)]


_APOSTROPHE_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)+")


def apostrophe_forms(text: str) -> dict[str, str]:
    """Each word of ``text`` written with an apostrophe, as :func:`words_of` reads it,
    mapped to the words the engines index it as: ``"women's"`` -> ``{"womens": "women s"}``
    (FTS5 and PostgreSQL both split at the apostrophe)."""
    forms: dict[str, str] = {}
    for found in _APOSTROPHE_WORD.findall(text):
        joined = " ".join(words_of(found))
        split = " ".join(words_of(found.replace("'", " ").replace("\u2019", " ")))
        if joined and split and joined != split:
            forms[joined] = split
    return forms


def phrase_words(phrase: str) -> list[str]:
    return list(words_of(phrase))


@dataclass(frozen=True)
class Expansion:
    """One rewrite of the user's text, shown to explain results."""

    source: str
    target: str
    reason: str  # "synonym", "abbreviation", "related condition", "spelling", ...

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.reason})"


@dataclass
class Concept:
    """One required part of the text: any of ``phrases`` (space-joined words) matches."""

    label: str
    phrases: list[str]
    entity: tuple[str, str] | None = None
    expansions: list[Expansion] = field(default_factory=list)


@dataclass
class TextQuery:
    concepts: list[Concept]
    corrections: list[Expansion]
    ignored: list[str]
    any_concept: bool = False  # a course matching any concept matches (ranked), not every

    @property
    def expansions(self) -> list[Expansion]:
        return [e for c in self.concepts for e in c.expansions]

    @property
    def phrases(self) -> list[str]:
        return [p for c in self.concepts for p in c.phrases]


class Analyzer:
    """Turns text into a :class:`TextQuery` with the KB and a vocabulary of known words."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.terms: dict[str, tuple[str, str]] = {}
        for kind in _KINDS:
            for term, eid in kb.terms(kind).items():
                self.terms.setdefault(term, (kind, eid))
        self.kb_words: set[str] = {w for term in self.terms for w in term.split()}
        # Neighbouring words in KB terms: a typo is corrected to the word that makes a KB
        # term with its neighbour ("trigger pont" is "trigger point", not "trigger post").
        self.kb_pairs: set[tuple[str, str]] = {
            pair for term in self.terms for pair in itertools.pairwise(term.split())
        }
        self.kb_words |= {w for term in kb.terms("categories") for w in term.split()}
        # Spelling is corrected toward the words of KB names, synonyms and abbreviations,
        # not toward words found only in everyday phrases ("billing" is not "killing", from
        # "my lower back is killing me").
        self.kb_choices: list[str] = sorted(self.kb_words - _lay_only_words(kb))

    def analyze(
        self,
        text: str,
        is_known: Callable[[str], bool],
        vocabulary: Callable[[], Iterable[str]],
    ) -> TextQuery:
        raw = words_of(text)
        ignored: list[str] = []
        if len(raw) > MAX_WORDS:
            ignored = raw[MAX_WORDS:]
            raw = raw[:MAX_WORDS]
        corrections: list[Expansion] = []
        words: list[str] = []
        choices: list[str] | None = None
        forms = apostrophe_forms(text)
        for position, word in enumerate(raw):
            if (
                word in forms  # "can't": not a misspelling of anything
                or word in STOPWORDS
                or word.isdigit()
                or len(word) < 4
                or word in self.kb_words
                or normalize(word) in self.kb_words  # "capsulitis" is KB "capsuliti(s)"
            ):
                words.append(word)
                continue
            before = words[-1] if words else ""
            after = raw[position + 1] if position + 1 < len(raw) else ""

            def pick(candidates: list[str], before: str = before, after: str = after) -> str:
                """The first candidate that makes a KB term with a neighbour, else the first."""
                for candidate in candidates:
                    if (before, candidate) in self.kb_pairs or (candidate, after) in self.kb_pairs:
                        return candidate
                return candidates[0]

            near = closest(word, self.kb_choices) if len(word) >= KB_FIRST else []
            near_kb = pick(near) if near else None
            if near_kb is not None and near_kb != word:
                # a near-miss of a KB term is a typo even if some course text has it too
                # (provider text is not checked spelling): the KB wins
                corrections.append(Expansion(word, near_kb, "spelling"))
                words.append(near_kb)
                continue
            if is_known(word):
                words.append(word)
                continue
            if choices is None:
                choices = sorted(self.kb_words | set(vocabulary()))
            # never "corrected" into a word the search ignores ("gout" is not "out")
            options = [o for o in closest(word, choices) if o not in STOPWORDS]
            fixed = pick(options) if options else None
            if fixed is not None and fixed != word:
                corrections.append(Expansion(word, fixed, "spelling"))
                words.append(fixed)
            else:
                words.append(word)
        concepts = self._concepts(words, forms)
        weak = [c for c in concepts if c.entity is None and c.label in WEAK_WORDS]
        if weak and len(weak) < len(concepts):
            concepts = [c for c in concepts if c not in weak]
            ignored = [*ignored, *(c.label for c in weak)]
        return TextQuery(concepts, corrections, ignored)

    def _concepts(self, words: list[str], forms: dict[str, str]) -> list[Concept]:
        """KB terms (longest runs first) and the other words, each a concept. A word with an
        apostrophe also matches as the engines index it (``forms``); one whose parts are all
        stop words ("can't": can, t) is a stop word itself."""
        concepts: list[Concept] = []
        i = 0
        while i < len(words):
            match = None
            for j in range(min(len(words), i + MAX_PHRASE_WORDS), i, -1):
                key = normalize(" ".join(words[i:j]))
                if key in self.terms and not (j - i == 1 and words[i] in STOPWORDS):
                    match = (j, self.terms[key])
                    break
            if match is not None:
                j, entity = match
                concepts.append(self._entity_concept(" ".join(words[i:j]), *entity))
                i = j
                continue
            split = forms.get(words[i])
            stop = words[i] in STOPWORDS or (
                split is not None and all(w in STOPWORDS for w in split.split())
            )
            if not stop:
                concepts.append(Concept(words[i], [words[i], *([split] if split else [])]))
            i += 1
        return _dedupe(concepts)

    def _entity_concept(self, typed: str, kind: str, eid: str) -> Concept:
        entry = self.kb.entries(kind)[eid]
        phrases: list[str] = []
        expansions: list[Expansion] = []

        def add(text: str, reason: str | None) -> None:
            phrase = " ".join(words_of(text))
            if not phrase or phrase in phrases:
                return
            if all(w in STOPWORDS for w in phrase.split()):
                return
            phrases.append(phrase)
            if " and " in phrase:
                # written with "&" in course texts ("Laws & Rules"), which no engine
                # indexes: the words side by side match that too
                bare = phrase.replace(" and ", " ")
                if bare not in phrases:
                    phrases.append(bare)
            if reason is not None and phrase != " ".join(words_of(typed)):
                expansions.append(Expansion(typed, text, reason))

        add(typed, None)
        add(entry.name, "name")
        add(eid.replace("-", " "), None)
        for synonym in entry.synonyms:
            add(synonym, "synonym")
        for abbreviation in getattr(entry, "abbreviations", []):
            add(abbreviation, "abbreviation")
        for phrase in getattr(entry, "lay_phrases", []):
            add(phrase, "everyday phrase")
        if kind == "conditions":
            for related in entry.related:
                other = self.kb.conditions.get(related)
                if other is not None:
                    add(other.name, "related condition")
                    add(related.replace("-", " "), None)
        return Concept(typed, phrases, (kind, eid), expansions)


def _lay_only_words(kb: KnowledgeBase) -> set[str]:
    """Words of the KB's lay phrases that no name, synonym or abbreviation uses."""
    lay: set[str] = set()
    named: set[str] = set()
    for kind in _KINDS:
        for eid, entry in kb.entries(kind).items():
            for phrase in getattr(entry, "lay_phrases", []):
                lay |= set(normalize(phrase).split())
            names = [eid.replace("-", " "), entry.name, *entry.synonyms]
            for text in [*names, *getattr(entry, "abbreviations", [])]:
                named |= set(normalize(text).split())
    return lay - named


def _dedupe(concepts: list[Concept]) -> list[Concept]:
    seen: set[tuple[str, ...]] = set()
    out = []
    for concept in concepts:
        key = tuple(concept.phrases)
        if key not in seen:
            seen.add(key)
            out.append(concept)
    return out


#: words at least this long are first corrected against the KB alone
KB_FIRST = 6


def max_edits(word: str) -> int:
    return 1 if len(word) < 8 else 2


def correct(word: str, choices: list[str]) -> str | None:
    """The closest known word within 1 edit (2 for words of 8+ letters), else ``None``.

    Ties go to the candidate sharing the first letter, then the shorter, then alphabetical.
    """
    found = closest(word, choices)
    return found[0] if found else None


def closest(word: str, choices: list[str]) -> list[str]:
    """Every known word at the smallest distance within the limit of :func:`correct`, in
    its order of preference (empty when none is close enough)."""
    limit = max_edits(word)
    found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=limit, limit=None)
    if not found:
        return []
    nearest = min(hit[1] for hit in found)
    ranked = sorted(
        (hit for hit in found if hit[1] == nearest),
        key=lambda hit: (hit[0][:1] != word[:1], len(hit[0]), hit[0]),
    )
    return [str(hit[0]) for hit in ranked]
