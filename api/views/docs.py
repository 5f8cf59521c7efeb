"""The OpenAPI 3 schema (generated from the code) and Swagger UI, both served from packages:
the UI's initialiser is a script of its own (the site's CSP allows no inline script)."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    pass


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    title = "CivicDesk API"
