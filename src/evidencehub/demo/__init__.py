"""Synthetic demo data. Every organisation, person and figure is invented and
labelled as such; nothing describes real people or real events."""
