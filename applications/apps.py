from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self) -> None:
        from applications import webhooks
        from jobs.signals import job_changed

        # Integrators subscribe to job.published / job.closed webhooks.
        job_changed.connect(webhooks.on_job_changed, dispatch_uid="applications.job_webhooks")
