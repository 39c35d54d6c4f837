"""Official sanctions lists: the source registry, parsers, versions, diffs and the change feed."""
