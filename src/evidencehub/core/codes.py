"""User-held codes: random codes a service user keeps, so that later answers
(questionnaire waves, repeat helpline contacts) can be linked without identity.

Shape of a code: 8 random characters from a 31-character alphabet that leaves
out the easily confused ``0 O 1 I L``, plus one check character, shown in
groups as ``ABCD-EFGH-J``. 31**8 ≈ 8.5e11 codes.

Method sources:

* random, user-held codes rather than self-generated codes built from personal
  facts, and an unambiguous alphabet: ``reference/domain_kpis.md`` §4.1
  (recommendation 1; CANDIDATE tool, Sandnes et al. 2021, PLoS ONE 16(12)).
* check character: a weighted sum modulo a prime, the construction of ISBN-10
  (ISO 2108, 1970; Gallian, "The mathematics of identification numbers",
  College Math. J. 22(3), 1991). With weights 1..9 and the prime modulus 31,
  every single-character substitution and every transposition of two
  characters (adjacent or not) changes the sum and is detected.
* storage: only a keyed hash, HMAC-SHA-256 (RFC 2104, 1997) with a secret per
  initiative, so the same code used at two initiatives gives unrelated hashes
  and a stolen table cannot be checked against guessed codes without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MODULUS = len(ALPHABET)  # 31, a prime
BODY_LENGTH = 8
CODE_LENGTH = BODY_LENGTH + 1
NEVER_USED = frozenset("0O1IL")
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}

assert MODULUS == 31  # noqa: S101 - the error-detection argument needs a prime


class CodeError(ValueError):
    """A code that is malformed or whose check character does not match.

    ``str(exc)`` is a plain sentence that can be shown to the person who typed it.
    """


def check_character(body: str) -> str:
    """Return the check character for an 8-character ``body`` (already
    normalised). The full code's weighted sum sum((i + 1) * v_i) over 9
    positions is 0 mod 31.

    Raises:
        CodeError: ``body`` has the wrong length or a character outside the
            alphabet.
    """
    if len(body) != BODY_LENGTH or any(ch not in _VALUE for ch in body):
        raise CodeError("A code body is 8 characters from the code alphabet.")
    total = sum((i + 1) * _VALUE[ch] for i, ch in enumerate(body))
    # Solve 9 * c ≡ -total (mod 31); pow(9, -1, 31) is the inverse of 9.
    value = (-total * pow(CODE_LENGTH, -1, MODULUS)) % MODULUS
    return ALPHABET[value]


def generate_code() -> str:
    """A new random code (normalised, 9 characters) from ``secrets``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_character(body)


def normalise_code(text: str) -> str:
    """Upper-case ``text`` and drop spaces and hyphens; return 9 characters.

    Raises:
        CodeError: wrong length, a character that codes never use, or a wrong
            check character. The message says which, in plain words.
    """
    cleaned = "".join(
        ch
        for ch in unicodedata.normalize("NFKC", str(text)).upper()
        if ch not in " -_.\t\u00a0"
    )
    if any(ch in NEVER_USED for ch in cleaned):
        raise CodeError(
            "Codes never contain the letters O, I or L or the digits 0 or 1. "
            "Please check the code you wrote down."
        )
    if len(cleaned) != CODE_LENGTH:
        raise CodeError(
            f"A code has {CODE_LENGTH} characters; this one has {len(cleaned)}."
        )
    if any(ch not in _VALUE for ch in cleaned):
        raise CodeError("The code contains a character that codes never use.")
    if check_character(cleaned[:BODY_LENGTH]) != cleaned[BODY_LENGTH]:
        raise CodeError(
            "This code does not look right: one character may have been "
            "mistyped or two swapped. Please check it."
        )
    return cleaned


def is_valid_code(text: str) -> bool:
    try:
        normalise_code(text)
    except CodeError:
        return False
    return True


def format_code(code: str) -> str:
    """``ABCDEFGHJ`` → ``ABCD-EFGH-J`` for display (input is normalised first)."""
    c = normalise_code(code)
    return f"{c[:4]}-{c[4:8]}-{c[8]}"


def keyed_hash(value: str, secret: bytes) -> str:
    """HMAC-SHA-256 of ``value`` (UTF-8) under ``secret``; 64 hex characters.

    Raises:
        ValueError: a secret shorter than 16 bytes.
    """
    if len(secret) < 16:
        raise ValueError("secret: at least 16 bytes are needed")
    return hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()


def code_hash(code: str, secret: bytes) -> str:
    """Keyed hash of a user-held code after normalisation (raises CodeError)."""
    return keyed_hash("code:" + normalise_code(code), secret)


def normalise_pseudonym(text: str) -> str:
    """A pseudonym a caller chooses (e.g. "blue heron"): case, accents-as-typed,
    and runs of spaces do not matter. Returns the normalised form.

    Raises:
        CodeError: empty, shorter than 3 or longer than 60 characters.
    """
    cleaned = " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())
    if len(cleaned) < 3:
        raise CodeError("A pseudonym needs at least 3 characters.")
    if len(cleaned) > 60:
        raise CodeError("A pseudonym can have at most 60 characters.")
    return cleaned


def pseudonym_hash(text: str, secret: bytes) -> str:
    """Keyed hash of a caller-chosen pseudonym (raises CodeError)."""
    return keyed_hash("pseudonym:" + normalise_pseudonym(text), secret)
