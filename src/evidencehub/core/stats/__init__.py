"""Statistics for outcome evaluation, pure Python (stdlib ``math`` and
``statistics`` only). Every result carries ``method_id`` and
``method_version``; each method has a page under ``docs/methods/``."""

from evidencehub.core.stats.change import (
    PAIRED_ID,
    PAIRED_VERSION,
    WELCH_ID,
    WELCH_VERSION,
    GroupDifference,
    Interval,
    PairedChange,
    paired_change,
    welch_difference,
)
from evidencehub.core.stats.distributions import t_cdf, t_ppf, z_value
from evidencehub.core.stats.proportions import (
    WILSON_ID,
    WILSON_VERSION,
    Proportion,
    wilson_interval,
)
from evidencehub.core.stats.reliable_change import (
    CLASSES,
    JT_ID,
    JT_VERSION,
    Classification,
    Criterion,
    Cutoffs,
    classify,
    classify_pairs,
    clinical_cutoffs,
    minimum_reliable_change,
    reliable_change_index,
    s_diff,
    standard_error_of_measurement,
)

__all__ = [
    "CLASSES",
    "JT_ID",
    "JT_VERSION",
    "PAIRED_ID",
    "PAIRED_VERSION",
    "WELCH_ID",
    "WELCH_VERSION",
    "WILSON_ID",
    "WILSON_VERSION",
    "Classification",
    "Criterion",
    "Cutoffs",
    "GroupDifference",
    "Interval",
    "PairedChange",
    "Proportion",
    "classify",
    "classify_pairs",
    "clinical_cutoffs",
    "minimum_reliable_change",
    "paired_change",
    "reliable_change_index",
    "s_diff",
    "standard_error_of_measurement",
    "t_cdf",
    "t_ppf",
    "welch_difference",
    "wilson_interval",
    "z_value",
]
