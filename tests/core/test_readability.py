"""Readability per language, on texts counted by hand (sentences, words,
syllables, letters) and the formulas' published coefficients."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from evidencehub.core.readability import FORMULAS, assess, count, split_sentences


@pytest.mark.parametrize(
    ("lang", "text", "counts", "score"),
    [
        # 2 sentences, 9 one-syllable words: 206.835 - 1.015 x 4.5 - 84.6 x 1
        ("en", "The cat sat on the mat. The dog ran.", (2, 9, 9), 117.7),
        # Amstad: 180 - 8/2 - 58.5 x 9/8 (Mut-ter = 2)
        ("de", "Das Kind spielt. Die Mutter liest ein Buch.", (2, 8, 9), 110.2),
        # Douma: 206.835 - 0.93 x 7/2 - 77 x 8/7 (bui-ten = 2)
        ("nl", "De kat slaapt. Het kind speelt buiten.", (2, 7, 8), 115.6),
        # Kandel-Moles: 207 - 1.015 x 7/2 - 73.6 x 9/7 (mai-son, pe-tite)
        ("fr", "Le chat dort. La maison est petite.", (2, 7, 9), 108.8),
        # Szigriszt-Pazos: 206.835 - 62.3 x 11/7 - 7/2
        ("es", "El gato come. La casa es grande.", (2, 7, 11), 105.4),
    ],
)
def test_flesch_family_by_hand(
    lang: str, text: str, counts: tuple[int, int, int], score: float
) -> None:
    c = count(text, lang)
    assert (c.sentences, c.words, c.syllables) == counts
    assert assess(text, lang).score == score


def test_gulpease_by_hand() -> None:
    # 2 sentences, 9 words, 36 letters ("è" is a letter):
    # 89 + (300 x 2 - 10 x 36) / 9 = 115.7
    text = "Il gatto è sul tavolo. Oggi piove molto forte."
    c = count(text, "it")
    assert (c.sentences, c.words, c.letters) == (2, 9, 36)
    assert assess(text, "it").score == 115.7


def test_flesch_classic_sentence() -> None:
    # One sentence, 13 words, 24 syllables (CMU dictionary: Aus-tral-ian 3,
    # pla-ty-pus 3, seem-ing-ly 3, rep-til-ian 3):
    # 206.835 - 1.015 x 13 - 84.6 x 24/13 = 37.5
    text = (
        "The Australian platypus is seemingly a hybrid of a mammal and "
        "reptilian creature."
    )
    r = assess(text, "en")
    assert (r.counts.words, r.counts.syllables) == (13, 24)
    assert r.score == 37.5
    assert r.meets_target is False
    assert r.hardest[0].text == text


def test_sentence_rules_differ_from_textstat_on_purpose() -> None:
    # textstat 0.7.8 drops "sentences" of <= 2 words; the definitions count them
    assert len(split_sentences("Stop. Think now. This is a longer sentence.")) == 3
    # line breaks end a sentence (headings, list items); decimals do not
    assert split_sentences("Help\nCall us on 0800 now. It costs 0.00 euro.") == [
        "Help",
        "Call us on 0800 now.",
        "It costs 0.00 euro.",
    ]


def test_hardest_sentences_and_targets() -> None:
    text = (
        "We listen. You can talk to us. Comprehensive multidisciplinary "
        "consultations facilitate individualised therapeutic interventions."
    )
    r = assess(text, "en")
    assert len(r.hardest) == 1
    assert r.hardest[0].text.startswith("Comprehensive")
    assert r.hardest[0].score < 0
    # a target of the organisation's own overrides the language's default
    assert assess("The cat sat.", "en", target=200).meets_target is False
    assert FORMULAS["es"].target == 55
    assert all(FORMULAS[k].target == 60 for k in ("en", "de", "nl", "fr", "it"))


def test_empty_and_unsupported() -> None:
    r = assess("   ", "de")
    assert r.score is None and r.meets_target is None
    with pytest.raises(ValueError, match="language"):
        assess("Hello.", "pt")


def test_no_network_needed(monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for lang in FORMULAS:
        assert assess("Eins zwei drei vier. Uno due tre.", lang).score is not None
