"""KPI catalogue and engine: core criteria for success, scorecards and evidence
levels."""
