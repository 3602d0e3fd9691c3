from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

admin.site.site_header = "Political-prisoner case registry"
admin.site.site_title = "Registry staff"
admin.site.index_title = "Cases, people and law data"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("public.urls")),
]

handler404 = "registry.errors.not_found"
handler500 = "registry.errors.server_error"
