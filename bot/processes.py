"""Start and stop the two server processes: the action server and the Rasa server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import REPO_ROOT


@dataclass
class ServerSet:
    """A running action server and Rasa server, with where they listen and log."""

    rasa_port: int
    action_port: int
    log_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    def stop(self, kill: bool = False) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _wait_for(url: str, processes: list[subprocess.Popen], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a server exited early (code {process.returncode}); see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} was not ready after {timeout:.0f}s; see {log}")


def start_servers(
    model: Path,
    rasa_port: int = 5005,
    action_port: int = 5055,
    endpoints: Path | None = None,
    credentials: Path | None = None,
    log_dir: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120.0,
    rasa_args: tuple[str, ...] = (),
    logging_config: Path | None = None,
    rasa: bool = True,
    actions: bool = True,
    log_suffix: str = "",
) -> ServerSet:
    """Start both servers and wait until each answers. Logs go to `log_dir`.

    `logging_config` (e.g. REPO_ROOT / "logging.yml") is passed to both servers. `rasa=False`
    or `actions=False` starts only the other one (several Rasa servers can share one action
    server); `log_suffix` keeps their log files apart ("rasa-server<suffix>.log").
    """
    log_dir = log_dir or REPO_ROOT / "var" / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", **(env or {})}
    # rasa_sdk listens on 0.0.0.0 unless told otherwise: keep it on loopback here.
    action_env = {"SANIC_HOST": "127.0.0.1", **full_env}
    logging_args = ("--logging-config-file", str(logging_config)) if logging_config else ()
    servers = ServerSet(rasa_port, action_port, log_dir)
    action_log = log_dir / f"action-server{log_suffix}.log"
    rasa_log = log_dir / f"rasa-server{log_suffix}.log"
    try:
        if actions:
            servers.processes.append(
                subprocess.Popen(
                    [
                        _bin("rasa"),
                        "run",
                        "actions",
                        "--actions",
                        "actions",
                        "--port",
                        str(action_port),
                        *logging_args,
                    ],
                    cwd=REPO_ROOT,
                    env=action_env,
                    stdout=action_log.open("ab"),
                    stderr=subprocess.STDOUT,
                )
            )
        if rasa:
            servers.processes.append(
                subprocess.Popen(
                    [
                        # `rasa` with the speed fixes of components/speedups.py applied.
                        sys.executable,
                        "-m",
                        "components.rasa_server",
                        "run",
                        "--model",
                        str(model),
                        "--port",
                        str(rasa_port),
                        "--endpoints",
                        str(endpoints or REPO_ROOT / "endpoints.yml"),
                        "--credentials",
                        str(credentials or REPO_ROOT / "credentials.yml"),
                        "--interface",
                        "127.0.0.1",
                        *logging_args,
                        *rasa_args,
                    ],
                    cwd=REPO_ROOT,
                    env=full_env,
                    stdout=rasa_log.open("ab"),
                    stderr=subprocess.STDOUT,
                )
            )
        if actions:
            _wait_for(f"{servers.action_url}/health", servers.processes, timeout, action_log)
        if rasa:
            _wait_for(f"{servers.rasa_url}/", servers.processes, timeout, rasa_log)
    except BaseException:
        servers.stop(kill=True)
        raise
    return servers
