"""The model trained on past exam outcomes (BRIEF steps 3 and 9): LightGBM, calibrated, explained.

See docs/model.md.
"""

from seawall.risk.model.encoding import FeatureSpec, default_spec, with_derived
from seawall.risk.model.trained import Prediction, Reason, TrainedModel, blend, load
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
    "load",
    "selection_weights",
    "time_split",
    "train",
    "train_blended",
    "with_derived",
]
