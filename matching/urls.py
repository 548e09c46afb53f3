from django.urls import path

from matching import views

app_name = "matching"
urlpatterns = [
    path("jobs/<int:job_id>/", views.job_matches, name="job-matches"),
    path("jobs/<int:job_id>/recompute/", views.job_recompute, name="job-recompute"),
    path("<int:match_id>/feedback/", views.match_feedback, name="match-feedback"),
]
