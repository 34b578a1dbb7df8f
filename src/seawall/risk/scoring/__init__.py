"""Scoring filings on the node: rules, watchlists and model combined, explained and stored."""
