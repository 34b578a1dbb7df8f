"""The declarative rule language, its feature record, and the rule packs (BRIEF step 3).

Read ``docs/rules.md`` first. The node calls, in this order:

- :func:`seawall.risk.rules.packs.load_pack` to read a pack (all or nothing),
- :func:`seawall.risk.rules.features.filing_features` (one filing) or
  :func:`seawall.risk.rules.features.feature_frame` (many) to build feature records,
- :func:`seawall.risk.rules.evaluate.score_record` (one record, in a request) or
  :func:`seawall.risk.rules.vectorized.score_frame` (a Polars frame, in bulk).
"""
