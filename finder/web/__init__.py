"""The web layer: the Starlette app, middleware, routes by audience and templating glue."""
