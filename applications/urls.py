from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("jobs/<int:job_id>/", views.pipeline_list, name="list"),
    path("jobs/<int:job_id>/board/", views.pipeline_board, name="board"),
    path("jobs/<int:job_id>/stages/", views.job_stages, name="job_stages"),
    path("stages/", views.company_stages, name="stages"),
    path("<uuid:pk>/", views.application_detail, name="detail"),
    path("<uuid:pk>/move/", views.application_move, name="move"),
    path("<uuid:pk>/reopen/", views.application_reopen, name="reopen"),
    path("<uuid:pk>/resume/", views.application_resume, name="resume"),
    path(
        "<uuid:pk>/resume/pages/<int:page>/",
        views.application_resume_page,
        name="resume_page",
    ),
    path("<uuid:pk>/notes/", views.application_note, name="note"),
    path(
        "<uuid:pk>/scorecards/<int:stage_id>/",
        views.application_scorecard,
        name="scorecard",
    ),
    path("notifications/", views.notification_bell, name="bell"),
    path("notifications/read/", views.notification_read, name="notifications_read"),
    path(
        "notifications/settings/",
        views.notification_settings,
        name="notification_settings",
    ),
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook"),
    path("emails/", views.email_templates, name="email_templates"),
    path("emails/preview/", views.email_template_preview, name="email_preview"),
    path("emails/<slug:stage_slug>/", views.email_template_edit, name="email_template"),
]
