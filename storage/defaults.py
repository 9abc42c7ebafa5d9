"""Defaults the configuration needs before any database is opened (no SQLAlchemy import)."""

DEFAULT_DB_URL = "sqlite:///var/pledgewatch.db"
