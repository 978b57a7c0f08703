# ruff: noqa: E501 - the messages must match core character for character
"""Strings from `evidencehub.core` that pages show, marked for translation.

core/ cannot import Django, so its English texts are listed here for
`makemessages`; templates translate them at run time with `{% translate value %}`.
`tests/apps/test_i18n.py` checks this list matches core.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

EVIDENCE_CONDITIONS = (
    gettext_noop(
        "Counts of activity describe delivery but compare no outcomes, so no impact can be claimed."
    ),
    gettext_noop(
        "Before-after change in users linked by a code they keep, without a comparison group: preliminary evidence only."
    ),
    gettext_noop(
        "Change from the start to the end of one call, chat or session, without a comparison group: preliminary evidence only."
    ),
    gettext_noop(
        "SMS 3 and EIF Level 3 only with a justified comparison series; without one the ceiling is SMS 2 and EIF Level 2."
    ),
    gettext_noop(
        "Random assignment of messages reaches SMS 5 for the proximal outcome measured (e.g. click-through), not for later behaviour."
    ),
    gettext_noop(
        "A well-run randomised trial with validated measures and follow-up of non-completers; EIF Level 4 needs several rigorous studies and an effect lasting at least a year, which one study cannot show."
    ),
    gettext_noop("Describe the design; its level must be judged by an evaluator."),
)
