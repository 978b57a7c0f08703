"""Anonymous collection: events API, cookieless snippet, contact records,
aggregate figures, user-held codes, rollups and retention."""
