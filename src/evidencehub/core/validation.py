"""Validation of codes used in initiative profiles.

* Countries: ISO 3166-1 alpha-2 (ISO 3166-1:2020), the officially assigned codes.
* Languages: BCP 47 (IETF RFC 5646, 2009) well-formedness for the common
  ``language[-Script][-REGION]`` shape; private-use and grandfathered tags are not
  accepted because no profile needs them.
"""

from __future__ import annotations

import re

# ISO 3166-1 alpha-2 officially assigned codes (249), ISO 3166-1:2020.
ISO_3166_ALPHA2: frozenset[str] = frozenset(
    """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE
BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD
CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF
GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK
TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS YE YT ZA ZM ZW
""".split()  # noqa: SIM905 - a block of codes reads better
)

_BCP47 = re.compile(
    r"^(?P<language>[a-z]{2,3})"
    r"(?:-(?P<script>[A-Z][a-z]{3}))?"
    r"(?:-(?P<region>[A-Z]{2}|[0-9]{3}))?$"
)


def normalise_country(code: str) -> str:
    """Return the upper-case ISO 3166-1 alpha-2 code.

    Raises:
        ValueError: when ``code`` is not an assigned alpha-2 code.
    """
    value = code.strip().upper()
    if value not in ISO_3166_ALPHA2:
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 country code")
    return value


def normalise_language(tag: str) -> str:
    """Return ``tag`` in BCP 47 canonical case (``de``, ``pt-BR``, ``sr-Latn-RS``).

    Raises:
        ValueError: when ``tag`` is not a well-formed ``language[-Script][-REGION]``.
    """
    pieces = tag.strip().replace("_", "-").split("-")
    if not pieces or not pieces[0]:
        raise ValueError(f"'{tag}' is not a BCP 47 language tag")
    canonical = [pieces[0].lower()]
    for piece in pieces[1:]:
        if len(piece) == 4:
            canonical.append(piece.title())
        else:
            canonical.append(piece.upper())
    value = "-".join(canonical)
    if not _BCP47.match(value):
        raise ValueError(f"'{tag}' is not a BCP 47 language tag")
    return value
