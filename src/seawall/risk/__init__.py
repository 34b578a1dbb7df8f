"""Risk assessment (BRIEF step 3): rules, watchlists and the model that score each filing."""
