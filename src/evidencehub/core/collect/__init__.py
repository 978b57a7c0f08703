"""Pure-Python parts of anonymous collection: vocabularies and validation of
service events, helpline contact records and aggregate figures, the daily-salted
visitor hash, and bot detection. No Django import (tests/core enforce it)."""
