"""What every page kind shares: authentication, CSRF, rate limits, security headers, locale middleware, templating and rendering, running a search for a page."""
