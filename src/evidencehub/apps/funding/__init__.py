"""Funders database: funders, programmes, calls, past grants, search, matching
and deadlines."""
