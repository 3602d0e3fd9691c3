"""The production setup in deploy/ (docs/deploy.md): systemd units, nginx site, gunicorn settings,
the environment template, and the production settings that serve static files and share a cache.

scripts/prod_smoke.sh runs the whole setup for real in CI; these tests keep the files honest
between runs: right commands and paths, hardening in place, no client address in any log format.
"""

import configparser
import datetime
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse
from gunicorn.app.base import Application
from gunicorn.config import Config
from gunicorn.glogging import Logger

from cases.admin.imports import MAX_UPLOAD_BYTES

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALL_DIR = "/srv/registry"
UNITS = ["registry-web.service", "registry-worker.service", "registry-beat.service"]


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(DEPLOY / "systemd" / name)
    return parser


class _ConfigFileOnly(Application):
    """gunicorn's own reading of a config file, without its command line (pytest's here)."""

    def load_config(self):
        self.load_config_from_file(str(DEPLOY / "gunicorn.conf.py"))

    def load(self):
        raise AssertionError("the tests never start the application")


def _gunicorn_config() -> Config:
    return _ConfigFileOnly().cfg


def _env_keys(path: Path) -> set[str]:
    return {
        line.split("=", 1)[0]
        for line in path.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }


# systemd units ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", UNITS)
def test_unit_runs_as_registry_user_with_the_env_file(name):
    service = _unit(name)["Service"]

    assert service["User"] == "registry"
    assert service["Group"] == "registry"
    assert service["WorkingDirectory"] == INSTALL_DIR
    assert service["EnvironmentFile"] == "/etc/registry/env"
    assert service["Restart"] == "on-failure"


@pytest.mark.parametrize("name", UNITS)
def test_unit_is_hardened_and_writes_only_below_var(name):
    service = _unit(name)["Service"]

    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ProtectHome"] == "yes"
    assert service["PrivateTmp"] == "yes"
    assert service["CapabilityBoundingSet"] == ""
    assert service["ReadWritePaths"] == f"{INSTALL_DIR}/var"


def test_web_unit_starts_gunicorn_with_the_repository_config():
    exec_start = _unit("registry-web.service")["Service"]["ExecStart"].split()

    assert exec_start[0] == f"{INSTALL_DIR}/.venv/bin/gunicorn"
    config = exec_start[exec_start.index("-c") + 1]
    assert config == f"{INSTALL_DIR}/deploy/gunicorn.conf.py"
    assert (ROOT / Path(config).relative_to(INSTALL_DIR)).is_file()
    assert exec_start[-1] == "registry.wsgi:application"
    assert (ROOT / "registry" / "wsgi.py").is_file()


def test_worker_unit_starts_a_celery_worker_of_the_registry_app():
    exec_start = _unit("registry-worker.service")["Service"]["ExecStart"].split()

    assert exec_start[:4] == [f"{INSTALL_DIR}/.venv/bin/celery", "-A", "registry", "worker"]
    assert "--concurrency=2" in exec_start


def test_beat_unit_keeps_its_schedule_in_the_writable_var_directory():
    service = _unit("registry-beat.service")["Service"]
    exec_start = service["ExecStart"].split()

    assert exec_start[:4] == [f"{INSTALL_DIR}/.venv/bin/celery", "-A", "registry", "beat"]
    schedule = next(arg.split("=", 1)[1] for arg in exec_start if arg.startswith("--schedule="))
    assert schedule.startswith(service["ReadWritePaths"] + "/")


# nginx -----------------------------------------------------------------------------------------


def _nginx() -> str:
    return (DEPLOY / "nginx" / "registry.conf").read_text()


def _directives(name: str) -> list[str]:
    """Every `name ...;` directive of the site, comments removed, joined over line breaks."""
    text = re.sub(r"#[^\n]*", "", _nginx())
    return [" ".join(match.split()) for match in re.findall(rf"(?<![\w$]){name}\s+([^;]*);", text)]


def test_nginx_log_format_names_no_client_address_or_query():
    (log_format,) = _directives("log_format")

    assert log_format.startswith("registry_noaddress ")
    for variable in (
        "$remote_addr",
        "$binary_remote_addr",
        "$http_x_forwarded_for",
        "$http_referer",
        "$realip_remote_addr",
        "$request_uri",
        "$args",
        "$query_string",
        "$request ",
    ):
        assert variable not in log_format + " "


def test_nginx_access_logs_all_use_the_format_without_addresses():
    access_logs = _directives("access_log")

    assert access_logs
    assert all(line.endswith(" registry_noaddress") for line in access_logs)
    assert all(line.endswith(" crit") for line in _directives("error_log"))


def test_nginx_terminates_tls_and_redirects_http():
    text = _nginx()

    assert "listen 443 ssl" in text
    assert _directives("ssl_certificate")
    assert _directives("ssl_protocols") == ["TLSv1.2 TLSv1.3"]
    assert "return 301 https://$host$request_uri;" in text


def test_nginx_passes_the_headers_the_registry_trusts_to_gunicorn():
    headers = _directives("proxy_set_header")

    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in headers
    assert "X-Forwarded-Proto $scheme" in headers
    assert "Host $host" in headers
    # The upstream is where gunicorn listens by default.
    assert _gunicorn_config().bind[0] in _directives("server")
    assert set(_directives("proxy_pass")) == {"http://registry_app"}


def test_nginx_rate_limits_the_staff_login_url():
    text = _nginx()
    login = reverse("two_factor:login")

    block = re.search(rf"location = {re.escape(login)} \{{(.*?)\}}", text, re.S)
    assert block is not None, f"no location block for {login}"
    assert "limit_req zone=registry_login" in block.group(1)
    assert "proxy_pass http://registry_app;" in block.group(1)


def test_nginx_accepts_uploads_as_large_as_the_import_allows():
    (size,) = _directives("client_max_body_size")

    assert size.endswith("m")
    assert int(size[:-1]) * 1024 * 1024 > MAX_UPLOAD_BYTES


# gunicorn --------------------------------------------------------------------------------------


def test_gunicorn_config_loads_with_loopback_bind_and_threads():
    cfg = _gunicorn_config()

    assert cfg.bind == ["127.0.0.1:8000"]
    assert cfg.worker_class_str == "gthread"
    assert cfg.workers == 5
    assert cfg.threads == 2
    assert cfg.timeout == 60
    assert cfg.wsgi_app == "registry.wsgi:application"
    assert cfg.accesslog == "-"


def test_gunicorn_workers_and_threads_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:8391")

    cfg = _gunicorn_config()

    assert (cfg.workers, cfg.threads, cfg.bind) == (3, 8, ["127.0.0.1:8391"])


def test_gunicorn_config_refuses_a_bad_worker_count(monkeypatch, capsys):
    monkeypatch.setenv("GUNICORN_WORKERS", "many")

    with pytest.raises(SystemExit):
        _gunicorn_config()

    assert "GUNICORN_WORKERS must be a whole number" in capsys.readouterr().err


def test_gunicorn_access_log_format_has_no_address_atom():
    log_format = _gunicorn_config().access_log_format

    for atom in ("%(h)s", "%({x-forwarded-for}i)s", "%({x-real-ip}i)s", "%(f)s", "%(a)s", "%(r)s", "%(q)s"):
        assert atom not in log_format


def test_gunicorn_access_line_leaves_out_address_and_query():
    cfg = _gunicorn_config()
    logger = Logger(cfg)
    environ = {
        "REMOTE_ADDR": "203.0.113.7",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/people/?q=Ivanou",
        "PATH_INFO": "/people/",
        "QUERY_STRING": "q=Ivanou",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = type("Response", (), {"status": "200 OK", "sent": 512, "headers": []})()
    request = type("Request", (), {"headers": [("X-FORWARDED-FOR", "198.51.100.9")]})()

    line = cfg.access_log_format % logger.atoms(response, request, environ, datetime.timedelta(seconds=0.02))

    assert '"GET /people/ HTTP/1.1" 200 512 20ms' in line
    assert "203.0.113.7" not in line
    assert "198.51.100.9" not in line
    assert "Ivanou" not in line


def test_gunicorn_error_log_has_addresses_removed():
    _gunicorn_config()
    error_log = logging.getLogger("gunicorn.error")
    record = error_log.makeRecord(
        "gunicorn.error", logging.WARNING, __file__, 1, "Invalid request from ip=198.51.100.4: bad", (), None
    )

    assert all(f.filter(record) for f in error_log.filters)
    assert "198.51.100.4" not in record.getMessage()
    assert sum(type(f).__name__ == "RedactAddresses" for f in error_log.filters) == 1


# environment -----------------------------------------------------------------------------------


def test_env_template_sets_only_variables_that_env_example_documents():
    template = _env_keys(DEPLOY / "registry.env")

    assert {"REGISTRY_ENV", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL", "CACHE_URL"} <= template
    assert template - _env_keys(ROOT / ".env.example") == set()


def test_env_template_is_production_with_a_shared_cache_and_the_proxy_counted():
    values = dict(
        line.split("=", 1)
        for line in (DEPLOY / "registry.env").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )

    assert values["REGISTRY_ENV"] == "production"
    assert values["DEBUG"] == "0"
    assert values["SECRET_KEY"] == ""  # filled in on the server, never in the repository
    assert values["FIELD_ENCRYPTION_KEYS"] == ""
    assert values["CACHE_URL"].startswith("redis://")
    assert values["CACHE_URL"] != values["CELERY_BROKER_URL"]
    assert values["TRUSTED_PROXY_COUNT"] == "1"


# settings --------------------------------------------------------------------------------------

_PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "from django.utils.module_loading import import_string; "
    "[import_string(m) for m in s.MIDDLEWARE]; "
    "print(s.MIDDLEWARE[1]); print(s.STORAGES['staticfiles']['BACKEND']); "
    "print(s.CACHES['default']['BACKEND']); print(s.CACHES['default'].get('LOCATION', '')); "
    "print(s.STATIC_ROOT)"
)


def _settings(env_overrides: dict) -> subprocess.CompletedProcess:
    keep = {"PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env |= {"DJANGO_SETTINGS_MODULE": "registry.settings", **env_overrides}
    return subprocess.run(
        [sys.executable, "-c", _PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def _production(**extra) -> dict:
    return {
        "REGISTRY_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "registry.example.org",
        **extra,
    }


def test_production_settings_serve_static_files_with_whitenoise_and_share_a_redis_cache():
    result = _settings(
        _production(CACHE_URL="redis://127.0.0.1:6379/1", STATIC_ROOT="/srv/registry/var/static")
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:5] == [
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/1",
        "/srv/registry/var/static",
    ]


def test_development_settings_need_no_collectstatic_and_no_redis():
    result = _settings({"REGISTRY_ENV": "development"})

    assert result.returncode == 0, result.stderr
    middleware, storage, cache, location, static_root = result.stdout.split("\n")[:5]
    assert middleware != "whitenoise.middleware.WhiteNoiseMiddleware"
    assert storage == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert cache == "django.core.cache.backends.locmem.LocMemCache"
    assert static_root == str(ROOT / "var" / "static")


def test_a_cache_url_that_is_not_redis_is_refused():
    result = _settings(_production(CACHE_URL="memcached://127.0.0.1:11211"))

    assert result.returncode != 0
    assert "CACHE_URL must be a redis://" in result.stderr


def test_manage_wrapper_runs_as_registry_with_the_env_file_read_not_sourced(tmp_path):
    script = DEPLOY / "manage.sh"
    env_file = tmp_path / "env"
    env_file.write_text("# comment\nREGISTRY_ENV=production\nRISK_ALERT_GROUP=Risk alerts\nODD=$HOME\n")
    # The wrapper without its switch to the registry user and its final exec, printing instead.
    body = script.read_text().replace('exec .venv/bin/python manage.py "$@"', "env")
    body = re.sub(r'if \[ "\$\(id -u\)" -eq 0 \]; then.*?\nfi\n', "", body, flags=re.S)
    probe = tmp_path / "deploy" / "manage.sh"
    probe.parent.mkdir()
    probe.write_text(body)

    result = subprocess.run(
        ["bash", str(probe)],
        env={"PATH": os.environ["PATH"], "REGISTRY_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert os.access(script, os.X_OK)
    assert "runuser -u registry" in script.read_text()
    assert "ENV_FILE=${REGISTRY_ENV_FILE:-/etc/registry/env}" in script.read_text()
    assert result.returncode == 0, result.stderr
    assert "RISK_ALERT_GROUP=Risk alerts" in result.stdout.splitlines()
    assert "ODD=$HOME" in result.stdout.splitlines()


def test_deploy_guide_names_each_file_it_installs():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    files = [
        "deploy/gunicorn.conf.py",
        "deploy/registry.env",
        "deploy/manage.sh",
        "deploy/nginx/registry.conf",
    ]

    for path in files + [f"deploy/systemd/{unit}" for unit in UNITS]:
        assert (ROOT / path).is_file(), path
        assert path in guide, path
