"""Renderings of hipcoach's data: Markdown, JSON, iCalendar, PDF, terminal."""
