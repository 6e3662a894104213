"""Pages for newcomers: home, results, course and organisation pages, help, and /search.json."""
