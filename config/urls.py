from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from accounts import views as account_views
from accounts.middleware import second_factor_exempt
from moderation import views as moderation_views

# A plain page (frontend.middleware uses the same one in debug mode).
handler404 = "frontend.views.not_found"

urlpatterns = [
    # One sign-in and one sign-out for everything: the admin's own login would skip throttling and
    # the second step, and its logout would leave the session's sockets open.
    path("admin/login/", RedirectView.as_view(url="/accounts/login/", query_string=True)),
    path("admin/logout/", account_views.sign_out),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    # The page scripts' words in the page's language (frontend/static/frontend/i18n.js); the
    # sign-in and second-step pages load it too.
    path(
        "jsi18n/",
        second_factor_exempt(JavaScriptCatalog.as_view(domain="djangojs")),
        name="javascript-catalog",
    ),
    path("api/", include("messaging.urls")),
    path("staff/", include("moderation.urls")),
    path("report/", moderation_views.report, name="report"),
    path("", include("frontend.urls")),
    path("", include("scheduling.urls")),
    path("", include("programs.urls")),
]
