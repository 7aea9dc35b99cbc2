"""The API reference: Swagger UI from our own static files (drf-spectacular-sidecar),
its start script a separate file of ours, so the strict CSP (no inline script or
style, nothing from elsewhere) holds."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class Reference(SpectacularSwaggerSplitView):
    template_name = "api/reference.html"
