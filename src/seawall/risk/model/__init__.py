"""The model trained on past exam outcomes (BRIEF steps 3 and 9): LightGBM, calibrated, explained.

See docs/model.md.

LightGBM, and the scikit-learn it imports, load when a model is first trained or read
(``trained.booster_of``, ``training.train``), not with this package: every ``seawall``
command imports the scorer, and the two took 1.1 s of each command's start. The API imports
them as it starts (``import_libraries``).
"""

from seawall.risk.model.encoding import FeatureSpec, default_spec, with_derived
from seawall.risk.model.trained import (
    Prediction,
    Reason,
    TrainedModel,
    blend,
    import_libraries,
    load,
)
from seawall.risk.model.training import (
    TrainingError,
    balanced_weights,
    selection_weights,
    time_split,
    train,
    train_blended,
)

__all__ = [
    "FeatureSpec",
    "Prediction",
    "Reason",
    "TrainedModel",
    "TrainingError",
    "balanced_weights",
    "blend",
    "default_spec",
    "import_libraries",
    "load",
    "selection_weights",
    "time_split",
    "train",
    "train_blended",
    "with_derived",
]
