"""Every read that is not full-text search: listings for pages and feeds (`listings`), the back office's questions (`review`)."""
