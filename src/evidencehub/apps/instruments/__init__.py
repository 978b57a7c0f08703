"""Questionnaires: instruments as data, anonymous survey pages, pre/post
linkage by user-held codes, scoring and reliable change."""
