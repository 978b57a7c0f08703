"""Pure-Python domain logic: no Django import is allowed anywhere below here.

The rule is enforced by ruff (banned-api `django` for this package) and by
`tests/core/test_core_is_pure.py`, which imports every module with Django absent.
"""
