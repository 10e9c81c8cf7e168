"""Did-you-mean among many ids: difflib's answer for short lists, a close one for long ones."""

from __future__ import annotations

import difflib
import random

from hypothesis import given
from hypothesis import strategies as st

from worktext.model.suggest import Suggestions, closest

ids = st.text(alphabet="abcdeft-0123456789", min_size=1, max_size=10)


@given(st.lists(ids, max_size=50), ids)
def test_a_short_list_gets_difflib_s_answer(candidates: list[str], word: str) -> None:
    expected = difflib.get_close_matches(word, list(dict.fromkeys(candidates)), n=1, cutoff=0.6)
    assert closest(word, candidates) == (expected[0] if expected else None)


def test_a_typo_among_ten_thousand_ids_finds_its_id() -> None:
    rng = random.Random(3)
    candidates = [f"TASK-{n}" for n in range(1, 10_001)] + ["infra-setup", "login-page"]
    suggestions = Suggestions(candidates)
    for _ in range(200):
        target = rng.choice(candidates)
        at = rng.randrange(len(target))
        typo = target[:at] + target[at + 1 :]  # one character dropped
        found = suggestions.closest(typo)
        assert found is not None, typo
        ratio = difflib.SequenceMatcher(None, typo, found).ratio()
        best = max(difflib.SequenceMatcher(None, typo, c).ratio() for c in [target, found])
        assert found == target or (ratio >= 0.6 and ratio >= best - 1e-9), (typo, found, target)
    assert suggestions.closest("login-pgae") == "login-page"
    assert suggestions.closest("zzzzzzzz") is None
