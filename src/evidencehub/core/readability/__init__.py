"""Readability of materials, offline, with the formula suited to each
language (method ``evidencehub.readability`` version 1).

| lang | formula | score | target |
|---|---|---|---|
| en | Flesch Reading Ease (Flesch 1948) | 206.835 - 1.015 W/S - 84.6 Sy/W | ≥ 60 |
| de | Amstad (1978) Flesch for German | 180 - W/S - 58.5 Sy/W | ≥ 60 |
| nl | Flesch-Douma (Douma 1960) | 206.835 - 0.93 W/S - 77 Sy/W | ≥ 60 |
| fr | Kandel & Moles (1958) | 207 - 1.015 W/S - 73.6 Sy/W | ≥ 60 |
| es | Szigriszt-Pazos perspicuity (1993) | 206.835 - 62.3 Sy/W - W/S | ≥ 55 [1] |
| it | Gulpease (Lucisano & Piemontese 1988) | 89 + (300 S - 10 L) / W | ≥ 60 |

[1] INFLESZ "normal" band, Barrio-Cantalejo et al. 2008.

W words, S sentences, Sy syllables, L letters. Spanish uses Szigriszt-Pazos
rather than Fernández Huerta (1959) because sources disagree on Fernández
Huerta's sentence term (sentences per 100 words in the original versus words
per sentence in later corrections), while Szigriszt-Pazos is stated
unambiguously in words per sentence.

Counting (ours, following the definitions; textstat 0.7.8 departs from them):
sentences end at ``.``, ``!``, ``?`` or ``…`` followed by space or the end,
and at line breaks (a heading or a list item is a sentence); textstat instead
drops "sentences" of two words or fewer. Words are tokens with at least one
letter or digit (hyphenated compounds and elisions like ``l'enfant`` are one
word). Letters for Gulpease are alphabetic characters only (textstat counts
all non-space characters, digits included). Syllables come from textstat's
counter (CMU Pronouncing Dictionary for English, Pyphen hyphenation patterns
otherwise), all shipped with the packages, so no network is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

METHOD_ID = "evidencehub.readability"
METHOD_VERSION = "1"


@dataclass(frozen=True)
class Formula:
    id: str
    name: str
    source: str
    target: float
    higher_is_easier: bool = True


FORMULAS: dict[str, Formula] = {
    "en": Formula(
        "flesch_reading_ease",
        "Flesch Reading Ease",
        "Flesch, R. (1948) A new readability yardstick. J Appl Psychol 32:221-233",
        60,
    ),
    "de": Formula(
        "amstad",
        "Flesch-Amstad (German)",
        "Amstad, T. (1978) Wie verständlich sind unsere Zeitungen? "
        "Dissertation, Universität Zürich",
        60,
    ),
    "nl": Formula(
        "flesch_douma",
        "Flesch-Douma (Dutch)",
        "Douma, W. H. (1960) De leesbaarheid van landbouwbladen. Wageningen",
        60,
    ),
    "fr": Formula(
        "kandel_moles",
        "Kandel-Moles (French)",
        "Kandel, L. & Moles, A. (1958) Application de l'indice de Flesch à la langue "
        "française. Cahiers Études de Radio-Télévision 19:253-274",
        60,
    ),
    "es": Formula(
        "szigriszt_pazos",
        "Szigriszt-Pazos perspicuity (Spanish)",
        "Szigriszt Pazos, F. (1993) Sistemas predictivos de legibilidad del mensaje "
        "escrito: fórmula de perspicuidad. Universidad Complutense de Madrid; "
        "INFLESZ scale: Barrio-Cantalejo et al. (2008) An Sist Sanit Navar 31:135-152",
        55,
    ),
    "it": Formula(
        "gulpease",
        "Gulpease index (Italian)",
        "Lucisano, P. & Piemontese, M. E. (1988) GULPEASE: una formula per la "
        "predizione della difficoltà dei testi in lingua italiana. "
        "Scuola e Città 3:110-124",
        60,
    ),
}
LANGUAGES = tuple(FORMULAS)

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)\]]*\s+|\n+")
_TOKEN = re.compile(r"[^\s]+")
_EDGE = re.compile(r"^[^\w]+|[^\w]+$", re.UNICODE)


@lru_cache(maxsize=20000)
def _syllables(word: str, lang: str) -> int:
    from textstat.backend.counts import count_syllables  # type: ignore[import-untyped,unused-ignore]

    if not any(c.isalpha() for c in word):
        return 1
    return max(1, int(count_syllables(word.lower(), lang)))


def split_sentences(text: str) -> list[str]:
    """Sentences: ends at . ! ? … followed by whitespace, and at line breaks."""
    parts = _SENTENCE_END.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    return [p.strip() for p in parts if p and words(p)]


def words(text: str) -> list[str]:
    """Tokens with at least one letter or digit, edge punctuation removed."""
    out = []
    for tok in _TOKEN.findall(text):
        core = _EDGE.sub("", tok)
        if any(c.isalnum() for c in core):
            out.append(core)
    return out


@dataclass(frozen=True)
class Counts:
    sentences: int
    words: int
    syllables: int
    letters: int


def count(text: str, lang: str) -> Counts:
    """Counts for ``text``.

    Raises:
        ValueError: unsupported language.
    """
    if lang not in FORMULAS:
        raise ValueError(
            f"language: {lang!r} is not supported; use one of {', '.join(LANGUAGES)}"
        )
    sentences = split_sentences(text)
    ws = [w for s in sentences for w in words(s)]
    letters = sum(1 for w in ws for c in w if c.isalpha())
    syll = 0 if lang == "it" else sum(_syllables(w, lang) for w in ws)
    return Counts(len(sentences), len(ws), syll, letters)


def score_counts(c: Counts, lang: str) -> float | None:
    """The language's formula on counts; None without words."""
    if c.words == 0 or c.sentences == 0:
        return None
    wps = c.words / c.sentences
    spw = c.syllables / c.words
    if lang == "en":
        return 206.835 - 1.015 * wps - 84.6 * spw
    if lang == "de":
        return 180 - wps - 58.5 * spw
    if lang == "nl":
        return 206.835 - 0.93 * wps - 77 * spw
    if lang == "fr":
        return 207 - 1.015 * wps - 73.6 * spw
    if lang == "es":
        return 206.835 - 62.3 * spw - wps
    if lang == "it":
        return 89 + (300 * c.sentences - 10 * c.letters) / c.words
    raise ValueError(f"language: {lang!r} is not supported")


@dataclass(frozen=True)
class HardSentence:
    text: str
    score: float
    words: int


@dataclass(frozen=True)
class Readability:
    language: str
    formula: Formula
    score: float | None
    target: float
    meets_target: bool | None
    counts: Counts
    hardest: tuple[HardSentence, ...]
    method: str = f"{METHOD_ID}@{METHOD_VERSION}"


def assess(
    text: str, lang: str, *, target: float | None = None, hardest: int = 3
) -> Readability:
    """Score ``text`` in ``lang`` and list the ``hardest`` sentences that
    score below the target, hardest first (scores are rounded to 1 place).

    Raises:
        ValueError: unsupported language.
    """
    c = count(text, lang)
    formula = FORMULAS[lang]
    goal = formula.target if target is None else target
    raw = score_counts(c, lang)
    score = None if raw is None else round(raw, 1)
    hard: list[HardSentence] = []
    for sentence in split_sentences(text):
        s_score = score_counts(count(sentence, lang), lang)
        if s_score is not None and s_score < goal:
            hard.append(HardSentence(sentence, round(s_score, 1), len(words(sentence))))
    hard.sort(key=lambda h: (h.score, -h.words))
    return Readability(
        language=lang,
        formula=formula,
        score=score,
        target=goal,
        meets_target=None if score is None else score >= goal,
        counts=c,
        hardest=tuple(hard[:hardest]),
    )
