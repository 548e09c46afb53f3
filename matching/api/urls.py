from django.urls import path

from matching.api.views import JobMatchApi, MatchListApi, RecruiterJobMatchListApi

urlpatterns = [
    path("matches/", MatchListApi.as_view(), name="match-list"),
    path("jobs/<int:pk>/match/", JobMatchApi.as_view(), name="job-match"),
    path(
        "recruiter/jobs/<int:pk>/matches/",
        RecruiterJobMatchListApi.as_view(),
        name="recruiter-job-matches",
    ),
]
