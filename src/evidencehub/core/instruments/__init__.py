"""Instruments as data: definitions (:mod:`.schema`), scoring
(:mod:`.scoring`), reading and the shipped catalogue (:mod:`.loader`) and
REDCap import (:mod:`.redcap`). Pure Python."""

from evidencehub.core.instruments.loader import (
    catalogue,
    catalogue_instrument,
    dump_json,
    dump_yaml,
    parse_text,
)
from evidencehub.core.instruments.schema import (
    Instrument,
    InstrumentError,
    Item,
    instrument_to_dict,
    offence_detail_findings,
    parse_instrument,
)
from evidencehub.core.instruments.scoring import (
    METHOD_ID,
    METHOD_VERSION,
    AnswerError,
    Score,
    risk_flags,
    round_score,
    score,
    validate_answers,
)

__all__ = [
    "METHOD_ID",
    "METHOD_VERSION",
    "AnswerError",
    "Instrument",
    "InstrumentError",
    "Item",
    "Score",
    "catalogue",
    "catalogue_instrument",
    "dump_json",
    "dump_yaml",
    "instrument_to_dict",
    "offence_detail_findings",
    "parse_instrument",
    "parse_text",
    "risk_flags",
    "round_score",
    "score",
    "validate_answers",
]
