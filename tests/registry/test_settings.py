"""Settings come from the environment and fail loudly on missing or bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from registry.env import env_bool, env_choice, env_int

ROOT = Path(__file__).resolve().parents[2]


def _start(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "REGISTRY_ENV", "DEBUG"}}
    env |= {"DJANGO_SETTINGS_MODULE": "registry.settings", **env_overrides}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _start({})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_starts_with_secret_key_and_field_key():
    from cryptography.fernet import Fernet

    result = _start(
        {
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "registry.example.org",
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_unknown_environment_name_is_refused():
    result = _start({"REGISTRY_ENV": "staging"})
    assert "REGISTRY_ENV must be one of" in result.stderr


def test_embedded_default_is_sqlite_with_in_process_tasks():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DEBUG"}}
    env |= {"DJANGO_SETTINGS_MODULE": "registry.settings", "REGISTRY_ENV": "development"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"], result.stderr


def test_database_url_and_broker_switch_to_postgresql_and_a_real_broker():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = dict(os.environ) | {
        "DJANGO_SETTINGS_MODULE": "registry.settings",
        "REGISTRY_ENV": "development",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/somedb",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "somedb", "False"], result.stderr


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("off", False), ("0", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", not value) is value


def test_env_bool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be one of"):
        env_bool("SOME_FLAG", False)


def test_env_int_refuses_words_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("SOME_NUMBER", 1)
    monkeypatch.setenv("SOME_NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("SOME_NUMBER", 1, minimum=0)


def test_env_choice_refuses_an_unknown_value(monkeypatch):
    monkeypatch.setenv("SOME_CHOICE", "c")
    with pytest.raises(ImproperlyConfigured, match="SOME_CHOICE must be one of"):
        env_choice("SOME_CHOICE", "a", {"a", "b"})
