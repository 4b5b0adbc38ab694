"""A Flee-compatible ruleset: run Flee's validation cases on hito's engine."""
