"""The server's routes, one router per area: uploads (the front page), a job's page and its
solve, its downloads, its classes, and the re-plans and comparisons derived from its plan. Each
reaches the server's shared state through `scheduler.web.server.server`."""

from __future__ import annotations

from scheduler.web.routes import classes, derived, downloads, jobs, uploads

ROUTERS = [uploads.router, jobs.router, downloads.router, classes.router, derived.router]
