"""The roles of API keys, weakest first: each can do what the roles before it can.

Apart from :mod:`tmec.store.access` so that the CLI can name them without loading SQLAlchemy.
"""

ROLES = ("viewer", "analyst", "certifier", "admin")
