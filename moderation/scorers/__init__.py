"""Toxicity scorers behind one interface; `registry.get_scorer()` returns the configured one."""
