"""Settings for the test suite: demo mode, a fixed key, fast password hashing.

The suite runs on SQLite by default and on PostgreSQL when ``DATABASE_URL`` is
set, with everything else as in production code.
"""

from __future__ import annotations

import os

os.environ.setdefault("EVIDENCEHUB_DEMO", "1")
os.environ.setdefault("EVIDENCEHUB_TESTING", "1")
os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
)

from evidencehub.config.settings import *  # noqa: F403
from evidencehub.config.settings import PASSWORD_HASHERS as _PRODUCTION_HASHERS

# Argon2 is slow by design; tests that need it say so (test_passwords_use_argon2).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *_PRODUCTION_HASHERS,
]

# Serve static files from the app folders without a collectstatic step.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's shared-cache in-memory database: the browser tests'
    # live server writes from another thread, and shared-cache SQLite answers
    # such overlaps with "table is locked" at once instead of waiting the busy
    # timeout, as WAL on a file does (and as production does).
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(
            tempfile.gettempdir(), f"evidencehub-test-{os.getpid()}.sqlite3"
        )
    }
