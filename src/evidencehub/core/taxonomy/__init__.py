"""Published classification schemes that initiative profiles can be exported to."""
