"""Initiatives, their logic models and evaluation plans (with ethics and data
protection)."""
