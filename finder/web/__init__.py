"""The web layer: the Starlette app, its kit (auth, CSRF, rate limits, security headers, templating) and routes by audience: public/, partners/, backoffice/, sharing/."""

# The {name:id} path convertor, registered before any route is made.
from finder.web.kit import convertors  # noqa: F401
