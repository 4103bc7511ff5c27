from django.contrib import admin
from django.urls import include, path

from moderation import views as moderation_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("messaging.urls")),
    path("staff/", include("moderation.urls")),
    path("report/", moderation_views.report, name="report"),
    path("", include("frontend.urls")),
    path("", include("scheduling.urls")),
]
