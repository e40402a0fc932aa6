"""The deployment files parse and say what the README promises (no container engine runs
here: the image is not built by the tests)."""

from __future__ import annotations

import json
import re
import shlex

import yaml

from tests.conftest import REPO


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the final stage, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (REPO / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    parsed = [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]
    stages = [i for i, (word, *_) in enumerate(parsed) if word == "FROM"]
    return [(word, rest) for word, rest in parsed[stages[-1] :]]


def test_dockerfile_runs_the_bot_as_a_non_root_user_with_a_healthcheck():
    final = dict(_dockerfile_instructions())

    assert final["USER"] not in ("root", "0")
    assert json.loads(final["CMD"]) == ["backlog-bot", "run", "--host", "0.0.0.0", "--port", "3000"]
    assert "http://127.0.0.1:3000/healthz" in final["HEALTHCHECK"]
    assert final["HEALTHCHECK"].split("CMD", 1)[0].split() == [
        "--interval=15s", "--timeout=5s", "--start-period=30s", "--retries=3",
    ]  # fmt: skip
    assert final["EXPOSE"] == "3000"


def test_dockerfile_installs_runtime_dependencies_from_the_lock_file():
    text = (REPO / "Dockerfile").read_text()

    install = re.search(r"pip install ([^\n]*)", text)
    assert install is not None
    assert shlex.split(install.group(1))[-3:] == ["-c", "requirements.lock", "."]
    assert "[dev]" not in text


def test_compose_runs_postgresql_three_bots_and_a_load_balancer():
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]

    assert set(services) == {"db", "bot", "lb"}
    assert services["bot"]["deploy"]["replicas"] == 3
    assert services["bot"]["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert services["bot"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["lb"]["volumes"] == ["./deploy/nginx.conf:/etc/nginx/nginx.conf:ro"]


def test_nginx_sends_slack_the_api_and_healthz_to_every_bot_replica():
    conf = (REPO / "deploy" / "nginx.conf").read_text()

    assert re.search(r"server bot:3000 resolve;", conf)
    assert "location ~ ^/(slack/events|api/|healthz$)" in conf
    assert "proxy_pass http://backlog_bot;" in conf
    assert conf.count("{") == conf.count("}")
