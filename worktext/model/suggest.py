""" "Did you mean …?" among thousands of ids, fast.

``difflib.get_close_matches`` compares the word with every candidate: fine for the states of a
workflow, too slow for a reference to one of 10,000 task ids repeated over thousands of
dangling references (an adopted backlog has them). ``Suggestions`` indexes the candidates by
their character pairs once, asks difflib only about the few dozen that share the most
uncommon pairs with the word, and remembers each answer. For a short list it is difflib's
answer exactly.

``best_match`` is ``get_close_matches(word, pool, n=1)`` with the same answer, faster: its
second bound (difflib's ``quick_ratio``, the letters the two have in common) counts over the
word's letters against each candidate's letter counts, which are counted once, instead of
counting the candidate's letters afresh for every word (a fifth of the did-you-means of an
adopted backlog's 1,700 dangling references).
"""

from __future__ import annotations

import difflib
import functools
from collections import Counter
from collections.abc import Iterable

SHORTLIST = 24  # candidates difflib compares the word with, at most
SMALL = 200  # below this many candidates, difflib sees them all
RAREST = 3  # the word's character pairs whose candidates are counted: the rarest ones...
BUDGET = 1500  # ...and more of them while their candidates number fewer than this


def _pairs(text: str) -> set[str]:
    folded = text.casefold()
    return {folded[i : i + 2] for i in range(len(folded) - 1)} or {folded}


class Suggestions:
    def __init__(self, candidates: Iterable[str], cutoff: float = 0.6) -> None:
        self.candidates = list(dict.fromkeys(candidates))
        self.cutoff = cutoff
        self._memo: dict[str, str | None] = {}
        self._index: dict[str, list[int]] | None = None
        self._letters: dict[str, dict[str, int]] = {}

    def closest(self, word: str) -> str | None:
        if word not in self._memo:
            self._memo[word] = self._closest(word)
        return self._memo[word]

    def _closest(self, word: str) -> str | None:
        pool = self.candidates
        if len(pool) > SMALL:
            pool = self._shortlist(word)
        return best_match(word, pool, self.cutoff, self._letters)

    def _shortlist(self, word: str) -> list[str]:
        if self._index is None:
            index: dict[str, list[int]] = {}
            for number, candidate in enumerate(self.candidates):
                for pair in _pairs(candidate):
                    index.setdefault(pair, []).append(number)
            self._index = index
        # The pairs that tell candidates apart: the rarest first; a pair nearly every
        # candidate has ("ta", "sk" of task-N) says nothing and costs the most. The pairs in
        # their own order first, so that ties fall the same way in every process (a set's
        # order changes with the hash seed).
        pairs = sorted(_pairs(word))
        postings = sorted((self._index.get(p, []) for p in pairs), key=len)
        common = len(self.candidates) // 4
        useful: list[list[int]] = []
        total = 0
        for posting in postings:  # the rarest pairs, at least three, within a budget
            if not posting:
                continue
            enough = len(useful) >= RAREST
            if useful and (len(posting) > common or (enough and total + len(posting) > BUDGET)):
                break
            useful.append(posting)
            total += len(posting)
        scores: Counter[int] = Counter()
        for posting in useful:
            scores.update(posting)
        return [self.candidates[n] for n, _ in scores.most_common(SHORTLIST)]


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``word`` if any is close enough (difflib's measure); the
    answers for short lists are remembered (a workspace misspells the same key or status in
    thousands of files)."""
    pool = tuple(candidates)
    if len(pool) > SMALL:
        return Suggestions(pool, cutoff).closest(word)
    return _closest_of_few(word, pool, cutoff)


@functools.lru_cache(maxsize=4096)
def _closest_of_few(word: str, pool: tuple[str, ...], cutoff: float) -> str | None:
    return best_match(word, list(dict.fromkeys(pool)), cutoff, {})


def best_match(
    word: str, pool: Iterable[str], cutoff: float, letters: dict[str, dict[str, int]]
) -> str | None:
    """``difflib.get_close_matches(word, pool, n=1, cutoff)``'s answer, or None: the
    candidate of the highest ratio at least ``cutoff`` (of two, the greater string), tried
    only when difflib's two upper bounds of the ratio reach ``cutoff``. ``letters``: each
    candidate's letter counts, filled in as they are counted."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)  # as difflib does: the word is b, each candidate a
    mine = _letters(word).items()
    size = len(word)
    top: tuple[float, str] | None = None
    for candidate in pool:
        length = len(candidate)
        total = length + size  # difflib's ratios are 2.0 * matches / total, 1.0 for 0 / 0
        if total and 2.0 * (length if length < size else size) / total < cutoff:
            continue  # real_quick_ratio
        theirs = letters.get(candidate)
        if theirs is None:
            theirs = letters[candidate] = _letters(candidate)
        common = 0
        for letter, count in mine:  # a loop, not sum(min(...)): this is the hot line
            have = theirs.get(letter)
            if have:
                common += count if count < have else have
        if total and 2.0 * common / total < cutoff:
            continue  # quick_ratio
        matcher.set_seq1(candidate)
        ratio = matcher.ratio()
        if ratio >= cutoff and (top is None or (ratio, candidate) > top):
            top = (ratio, candidate)
    return top[1] if top is not None else None


def _letters(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for letter in text:
        counts[letter] = counts.get(letter, 0) + 1
    return counts
