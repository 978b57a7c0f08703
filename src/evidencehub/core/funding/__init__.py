"""Pure-Python core of the funders database: vocabularies, text folding and
safe query building, deadline parsing, eligibility and matching, 360Giving
reading/validation/writing, iCalendar and CommonGrants shapes."""
