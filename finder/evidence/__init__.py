"""Evidence for coordinators: anonymous demand counts, provision counts and monthly snapshots, gaps.

Counts only, never people (finder.domain.evidence holds the rules). `counting` adds one search or
stated need to the counts, `provision` counts what is published and keeps a monthly snapshot,
`gaps` puts the two together, `reading` sums the counts for the pages and CSV files, and `charts`
draws them as accessible SVG.
"""
