from django.urls import path

from resumes.api import views

urlpatterns = [
    path("resumes/", views.ResumeListCreateApi.as_view(), name="resume-list"),
    path("resumes/<uuid:resume_id>/", views.ResumeDetailApi.as_view(), name="resume-detail"),
    path(
        "resumes/<uuid:resume_id>/download/",
        views.ResumeDownloadApi.as_view(),
        name="resume-download",
    ),
    path(
        "resumes/<uuid:resume_id>/primary/",
        views.ResumeSetPrimaryApi.as_view(),
        name="resume-set-primary",
    ),
    path("resumes/<uuid:resume_id>/retry/", views.ResumeRetryApi.as_view(), name="resume-retry"),
    path("profile/", views.ProfileApi.as_view(), name="profile"),
    path("profile/jsonresume/", views.ProfileJsonResumeApi.as_view(), name="profile-jsonresume"),
]
