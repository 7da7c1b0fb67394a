"""The course reader: a course's own words read into knowledge-base terms. Pure.

For each condition, technique, competency and CE subject category the text names (by the
KB's names, synonyms, abbreviations and lay phrases, with typos forgiven for longer
words), the reader decides how central it is:

- ``primary``: what the course is about (named in the title, or the stated focus of the
  opening sentences, or named again and again);
- ``secondary``: taught in part (named in the description outside a passing list);
- ``mentioned``: named in passing (a marketing list, "clients with ... love it",
  examples, prerequisites) or negated ("not a treatment for", "contraindicated").

Each term carries a confidence, the phrase that gave it (evidence) and its provenance
(``inferred`` from the text, ``declared`` by the provider's own tags).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from rapidfuzz import fuzz, process

from ceatlas.kb import KnowledgeBase

Centrality = Literal["primary", "secondary", "mentioned"]
Provenance = Literal["inferred", "declared", "confirmed"]
KINDS = ("conditions", "techniques", "competencies", "categories", "regions")
#: a sentence naming this many conditions is a survey ("courses on topics like back pain,
#: sciatica, frozen shoulder, carpal tunnel, TMJ..."): none of them is the subject
SURVEY = 5
#: kinds matched on their own, so that their phrases never take words from the others
#: ("lower back" must not hide "lower back pain")
_SEPARATE = ("regions",)
#: CE subjects whose courses use clinical topics as worked examples only
_EXAMPLE_SUBJECTS = frozenset({"research-literacy"})
RANK = {"primary": 3, "secondary": 2, "mentioned": 1}

_WORD = re.compile(r"[a-z0-9]+")
_SENTENCES = re.compile(r"(?<=[.!?;:])\s+|\n+|\s+[-*\u2022]\s+")
_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "without",
        "avoid",
        "avoiding",
        "contraindicated",
        "contraindication",
        "contraindications",
        "except",
        "excluding",
        "exclude",
        "don",
        "doesn",
        "isn",
        "aren",
        "won",
        # contractions as tokenised (the apostrophe is dropped: "don't" -> "dont")
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "arent",
        "wont",
        "cant",
        "shouldnt",
        "cannot",
        "nor",
    ]
)
_AFTER_NEGATIONS = frozenset(
    (
        "contraindicated",
        "contraindication",
        "contraindications",
        "not",
        "never",
        "isn",
        "aren",
        "isnt",
        "arent",
        "excluded",
        "away",
        "referred",
    )
)
_PASSING = (
    "such as",
    "including",
    "e g",
    "for example",
    "great for",
    "perfect for",
    "ideal for",
    "benefit",
    "relief from",
    "love",
    "whether",
    "prerequisite",
    "enjoy",
    "and more",
    "help with",
    "helps with",
    "clients with",
    "people with",
    "client with",
    "free of",
    "cases",
    "rule out",
    "ruled out",
    "differential",
    "versus",
    "distinguish",
    "separate",
    "separating",
    "differentiat",
    "telling",
    "elective",
    "one with",
)
#: a list after these words is what the course teaches, not a passing mention
_TAUGHT = (
    "topic",
    "cover",
    "covered",
    "curriculum",
    "syllabus",
    "you will learn",
    "youll learn",
    "you learn",
    "student learn",
    "we teach",
    "we cover",
    "agenda",
    "outline",
    "module",
)
_FOCUS = (
    "focus",
    "all about",
    "is about",
    "devoted to",
    "dedicated to",
    "specializ",
    "specialis",
    "master",
    "certification in",
    "certificate in",
    "training in",
    "course on",
    "course in",
    "techniques for",
    "protocol for",
    "protocols for",
    "treating",
    "treatment of",
    "treatment for",
    "sequence for",
    "approach for",
    "approach to",
    "assessment and treatment",
    "learn",
    "this course",
    "this workshop",
    "this module",
    "this class",
    "this certification",
    "this program",
    "this training",
    "this seminar",
    "class teach",
    "course teach",
    "in this",
)


@dataclass(frozen=True)
class InferredTerm:
    kind: str
    id: str
    centrality: Centrality
    confidence: float
    evidence: str
    provenance: Provenance = "inferred"


@dataclass
class _Hit:
    kind: str
    id: str
    where: Literal["title", "text"]
    sentence: int
    passing: bool
    negated: bool
    focus: bool
    fuzzy: bool
    evidence: str
    #: named in a sentence that lists many conditions (a survey): taught in part at most
    survey: bool = False
    #: named in a list introduced as what the course teaches ("Two topics get extended
    #: time: ..."): taught at least in part
    taught: bool = False


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"  # "injuries" -> "injury", "therapies" -> "therapy"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _tokens(text: str) -> list[tuple[str, int, int]]:
    folded = _fold(text).replace("'", "").replace("\u2019", "")
    return [(_stem(m.group()), m.start(), m.end()) for m in _WORD.finditer(folded)]


@dataclass
class TermIndex:
    """Every KB term of the kinds read, as token tuples, with a fuzzy vocabulary."""

    phrases: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)
    #: phrases of the kinds matched on their own (body regions)
    separate: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)
    #: condition id -> the body regions it sits in
    regions_of: dict[str, list[str]] = field(default_factory=dict)
    abbreviations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    known: frozenset[str] = frozenset()
    longest: int = 1
    #: words already looked up in the fuzzy vocabulary (the same words recur in every text)
    corrections: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> TermIndex:
        index = cls()
        vocab: set[str] = set()
        for kind in KINDS:
            for eid, entry in kb.entries(kind).items():
                texts = [entry.name, *getattr(entry, "synonyms", [])]
                texts += getattr(entry, "lay_phrases", [])
                phrases = index.separate if kind in _SEPARATE else index.phrases
                for text in texts:
                    key = tuple(t for t, _, _ in _tokens(text))
                    # a name and a synonym may fold to the same words ("Migraine",
                    # "migraines"): one entry, or every mention would count twice
                    if key and (kind, eid) not in phrases.get(key, []):
                        phrases.setdefault(key, []).append((kind, eid))
                        if kind not in _SEPARATE:
                            # body-region words are matched as written, never by spelling
                            # ("Mastery" is not "masseter")
                            vocab.update(key)
                for abbr in getattr(entry, "abbreviations", []):
                    if (kind, eid) not in index.abbreviations.get(abbr.upper(), []):
                        index.abbreviations.setdefault(abbr.upper(), []).append((kind, eid))
        index.regions_of = kb.condition_regions()
        index.vocabulary = sorted(w for w in vocab if len(w) >= 6)
        index.known = frozenset(vocab)
        index.longest = max((len(k) for k in (*index.phrases, *index.separate)), default=1)
        return index


def _corrected(word: str, index: TermIndex) -> str | None:
    if len(word) < 6 or word in index.known or word.isdigit():
        return None
    if word in index.corrections:
        return index.corrections[word]
    # one letter changed in a word of seven letters scores 85.7: too close to tell a typo
    # from another word ("rolling" is not "rolfing"); longer words may differ more
    cutoff = 86 if len(word) <= 7 else 80
    found = process.extractOne(word, index.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff)
    fixed = str(found[0]) if found is not None and found[0][0] == word[0] else None
    if len(index.corrections) < 200_000:
        index.corrections[word] = fixed
    return fixed


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCES.split(text) if s.strip()]


def _cue(words: Sequence[str], cues: Iterable[str]) -> bool:
    joined = " " + " ".join(words) + " "
    return any(f" {c}" in joined for c in cues)


def _scan(
    text: str, where: Literal["title", "text"], sentence_no: int, index: TermIndex
) -> list[_Hit]:
    toks = _tokens(text)
    words = [t for t, _, _ in toks]
    fixed = [(_corrected(w, index) or w) for w in words]
    hits: list[_Hit] = []
    used: set[int] = set()
    for phrases in (index.phrases, index.separate):
        separate = phrases is index.separate
        # a body region inside a condition's words ("low back pain") comes from the
        # condition, with the condition's centrality, not from the words themselves
        taken: set[int] = set(used) if separate else set()
        spelled = words if separate else fixed
        for size in range(min(index.longest, len(words)), 0, -1):
            for start in range(0, len(words) - size + 1):
                span = range(start, start + size)
                if any(i in taken for i in span):
                    continue
                key = tuple(spelled[start : start + size])
                found = phrases.get(key)
                if not found:
                    continue
                taken.update(span)
                fuzzy = key != tuple(words[start : start + size])
                found_hits = _hits_at(
                    text, toks, words, start, size, found, where, sentence_no, fuzzy
                )
                if separate and _tool_or_own_body(words, start, size):
                    for hit in found_hits:
                        hit.passing = True
                hits += found_hits
        if not separate:
            used = taken
    for m in re.finditer(r"\b[A-Za-z]{2,6}\b", text):
        token = m.group()
        found = index.abbreviations.get(token.upper())
        if not found or (token != token.upper() and len(token) < 3):
            continue
        position = sum(1 for _, s, _ in toks if s < m.start())
        if position in used:
            continue
        used.add(position)
        hits += _hits_at(text, toks, words, position, 1, found, where, sentence_no, False)
    return hits


#: words by which a description states the one subject of the course
_STATED = ("is about", "all about", "focus", "devoted to", "dedicated to", "only about")
_QUOTES = ('"', "\u201c", "\u201e", "\u00ab")
#: the CE category that names a format (live practice), not a subject
_FORMAT_CATEGORY = "hands-on"
_FINISHED = frozenset({"finishing", "finished", "completed", "completing", "completion"})
_TOOL_BEFORE = frozenset({"using", "use", "own", "from"})


def _tool_or_own_body(words: Sequence[str], start: int, size: int) -> bool:
    """True when a body part is the therapist's tool or own body, or where pain is referred
    from, not the region worked on: "forearm strokes", "using forearms and elbows", "your
    own hands and wrists", "pain referred from the neck"."""
    before = words[max(0, start - 3) : start]
    after = words[start + size : start + size + 1]
    return bool(_TOOL_BEFORE & set(before)) or before[-1:] == ["your"] or after == ["stroke"]


def _hits_at(
    text: str,
    toks: list[tuple[str, int, int]],
    words: list[str],
    start: int,
    size: int,
    found: list[tuple[str, str]],
    where: Literal["title", "text"],
    sentence_no: int,
    fuzzy: bool,
) -> list[_Hit]:
    before = words[max(0, start - 8) : start]
    after = words[start + size : start + size + 3]
    negated = bool(_NEGATIONS & set(before)) or _negated_after(text, toks, start + size, after)
    taught = _cue(words[:start], _TAUGHT)
    passing = not taught and (
        _cue(words[max(0, start - 8) : start], _PASSING) or _in_list(text, toks, start)
    )
    focus = _cue(words[: start + size + 1], _FOCUS)
    if where == "text" and (
        _FINISHED & set(before[-3:]) or (after[:1] in (["ends"], ["ended"], ["over"]))
    ):
        # "Finishing cancer treatment is...", "Cancer treatment ends": a stage the client
        # has left behind, named in passing
        passing = True
    if found[0][0] == "conditions" and after[:1] in (["surgery"], ["surgerie"], ["operation"]):
        # "After Breast Cancer Surgery": the reason for the operation, not the subject
        where, focus, passing = "text", False, True
    if after[:1] in (["risk"], ["risks"]):
        # "Lymphedema Risk": the course is about preventing the condition, not treating it;
        # in a title it is taught in part, elsewhere named in passing
        if where == "title":
            where, focus = "text", False
        else:
            passing = True
    lo = toks[max(0, start - 8)][1] if toks else 0
    hi = toks[min(len(toks) - 1, start + size + 8)][2] if toks else len(text)
    evidence = text[lo:hi].strip()
    return [
        _Hit(kind, eid, where, sentence_no, passing, negated, focus, fuzzy, evidence)
        for kind, eid in found
    ]


def _negated_after(
    text: str, toks: list[tuple[str, int, int]], end: int, after: Sequence[str]
) -> bool:
    """True when a negation follows the term in the same clause ("sciatica is not
    covered", "pregnancy contraindicated"); a negation opening a new clause or an aside
    ("low back pain (not for pregnant clients)") is about what follows it."""
    for offset, word in enumerate(after):
        if word in _AFTER_NEGATIONS:
            between = text[toks[end - 1][2] : toks[end + offset][1]]
            return not any(mark in between for mark in "(,;:!?.-\u2013\u2014")
    return False


def _in_list(text: str, toks: list[tuple[str, int, int]], start: int) -> bool:
    """True when the match sits in a run of three or more comma-separated items."""
    lo = toks[max(0, start - 10)][1]
    hi = toks[min(len(toks) - 1, start + 10)][2]
    return text[lo:hi].count(",") >= 2


_MODULE = re.compile(
    r"\b(?:module|unit|part|level|session|week)\s*[0-9ivx]+\s*[:.\-\u2013\u2014]\s*", re.I
)


def _without(text: str, name: str) -> str:
    """``text`` with every occurrence of ``name`` (case-insensitive) blanked out."""
    if not name.strip():
        return text
    return re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)


def module_subject(title: str) -> str:
    """A program module's own subject ('Survivorship and Lymphedema Risk' for 'Oncology
    Massage Certificate, Module 4: Survivorship and Lymphedema Risk'); else the title."""
    return _split_module(title)[1]


def _split_module(title: str) -> tuple[str, str]:
    """('Oncology Massage Certificate', 'Survivorship and Lymphedema Risk') for a module
    title 'Oncology Massage Certificate, Module 4: Survivorship and Lymphedema Risk'."""
    found = _MODULE.search(title)
    if found is None or not title[found.end() :].strip():
        return "", title
    return title[: found.start()].strip(" ,-:\u2013\u2014"), title[found.end() :]


def _list_items(sentences: list[str]) -> set[int]:
    """Indexes of sentences that are items of a list: three or more short fragments in a row."""
    short = [len(_WORD.findall(_fold(s))) <= 6 for s in sentences]
    out: set[int] = set()
    start = 0
    while start < len(short):
        end = start
        while end < len(short) and short[end]:
            end += 1
        if end - start >= 3:
            out.update(range(start, end))
        start = end + 1
    return out


def _taught_lists(sentences: list[str], listed: set[int]) -> set[int]:
    """Indexes of sentences introduced by "Topics:", "You will learn:" and the like (a
    sentence ending in a colon that names what is taught): the list after it, whether on
    one line or as bullet items, is what the course teaches."""
    out: set[int] = set()
    for number, sentence in enumerate(sentences):
        if not sentence.rstrip().endswith(":"):
            continue
        if not _cue(_WORD.findall(_fold(sentence)), _TAUGHT):
            continue
        following = number + 1
        if following < len(sentences):
            out.add(following)
        following += 1
        while following in listed:
            out.add(following)
            following += 1
    return out


def collect_hits(
    index: TermIndex, title: str, description: str | None, keywords: Sequence[str]
) -> list[_Hit]:
    """Every place the course's title, description, program name and keywords name a KB
    term, with the cues around it (passing, negated, focus, taught, survey)."""
    program, subject = _split_module(title)
    hits = _scan(subject, "title", 0, index)
    if program:
        # the description repeating the program's name is context too
        description = _without(description or "", program)
    sentences = _sentences(description or "")
    listed = _list_items(sentences)
    taught = _taught_lists(sentences, listed)
    for number, sentence in enumerate(sentences, start=1):
        found = _scan(sentence, "text", number, index)
        quoted = sentence.lstrip().startswith(_QUOTES)
        for hit in found:
            if quoted:
                # a client's or graduate's words ("My migraines went from weekly to once
                # a month."): a testimonial, named in passing
                hit.passing = True
            if number - 1 in taught:
                hit.passing = False
                hit.taught = True
            elif number - 1 in listed:
                hit.passing = True
        conditions = {h.id for h in found if h.kind == "conditions" and not h.negated}
        if len(conditions) >= SURVEY:
            for hit in found:
                hit.survey = True
        hits += found
    if program:
        # The program a module belongs to: where the module's own title (or the opening
        # of its description, as its focus) names a term of the same kind, the program's
        # term is context, named in passing; otherwise the module teaches the program's
        # subject ("Sports Massage Certification, Module 2:
        # Pre- and Post-Event").
        own_kinds = {
            h.kind
            for h in hits
            if not h.negated
            and (h.sentence == 0 or (h.focus and not h.passing and h.sentence <= 3))
        }
        for hit in _scan(program, "title", 0, index):
            if hit.kind in own_kinds:
                hit.where = "text"
                hit.sentence = 99
                hit.passing = True
            hits.append(hit)
    for keyword in keywords:
        hits += [
            _Hit(
                h.kind,
                h.id,
                "text",
                99,
                h.passing,
                h.negated,
                False,
                h.fuzzy,
                f"keyword: {keyword}",
            )
            for h in _scan(keyword, "text", 99, index)
        ]
    return hits


def read_course(
    index: TermIndex,
    title: str,
    description: str | None = None,
    keywords: Sequence[str] = (),
    declared: Sequence[tuple[str, str]] = (),
) -> list[InferredTerm]:
    """The KB terms a course names, each with its centrality, confidence and evidence.

    ``declared`` are (kind, id) pairs the provider tagged, already resolved to KB ids.
    """
    hits = _stated_subject(collect_hits(index, title, description, keywords))
    terms = _tools_of_condition(_examples_only(_aggregate(hits)))
    terms += _technique_category(terms)
    terms = _regions_of_conditions(terms, index)
    have = {(t.kind, t.id) for t in terms}
    for kind, eid in declared:
        if (kind, eid) not in have:
            terms.append(
                InferredTerm(kind, eid, "secondary", 0.7, "tagged by the provider", "declared")
            )
    return sorted(terms, key=lambda t: (t.kind, -RANK[t.centrality], -t.confidence, t.id))


def _stated_subject(hits: list[_Hit]) -> list[_Hit]:
    """A title naming several conditions ("Sciatica, Hamstring Strain or Piriformis
    Syndrome? Treating the Piriformis", "neuro clients - MS, parkinsons, stroke") whose
    description then says outright which one it is about ("This class is about piriformis
    syndrome", "its all about multiple sclerosis"): the other title conditions are judged
    by the description alone."""
    titled = {h.id for h in hits if h.kind == "conditions" and h.sentence == 0}
    if len(titled) < 2:
        return hits
    stated = {
        h.id
        for h in hits
        if h.kind == "conditions"
        and 1 <= h.sentence <= 3
        and not (h.passing or h.negated)
        and _cue(_WORD.findall(_fold(h.evidence)), _STATED)
    }
    if len(stated) != 1 or not stated <= titled:
        return hits
    return [
        h for h in hits if not (h.kind == "conditions" and h.sentence == 0 and h.id not in stated)
    ]


def _tools_of_condition(terms: list[InferredTerm]) -> list[InferredTerm]:
    """A title naming a condition and several techniques ("Lateral Epicondylalgia: DTFM,
    IASTM and Loading"): the condition is the subject and the techniques are its tools,
    each taught in part."""
    titled = [t for t in terms if t.centrality == "primary" and t.confidence >= 0.9]
    techniques = [t for t in titled if t.kind == "techniques"]
    if len(techniques) < 2 or not any(t.kind == "conditions" for t in titled):
        return terms
    return [
        replace(t, centrality="secondary", confidence=0.6) if t in techniques else t for t in terms
    ]


def _examples_only(terms: list[InferredTerm]) -> list[InferredTerm]:
    """In a course whose title names a CE subject other than massage technique (ethics,
    research, business...), conditions and techniques named only in the description are
    examples: mentioned, not taught."""
    subject = any(
        t.kind == "categories" and t.centrality == "primary" and t.id != "technique" for t in terms
    )
    clinical_title = any(
        t.kind in ("techniques", "conditions") and t.centrality == "primary" and t.confidence >= 0.9
        for t in terms
    )
    if not subject:
        return terms
    if any(
        t.kind == "categories" and t.centrality == "primary" and t.id in _EXAMPLE_SUBJECTS
        for t in terms
    ):
        # "Does Massage Help Back Pain? Reading the Research": the clinical topics are the
        # worked examples of a course on reading research
        return [
            InferredTerm(t.kind, t.id, "mentioned", 0.4, t.evidence, t.provenance)
            if t.kind in ("techniques", "conditions", "regions")
            else t
            for t in terms
        ]
    if clinical_title:
        # "Chair Massage as a Business", "Ethics in Sports Massage": the CE subject is the
        # course's subject; a technique the title also names is its setting, taught at
        # most in part.
        return [
            InferredTerm(t.kind, t.id, "secondary", 0.6, t.evidence, t.provenance)
            if t.kind == "techniques" and t.centrality == "primary"
            else t
            for t in terms
        ]
    return [
        InferredTerm(t.kind, t.id, "mentioned", 0.4, t.evidence, t.provenance)
        if t.kind in ("techniques", "conditions") and t.centrality == "secondary"
        else t
        for t in terms
    ]


def _technique_category(terms: list[InferredTerm]) -> list[InferredTerm]:
    """A course about a technique or a condition counts as CE on massage technique, unless
    the text names a CE subject of its own as its subject."""
    if any(t.kind == "categories" and t.centrality == "primary" for t in terms):
        return []
    if any(t.kind == "categories" and t.id == "technique" for t in terms):
        return []
    subject = next(
        (t for t in terms if t.kind in ("techniques", "conditions") and t.centrality == "primary"),
        None,
    ) or next(
        # a course that teaches a technique in part and names no subject of its own
        # ("Ashiatsu: ... broad, flowing deep tissue pressure with your feet")
        (t for t in terms if t.kind == "techniques" and t.centrality == "secondary"),
        None,
    )
    if subject is None:
        return []
    return [InferredTerm("categories", "technique", "primary", 0.6, subject.evidence)]


def _regions_of_conditions(terms: list[InferredTerm], index: TermIndex) -> list[InferredTerm]:
    """A course about a condition concerns the body region the condition sits in, as
    centrally as the condition ("Plantar Fasciitis Release" concerns the foot)."""
    regions = {t.id: t for t in terms if t.kind == "regions"}
    for term in terms:
        if term.kind != "conditions" or term.centrality == "mentioned":
            continue
        for rid in index.regions_of.get(term.id, []):
            have = regions.get(rid)
            if have is not None and RANK[have.centrality] >= RANK[term.centrality]:
                continue
            regions[rid] = InferredTerm(
                "regions",
                rid,
                term.centrality,
                round(term.confidence * 0.9, 2),
                term.evidence,
                term.provenance,
            )
    if any(
        t.kind == "categories" and t.id == "self-care" and t.centrality == "primary" for t in terms
    ):
        # a self-care course names the therapist's own wrists and shoulders
        regions = {
            rid: InferredTerm("regions", rid, "mentioned", 0.4, t.evidence, t.provenance)
            for rid, t in regions.items()
        }
    return [t for t in terms if t.kind != "regions"] + list(regions.values())


def _aggregate(hits: list[_Hit]) -> list[InferredTerm]:
    by_term: dict[tuple[str, str], list[_Hit]] = {}
    for hit in hits:
        by_term.setdefault((hit.kind, hit.id), []).append(hit)
    out = []
    for (kind, eid), found in by_term.items():
        centrality, confidence, best = _judge(found)
        if (kind, eid) == ("categories", _FORMAT_CATEGORY) and centrality == "primary":
            # hands-on practice is how a course is taught, never what it is about
            centrality, confidence = "secondary", 0.6
        if kind in _SEPARATE and centrality == "primary" and best.where != "title":
            # a body region is the subject only when the title names it (or a main
            # condition sits in it); named in the description, it is worked on in part
            centrality, confidence = "secondary", 0.6
        fuzzy = all(h.fuzzy for h in found)
        out.append(
            InferredTerm(
                kind, eid, centrality, round(confidence * (0.8 if fuzzy else 1.0), 2), best.evidence
            )
        )
    return out


def _judge(found: list[_Hit]) -> tuple[Centrality, float, _Hit]:
    plain = [h for h in found if not h.negated]
    title = [h for h in plain if h.where == "title"]
    if title:
        return "primary", 0.9, title[0]
    solid = [h for h in plain if not h.passing]
    if solid and all(h.survey for h in solid):
        # named in a survey of many conditions: never the subject, and named once without
        # a teaching cue, only in passing (as any condition)
        centrality, confidence, best = _judge(
            [h for h in found if not h.survey]
            or [replace(h, survey=False, focus=False) for h in found]
        )
        if centrality == "primary":
            return "secondary", 0.5, best
        return centrality, confidence, best
    early_focus = [h for h in solid if h.focus and h.sentence <= 2]
    if early_focus:
        return "primary", 0.75, early_focus[0]
    if len(solid) >= 3:
        return "primary", 0.7, solid[0]
    if solid and (
        found[0].kind != "conditions" or len(solid) >= 2 or any(h.focus or h.taught for h in solid)
    ):
        return "secondary", 0.6, solid[0]
    return "mentioned", 0.4, (plain or found)[0]
