"""The database: models, migrations, and queries that always take the acting user."""
