"""Pure computations for organisation inputs: costs (C), sustainability and
funding (S), staff (ST), accessibility of materials (A) and policy alignment
(P), following ``reference/domain_kpis.md`` sections 2.7-2.11 and 5.

No Django here: every function takes plain values and returns plain values.
Money is :class:`decimal.Decimal` in one currency; mixing currencies raises
``ValueError`` (no exchange rates are applied anywhere).
"""
