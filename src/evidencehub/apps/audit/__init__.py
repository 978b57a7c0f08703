"""Append-only audit log of sign-ins, changes and exports."""
