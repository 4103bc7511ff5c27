from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("messaging.urls")),
    path("", include("frontend.urls")),
    path("", include("scheduling.urls")),
]
