"""Django configuration: environment-driven settings and URL routing."""
