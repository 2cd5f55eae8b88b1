"""The book's models: pure numpy/scipy, no plotting, no widgets.

Each module carries its equations, units, allowed ranges and the citation
keys behind its defaults in its docstring:

* :mod:`widgets.models.dose_response`: hormesis (Brain–Cousens) versus context-dependence;
* :mod:`widgets.models.attention`: attention shared by salience, and signal detection;
* :mod:`widgets.models.interpretation`: reading a forming expression (drift-diffusion);
* :mod:`widgets.models.encounters`: Tom and Mary at church, the feedback loop;
* :mod:`widgets.models.studies`: many small studies, power and publication bias;
* :mod:`widgets.models.meta_analysis`: three real meta-analyses' studies, pooled;
* :mod:`widgets.models.attachment`: the anxiety × avoidance plane as model parameters.

Importing this package imports neither matplotlib nor ipywidgets.
"""

from .attachment import (
    ANXIETY_BIAS,
    ANXIETY_SALIENCE,
    ANXIETY_THRESHOLD,
    AVOIDANCE_BIAS,
    AVOIDANCE_SALIENCE,
    AttachmentProfile,
    attachment_profile,
)
from .attention import (
    DEFAULT_CHANNELS,
    DEFAULT_SOCIAL,
    FULL_D_PRIME,
    OXYTOCIN_BOOST,
    Attention,
    Detection,
    attend,
    simulate_detection,
)
from .dose_response import MAX_DOSE, BrainCousens, context_effect
from .encounters import Service, ServiceTrace, simulate_service, trace_service
from .interpretation import (
    MAX_PATH_VALUES,
    SALIENCE_GAIN,
    SPEEDUP,
    EvidencePaths,
    Expression,
    Perceiver,
    Readings,
    Solution,
    SolvedGrid,
    evidence_paths,
    read_expression,
    solve_expression,
    solve_expressions,
)
from .meta_analysis import (
    EggerTest,
    MetaAnalysis,
    Pooled,
    egger_test,
    load_meta_analyses,
    random_effects,
)
from .studies import Literature, ci_to_standard_error, simulate_literature, study_power

__all__ = [
    # dose_response
    "BrainCousens",
    "context_effect",
    "MAX_DOSE",
    # attention
    "Attention",
    "Detection",
    "attend",
    "simulate_detection",
    "DEFAULT_CHANNELS",
    "DEFAULT_SOCIAL",
    "OXYTOCIN_BOOST",
    "FULL_D_PRIME",
    # interpretation
    "Perceiver",
    "Expression",
    "Readings",
    "read_expression",
    "Solution",
    "SolvedGrid",
    "solve_expression",
    "solve_expressions",
    "EvidencePaths",
    "evidence_paths",
    "MAX_PATH_VALUES",
    "SALIENCE_GAIN",
    "SPEEDUP",
    # encounters
    "Service",
    "ServiceTrace",
    "simulate_service",
    "trace_service",
    # studies
    "Literature",
    "simulate_literature",
    "study_power",
    "ci_to_standard_error",
    # meta_analysis
    "MetaAnalysis",
    "Pooled",
    "EggerTest",
    "load_meta_analyses",
    "random_effects",
    "egger_test",
    # attachment
    "AttachmentProfile",
    "attachment_profile",
    "ANXIETY_BIAS",
    "AVOIDANCE_BIAS",
    "ANXIETY_THRESHOLD",
    "ANXIETY_SALIENCE",
    "AVOIDANCE_SALIENCE",
]
