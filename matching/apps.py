from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        from jobs.signals import job_changed
        from matching import receivers
        from resumes.signals import profile_updated

        job_changed.connect(receivers.on_job_changed, dispatch_uid="matching.job_changed")
        profile_updated.connect(
            receivers.on_profile_updated, dispatch_uid="matching.profile_updated"
        )
