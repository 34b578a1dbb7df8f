"""The declarative rule language, its feature record, and the rule packs (BRIEF step 3).

Read ``docs/rules.md`` first. The node calls, in this order:

- :func:`seawall.risk.rules.store.active_rules` for the packs in force (shipped, overridden or
  extended by packs loaded with ``seawall rules load``; :func:`~seawall.risk.rules.store.save_pack`
  checks and stores one, all or nothing, through :func:`seawall.risk.rules.packs.load_pack`),
- :func:`seawall.risk.rules.features.filing_features` (one filing) or
  :func:`seawall.risk.rules.features.feature_frame` (many) to build feature records,
- :func:`seawall.risk.rules.evaluate.score_record` (one record, in a request) or
  :func:`seawall.risk.rules.vectorized.score_frame` (a Polars frame, in bulk).
"""
