"""The Dockerfile and docker-compose.yml agree with the settings (Docker cannot run here)."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from config.testing import ROOT, free_port, wait_until
from config.tests.test_settings import boot, server_env

DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose_app_environment() -> dict[str, str]:
    """The app containers' environment, with ${VAR:-default} / ${VAR:?error} filled in."""

    def fill(match: re.Match[str]) -> str:
        name, kind, default = match.groups()
        if name == "DJANGO_SECRET_KEY":
            return secrets.token_urlsafe(50)
        assert kind == ":-", f"${{{name}}} needs a value from the user"
        return default

    environment = COMPOSE["x-app"]["environment"]
    return {
        name: re.sub(r"\$\{(\w+)(:[-?])?([^}]*)\}", fill, str(value))
        for name, value in environment.items()
    }


def test_the_compose_app_environment_boots_the_settings(tmp_path):
    result = boot(compose_app_environment(), tmp_path)
    assert result.returncode == 0, result.stderr


def test_the_compose_worker_consumes_every_worker_queue():
    command = COMPOSE["services"]["worker"]["command"]
    assert command[command.index("-Q") + 1].split(",") == settings.WORKER_QUEUES


def test_the_app_services_wait_for_migrations():
    for name in ("web", "worker", "beat"):
        depends_on = COMPOSE["services"][name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_the_image_fetches_the_htmx_version_make_fetches():
    makefile = (ROOT / "Makefile").read_text()
    make_version = re.search(r"^HTMX_VERSION := (\S+)$", makefile, re.M).group(1)
    assert re.search(r"^ARG HTMX_VERSION=(\S+)$", DOCKERFILE, re.M).group(1) == make_version


def test_the_image_collects_static_files_without_a_database(tmp_path):
    # The Dockerfile's collectstatic line, run the same way: its env values and nothing else.
    line = next(line for line in DOCKERFILE.splitlines() if "DJANGO_SECRET_KEY=" in line)
    build_env = dict(re.findall(r"(\w+)=(\S+)", line.removeprefix("RUN ")))
    assert set(build_env) == {"DJANGO_SECRET_KEY", "DATABASE_URL"}
    result = boot(build_env, tmp_path, "manage.py", "collectstatic", "--noinput")
    assert result.returncode == 0, result.stderr
    static_root = Path(tmp_path / "var" / "static")
    assert (static_root / "staticfiles.json").is_file()  # whitenoise's manifest (debug off)
    assert (static_root / "admin").is_dir()


def dockerfile_exec_form(instruction: str) -> list[str]:
    """The JSON argument list of the Dockerfile's CMD or HEALTHCHECK ... CMD."""
    pattern = rf"^{instruction}\b.*?(\[.*\])$"
    return json.loads(re.search(pattern, DOCKERFILE.replace("\\\n", ""), re.M).group(1))


@pytest.mark.slow
def test_the_image_command_serves_and_passes_the_image_healthcheck(tmp_path):
    port = free_port()
    command = [
        arg.replace("0.0.0.0:8000", f"127.0.0.1:{port}") for arg in dockerfile_exec_form("CMD")
    ]
    probe = [arg.replace(":8000", f":{port}") for arg in dockerfile_exec_form("HEALTHCHECK")]
    database = settings.DATABASES["default"]
    env = server_env(
        {
            "DJANGO_ALLOWED_HOSTS": "talentmatch.example.com",
            "DATABASE_URL": f"postgres://postgres@/{database['NAME']}?host={database['HOST']}",
            "PYTHONPATH": str(ROOT),  # the image's PYTHONPATH=/app
        },
        tmp_path,
    )
    bin_dir = Path(sys.executable).parent
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(bin_dir / command[0]), *command[1:]], cwd=ROOT, env=env, stdout=log, stderr=log
    )

    def healthy() -> bool:
        assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
        run = subprocess.run([sys.executable, *probe[1:]], env=env, capture_output=True)
        return run.returncode == 0

    try:
        wait_until(healthy, timeout=60, interval=0.5)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/readyz", headers={"Host": "talentmatch.example.com"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["status"] == "ok"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_every_management_command_compose_runs_exists():
    from django.core.management import get_commands

    commands = set(get_commands())
    for service in COMPOSE["services"].values():
        script = " ".join(service.get("command") or [])
        for name in re.findall(r"manage\.py (\w+)", script):
            assert name in commands, f"docker-compose.yml runs unknown command {name}"
