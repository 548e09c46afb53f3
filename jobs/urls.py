from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.job_create, name="create"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/edit/", views.job_edit, name="edit"),
    path("<int:pk>/analysis/", views.job_analysis, name="analysis"),
    path("<int:pk>/duplicate/", views.job_duplicate, name="duplicate"),
    path("<int:pk>/publish/", views.job_publish, name="publish"),
    path("<int:pk>/close/", views.job_close, name="close"),
    path("<int:pk>/delete/", views.job_delete, name="delete"),
]
