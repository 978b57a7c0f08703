"""KPI definitions (the catalogue), engine contracts, scorecards and evidence
levels. Pure Python: the SQL lives in ``evidencehub.apps.kpis``."""

from evidencehub.core.kpis.definitions import (
    Catalogue,
    KpiDefinition,
    KpiDefinitionError,
    comparable,
    export_package,
    import_package,
    load_catalogue,
    parse_definition,
)
from evidencehub.core.kpis.results import (
    KpiResult,
    Method,
    Period,
    PeriodError,
    parse_period,
)

__all__ = [
    "Catalogue",
    "KpiDefinition",
    "KpiDefinitionError",
    "KpiResult",
    "Method",
    "Period",
    "PeriodError",
    "comparable",
    "export_package",
    "import_package",
    "load_catalogue",
    "parse_definition",
    "parse_period",
]
