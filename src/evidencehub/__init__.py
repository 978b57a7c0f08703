"""Prevention Evidence Hub: evaluation infrastructure for CSAE prevention services."""

__version__ = "0.1.0"
