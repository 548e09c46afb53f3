from django.urls import path

from resumes import views

app_name = "resumes"
urlpatterns = [
    path("", views.resume_list, name="list"),
    path("upload/", views.resume_upload, name="upload"),
    path("<uuid:resume_id>/", views.resume_detail, name="detail"),
    path("<uuid:resume_id>/download/", views.resume_download, name="download"),
    path("<uuid:resume_id>/retry/", views.resume_retry, name="retry"),
]
