import os

from django.core.wsgi import get_wsgi_application

from config.observability.tracing import setup_tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Before the handler loads the middleware: the Django instrumentation adds one (when tracing).
setup_tracing(service_name="talentmatch-web")
application = get_wsgi_application()
