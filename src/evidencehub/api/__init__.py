"""Shared pieces of the REST API: error handling and tenancy permissions."""
