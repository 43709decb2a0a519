"""Background video analysis: a Huey queue (SQLite file locally, Redis at scale) and its worker."""
