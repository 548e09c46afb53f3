from django.urls import path

from jobs.api.views import JobDetailApi, JobListApi, JobSaveApi, SavedJobListApi

urlpatterns = [
    path("jobs/", JobListApi.as_view(), name="job-list"),
    path("jobs/saved/", SavedJobListApi.as_view(), name="job-saved-list"),
    path("jobs/<int:pk>/", JobDetailApi.as_view(), name="job-detail"),
    path("jobs/<int:pk>/save/", JobSaveApi.as_view(), name="job-save"),
]
