"""Recruiter portal, split by page: a job's pipeline (kanban board and list with bulk actions),
one application's page, the notification bell and email templates, company configuration
(stages, questions, rejection reasons, webhooks). `applications/urls.py` routes to these."""

from applications.views.application import (
    application_detail,
    application_note,
    application_resume,
    application_resume_page,
    application_scorecard,
)
from applications.views.configuration import (
    company_stages,
    job_stages,
    webhook_detail,
    webhook_list,
)
from applications.views.messaging import (
    email_template_edit,
    email_template_preview,
    email_templates,
    notification_bell,
    notification_read,
)
from applications.views.pipeline import (
    application_move,
    application_reopen,
    pipeline_board,
    pipeline_list,
)
from applications.views.preferences import notification_settings

__all__ = [
    "application_detail",
    "application_move",
    "application_note",
    "application_reopen",
    "application_resume",
    "application_resume_page",
    "application_scorecard",
    "company_stages",
    "email_template_edit",
    "email_template_preview",
    "email_templates",
    "job_stages",
    "notification_bell",
    "notification_read",
    "notification_settings",
    "pipeline_board",
    "pipeline_list",
    "webhook_detail",
    "webhook_list",
]
