"""The back office under /backoffice/: accounts, moderation, listings, history, outbox."""

from finder.web.backoffice import auth_routes, courses, moderation, users

routes = [*auth_routes.routes, *moderation.routes, *courses.routes, *users.routes]
