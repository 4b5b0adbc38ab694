"""Ensembles: many runs of a scenario with sampled uncertain numbers, reduced to quantiles."""
