"""Fixtures of the browser journeys: one sandbox process per run, a fresh Chromium per test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.sandbox.browser.kit import SandboxPage

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
REPO = Path(__file__).resolve().parents[3]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium; absent outside CI, the journeys skip and say why."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return CHROMIUM
    reason = "headless Chromium is not installed (apt-get install -y chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; .ci/run installs it")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def sandbox_url(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`backlog-bot sandbox --demo` as a user starts it, on a free port and a fresh database."""
    folder = tmp_path_factory.mktemp("sandbox")
    port = _free_port()
    command = [sys.executable, "-m", "bot", "sandbox", "--demo", "--port", str(port)]
    command += ["--database", f"sqlite:///{folder / 'sandbox.db'}"]
    log = (folder / "sandbox.log").open("w")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HTTP"))}
    process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, folder / "sandbox.log")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the sandbox exited: {log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the sandbox did not start in 90 s: {log.read_text()}")


@pytest.fixture
def page(sandbox_url: str, chromium: Path) -> Iterator[SandboxPage]:
    """A fresh headless Chromium on the sandbox."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="sandbox-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,900",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield SandboxPage(driver, sandbox_url)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where journeys save screenshots: docs/screenshots under `make screenshots`."""
    folder = os.environ.get("SANDBOX_SCREENSHOTS")
    return Path(folder) if folder else tmp_path
