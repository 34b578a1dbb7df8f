"""The targeting worklist: per port and day, ranked by risk, cut at the port's exam capacity,
with a reproducible random compliance share (BRIEF step 4). See docs/worklist.md."""
