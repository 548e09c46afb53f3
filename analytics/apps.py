from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"

    def ready(self) -> None:
        # The audit log listens to login, MFA, admin and event signals (analytics/audit).
        from analytics.audit import receivers

        receivers.connect()
