from django.contrib import admin
from django.urls import path

admin.site.site_header = "Political-prisoner case registry"
admin.site.site_title = "Registry staff"
admin.site.index_title = "Cases, people and law data"

urlpatterns = [
    path("admin/", admin.site.urls),
]
