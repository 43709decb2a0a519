"""Server-rendered pages (Jinja2 + the vendored htmx): the same store queries the API uses."""
