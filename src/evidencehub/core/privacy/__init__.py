"""Differential privacy for figures released across organisations."""
