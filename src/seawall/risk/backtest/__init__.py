"""Backtests of targeting methods on labelled declarations (BRIEF "What good means").

See docs/backtest.md.
"""

from seawall.risk.backtest.mapping import BacktestError, ColumnMap, load_mapping, map_frame
from seawall.risk.backtest.metrics import AtRate, at_rate
from seawall.risk.backtest.run import METHODS, Report, backtest, read_data, rule_scores

__all__ = [
    "METHODS",
    "AtRate",
    "BacktestError",
    "ColumnMap",
    "Report",
    "at_rate",
    "backtest",
    "load_mapping",
    "map_frame",
    "read_data",
    "rule_scores",
]
