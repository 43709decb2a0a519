"""The web app: REST API (and, on top of it, server-rendered pages) over hipcoach.store."""
