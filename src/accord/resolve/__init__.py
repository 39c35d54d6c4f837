"""Cross-list resolution: link the records of different lists that are one real-world entity.

The pipeline (see ``docs/resolve.md``): records → keys → blocking (DuckDB SQL) → comparison
(weighted features, decision rules) → links with evidence → constrained union-find clusters with
stable ids → the divergence report and the harmonized view.
"""
