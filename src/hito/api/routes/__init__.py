"""Thin routers, one per resource: each calls keyword-only store functions."""
