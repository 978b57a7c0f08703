from __future__ import annotations

import itertools

import pytest

from evidencehub.core import codes


def test_generated_codes_use_the_alphabet_and_validate() -> None:
    for _ in range(200):
        code = codes.generate_code()
        assert len(code) == 9
        assert not set(code) & set("0O1IL")
        assert codes.normalise_code(code) == code


def test_display_and_normalisation() -> None:
    code = codes.generate_code()
    shown = codes.format_code(code)
    assert shown == f"{code[:4]}-{code[4:8]}-{code[8]}"
    assert codes.normalise_code(shown.lower().replace("-", " ")) == code


def test_every_single_substitution_is_detected() -> None:
    code = "ABCD2345" + codes.check_character("ABCD2345")
    for i, ch in itertools.product(range(9), codes.ALPHABET):
        if ch == code[i]:
            continue
        changed = code[:i] + ch + code[i + 1 :]
        assert not codes.is_valid_code(changed), changed


def test_every_transposition_is_detected() -> None:
    code = "XK7QM2RZ" + codes.check_character("XK7QM2RZ")
    for i, j in itertools.combinations(range(9), 2):
        if code[i] == code[j]:
            continue
        swapped = list(code)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        assert not codes.is_valid_code("".join(swapped))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ABCD", "9 characters"),
        ("ABCD-0FGH-J", "never contain"),
        ("ABCD-EFGH-JK", "9 characters"),
        ("ABCD-EFGH-$", "never use"),
    ],
)
def test_errors_are_plain(text: str, message: str) -> None:
    with pytest.raises(codes.CodeError, match=message):
        codes.normalise_code(text)


def test_keyed_hash_depends_on_the_secret() -> None:
    code = codes.generate_code()
    a = codes.code_hash(code, b"a" * 32)
    assert a == codes.code_hash(codes.format_code(code).lower(), b"a" * 32)
    assert a != codes.code_hash(code, b"b" * 32)
    assert code not in a and len(a) == 64
    with pytest.raises(ValueError, match="16 bytes"):
        codes.keyed_hash("x", b"short")


def test_pseudonyms() -> None:
    secret = b"s" * 32
    assert codes.pseudonym_hash(" Blue  Heron ", secret) == codes.pseudonym_hash(
        "blue heron", secret
    )
    with pytest.raises(codes.CodeError):
        codes.pseudonym_hash("ab", secret)
    assert codes.pseudonym_hash("blue heron", secret) != codes.code_hash(
        codes.generate_code(), secret
    )
