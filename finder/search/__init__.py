"""Full-text search over the published catalogue: Whoosh schema, index, queries, filters."""
