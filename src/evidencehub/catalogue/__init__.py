"""Shipped data: taxonomies, catalogues and instruments (YAML/JSON)."""
