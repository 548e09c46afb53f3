from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from config import health
from config.observability.metrics import metrics_view

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("resumes.api.urls")),
    path("", include("jobs.api.urls")),
    path("", include("applications.api.urls")),
    path("", include("matching.api.urls")),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:dashboard", permanent=False)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("portal/", include("accounts.urls")),
    path("portal/jobs/", include("jobs.urls")),
    path("portal/resumes/", include("resumes.urls")),
    path("portal/applications/", include("applications.urls")),
    path("portal/analytics/", include("analytics.urls")),
    path("portal/matches/", include("matching.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
