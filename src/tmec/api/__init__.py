"""The REST API (``/api/v1``) and the web application over the library: ``create_app(settings)``."""

from tmec.api.app import create_app
from tmec.api.settings import Settings

__all__ = ["Settings", "create_app"]
