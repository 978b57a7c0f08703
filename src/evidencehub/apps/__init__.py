"""Django apps, one per domain, each wrapping its counterpart in `evidencehub.core`."""
