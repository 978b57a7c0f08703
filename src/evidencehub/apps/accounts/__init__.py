"""Organisations, people, roles, consortia, sign-in and two-factor authentication."""
