"""The production files, checked without Docker (not available here; hadolint neither): the
compose file's services, networks, ports and secrets; the Dockerfiles' pinned base images,
non-root users and lock file; the production endpoints, credentials and .env.example agree."""

from __future__ import annotations

import importlib
import json
import os
import re
from pathlib import Path

import pytest
import yaml

from bot.config import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
DOCKERFILES = [DEPLOY / "Dockerfile.rasa", DEPLOY / "Dockerfile.actions"]
PINNED_TAG = re.compile(r"^[\w./-]+:\d+\.\d+(\.\d+)?[\w.-]*(@sha256:[0-9a-f]{64})?$")
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|TOKEN|_KEY|_SID)$")
ENV_REFERENCE = re.compile(r"\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}")


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yml").read_text())


def _env_example_names() -> dict[str, str]:
    names = {}
    for line in (REPO_ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            names[name.strip()] = value.strip()
    return names


def _instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined."""
    text = re.sub(r"\\\n", " ", path.read_text())
    result = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            word, _, rest = stripped.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


# --- compose ------------------------------------------------------------------------------


def test_compose_has_the_services_and_only_the_rasa_server_has_a_port() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "migrate", "actions", "rasa"}
    with_ports = {name: s["ports"] for name, s in services.items() if s.get("ports")}
    assert list(with_ports) == ["rasa"]
    for mapping in with_ports["rasa"]:
        assert str(mapping).startswith("127.0.0.1:"), "never on the public interface"


def test_compose_images_are_pinned_and_app_containers_are_locked_down() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        image = service["image"]
        if "build" in service:
            assert service["build"]["dockerfile"] in {
                "deploy/Dockerfile.rasa",
                "deploy/Dockerfile.actions",
            }
            assert (REPO_ROOT / service["build"]["dockerfile"]).exists()
        else:
            assert PINNED_TAG.match(image), f"{name}: {image} is not pinned to a version"
    for name in ("migrate", "actions", "rasa"):
        service = services[name]
        assert service["read_only"] is True, name
        assert "no-new-privileges:true" in service["security_opt"], name
        assert service["cap_drop"] == ["ALL"], name


def test_compose_keeps_the_backend_private_and_starts_in_order() -> None:
    compose = _compose()
    assert compose["networks"]["backend"]["internal"] is True
    services = compose["services"]
    for name in ("postgres", "redis", "actions", "migrate"):
        assert services[name]["networks"] == ["backend"], name
    assert services["rasa"]["depends_on"]["actions"]["condition"] == "service_healthy"
    assert services["actions"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert "db-upgrade" in " ".join(services["migrate"]["command"])


def test_compose_secrets_come_from_the_environment_only() -> None:
    text = (DEPLOY / "compose.yml").read_text()
    services = _compose()["services"]
    for name, service in services.items():
        environment = service.get("environment") or {}
        for key, value in environment.items():
            if SECRET_NAME.search(key):
                assert ENV_REFERENCE.search(str(value)), f"{name}.{key} must come from .env"
    # Required secrets fail the start when missing (":?"), rather than being empty.
    for secret in ("SIGNPOST_PSEUDONYM_KEY", "POSTGRES_PASSWORD", "SIGNPOST_REDIS_PASSWORD"):
        assert "${" + secret + ":?" in text
    documented = set(_env_example_names()) | {"SIGNPOST_DB_PASSWORD"}
    referenced = set(ENV_REFERENCE.findall(text))
    assert referenced <= documented, referenced - documented


def test_the_postgres_init_script_takes_passwords_from_the_environment() -> None:
    script = DEPLOY / "postgres-init.sh"
    assert os.access(script, os.X_OK)
    body = script.read_text()
    assert "PASSWORD :'app_password'" in body and "$SIGNPOST_DB_PASSWORD" in body
    compose_mount = _compose()["services"]["postgres"]["volumes"]
    assert any("postgres-init.sh:/docker-entrypoint-initdb.d/" in v for v in compose_mount)


# --- Dockerfiles --------------------------------------------------------------------------


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfile_base_images_are_pinned(dockerfile: Path) -> None:
    bases = [args.split()[0] for word, args in _instructions(dockerfile) if word == "FROM"]
    assert bases
    for base in bases:
        assert PINNED_TAG.match(base), f"{base} is not pinned to an exact version"
        assert not base.endswith(":latest")


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfile_runs_as_a_non_root_user_with_the_lock_file(dockerfile: Path) -> None:
    steps = _instructions(dockerfile)
    users = [args for word, args in steps if word == "USER"]
    assert users and users[-1] not in {"root", "0"}, "the last USER must not be root"
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    assert any(word == "USER" for word, _ in steps[last_from:])
    installs = " ".join(args for word, args in steps if word == "RUN")
    assert "-r requirements.lock" in installs
    assert "--no-deps -e ." in installs  # the project itself adds nothing unpinned
    assert any(word == "HEALTHCHECK" for word, _ in steps)
    assert not any(word == "ADD" for word, _ in steps), "COPY only, never ADD (no URLs)"
    for word, args in steps:
        if word == "COPY" and not args.startswith("--from"):
            *sources, _target = args.split()
            for source in sources:
                assert (REPO_ROOT / source).exists(), f"{dockerfile.name}: {source} missing"


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_secrets_and_local_data_stay_out_of_the_build(dockerfile: Path) -> None:
    ignore = dockerfile.with_name(dockerfile.name + ".dockerignore").read_text().split()
    for kept_out in (".env", ".venv", "var", "models", "*.db", ".git"):
        assert kept_out in ignore, kept_out


def test_the_rasa_image_keeps_the_http_api_off() -> None:
    command = dict(_instructions(DEPLOY / "Dockerfile.rasa"))["CMD"]
    assert "--enable-api" not in command
    for part in ("endpoints.production.yml", "credentials.yml", "logging.yml"):
        assert part in command


def test_the_rasa_image_starts_rasa_with_the_speed_fixes() -> None:
    """What docs/performance.md measured: `rasa` through the launcher, not plain `rasa`."""
    from components.rasa_server import main

    command = json.loads(dict(_instructions(DEPLOY / "Dockerfile.rasa"))["CMD"])
    assert command[:4] == ["python", "-m", "components.rasa_server", "run"]
    assert callable(main)


# --- endpoints, credentials, environment ----------------------------------------------------


def test_production_endpoints_use_the_production_stores() -> None:
    text = (REPO_ROOT / "endpoints.production.yml").read_text()
    endpoints = yaml.safe_load(text)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    store = endpoints["tracker_store"]
    assert store["type"] == "components.redacting_tracker_store.RedactingSQLTrackerStore"
    assert store["dialect"] == "postgresql"
    module, _, name = store["type"].rpartition(".")
    assert hasattr(importlib.import_module(module), name)
    assert endpoints["lock_store"]["type"] == "redis"
    # Rasa only expands ${VAR} in plain (unquoted) values.
    assert not re.search(r"[\"']\$\{", text)
    names = set(_env_example_names())
    assert set(ENV_REFERENCE.findall(text)) <= names


def test_production_credentials_have_no_rest_channel_and_the_safety_net_first() -> None:
    channels = list(yaml.safe_load((DEPLOY / "credentials.production.yml").read_text()))
    assert channels[0] == "components.safety_net.SafetyNetInput"
    assert "rest" not in channels and "socketio" not in channels
    for path in channels:
        module, _, name = path.rpartition(".")
        assert hasattr(importlib.import_module(module), name), path


def test_env_example_names_settings_and_holds_no_secret() -> None:
    names = _env_example_names()
    assert "SIGNPOST_PSEUDONYM_KEY" in names and "SIGNPOST_DATABASE_URL" in names
    for name, value in names.items():
        if SECRET_NAME.search(name) or name.endswith("_URL"):
            assert value == "", f"{name} must be empty in .env.example"
