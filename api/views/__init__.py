"""The API's views, one module per family (``api/urls.py`` maps them)."""
