"""The REST API of Buurtmakelaar (``/api/v1/``, issue #17): see ``api/urls.py``."""
