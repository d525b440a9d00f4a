"""The production topology on 127.0.0.1, started from the deployment kit's
own files (deploy/): nginx from the deploy/nginx/stdv.conf template filled
with envsubst, two gunicorn servers with deploy/gunicorn.conf.py, Redis and an
OpenSearch node of our own, two task workers and two schedulers, all on a
fresh PostgreSQL database ``stdv_stack`` on the server DATABASE_URL names.

Every process runs in its own session, so that stopping one (or ``kill -9``
of a gunicorn master and its workers) is a signal to its process group, and
the teardown ends every group it started, whatever happened.
"""

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / ".run" / "stack"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DATABASE = "stdv_stack"
# Folders that hold no code the prepared database depends on.
SKIPPED = {
    ".venv",
    ".cache",
    ".run",
    ".git",
    "tests",
    "docs",
    "deploy",
    "node_modules",
    "static",
    "media",
}
HOST = "127.0.0.1"
# nginx's access log: the app server that answered each request and the
# request id the response and gunicorn's log carry (Stack.app_servers).
ACCESS_LOG_FORMAT = (
    '    log_format stack \'$remote_addr [$time_local] "$request" $status '
    "$body_bytes_sent rt=$request_time upstream=$upstream_addr "
    "upstream_time=$upstream_response_time id=$request_id';"
)
ANSWERED = re.compile(r"upstream=(?P<upstream>.*?) upstream_time=.* id=(?P<id>\S+)$")
# The placeholders of deploy/nginx/stdv.conf (docs/deployment.md fills the same).
NGINX_VARIABLES = (
    "STDV_SERVER_NAME",
    "STDV_LISTEN",
    "STDV_APP_SERVERS",
    "STDV_STATIC_ROOT",
    "STDV_MEDIA_ROOT",
    "STDV_REQUEST_RATE",
    "STDV_REQUEST_BURST",
    "STDV_CONNECTIONS",
)


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until(check, seconds, what, interval=0.25):
    """Call ``check`` until it returns something true; its value, or an error."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {seconds} s")
        time.sleep(interval)


def http_ok(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def database_exists(connection, name):
    found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
    return found.fetchone() is not None


def template_name():
    """The prepared database's name for this code: a hash of every Python file,
    template and migration of the project and of the locked dependencies. Any
    change to them prepares a new one (migrate and the demo seeds, minutes on a
    2-core machine); otherwise the stack starts from a copy."""
    digest = hashlib.sha256()
    folders = [
        top
        for top in sorted(ROOT.iterdir())
        if top.is_dir() and not top.name.startswith(".") and top.name not in SKIPPED
    ]
    for path in sorted(path for top in folders for path in top.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".txt", ".json", ".po"):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    digest.update((ROOT / "uv.lock").read_bytes())
    return f"{DATABASE}_template_{digest.hexdigest()[:12]}"


class Process:
    """A started command in its own session (its pid is its process group)."""

    def __init__(self, name, argv, env, log, stdin=None):
        self.name, self.argv, self.env, self.log_path = name, argv, env, log
        self.log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def kill(self, sig=signal.SIGKILL):
        """Send ``sig`` to the whole process group (a master and its children)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)

    def stop(self, grace=5):
        if self.alive():
            self.kill(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(grace)
        self.kill(signal.SIGKILL)  # children left behind, if any
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(5)
        if self.popen.stdin:
            self.popen.stdin.close()
        self.log.close()


class Stack:
    def __init__(self):
        self.processes = {}
        self.ports = {name: free_port() for name in ("nginx", "web1", "web2", "redis", "search")}
        base_url = os.environ["DATABASE_URL"]
        self.admin_url = base_url.rsplit("/", 1)[0] + "/postgres"
        self.database_url = base_url.rsplit("/", 1)[0] + "/" + DATABASE
        self.media = RUN / "media"
        self.static = RUN / "static"
        self.mail = RUN / "mail"
        self.logs = RUN / "logs"
        self.search_path = RUN / "opensearch"
        self.env = self._environment()

    # The environment every app process gets: what /etc/stdv/env holds in production.

    def _environment(self):
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
        env.update(
            DJANGO_SETTINGS_MODULE="cms.settings.production",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS=f"{HOST},localhost",
            SECURE_SSL_REDIRECT="0",
            TRUSTED_PROXY_COUNT="1",
            DATABASE_URL=self.database_url,
            TASKS_BACKEND="database",
            TASKS_WORKER_HEARTBEAT_EVERY="1",
            TASKS_WORKER_LOST_AFTER="5",
            TASKS_SWEEP_EVERY="2",
            # The scenarios time faults on two cores and compare media folders:
            # espeak-ng making audio for every page they publish would load the
            # CPU and write files mid-scenario. Audio under a real worker is
            # tested in tests/readaloud/test_worker_audio.py and measured by
            # tests/benchmarks/readaloud_bench.py.
            READALOUD_ON_PUBLISH="0",
            REDIS_URL=f"redis://{HOST}:{self.ports['redis']}/0",
            REDIS_RETRY_AFTER="2",
            OPENSEARCH_URL=f"http://{HOST}:{self.ports['search']}",
            SEARCH_INDEX="stdv_stack",
            SEARCH_ENGINE_FAILURES_TO_OPEN="2",
            SEARCH_ENGINE_RETRY_AFTER="5",
            MEDIA_ROOT=str(self.media),
            STATIC_ROOT=str(self.static),
            MEDIA_ACCEL_REDIRECT="/protected-media/",
            EMAIL_URL=f"file://{self.mail}",
            WAGTAILADMIN_BASE_URL=f"http://{HOST}:{self.ports['nginx']}",
            LOG_LEVEL="WARNING",
            WEB_CONCURRENCY="3",
            PYTHONUNBUFFERED="1",
        )
        env.pop("TEST_MEDIA_DIR", None)
        env.pop("SENTRY_DSN", None)
        return env

    def start_process(self, name, argv, env=None, stdin=None):
        process = Process(name, argv, env or self.env, self.logs / f"{name}.log", stdin)
        self.processes[name] = process
        return process

    def run(self, argv, env=None, timeout=300):
        """Run ``argv`` with the production settings; its output, or an error
        naming the command with the end of what it wrote to stderr."""
        completed = subprocess.run(
            argv,
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if completed.returncode:
            command = " ".join(str(part) for part in argv[1:])
            raise RuntimeError(f"{command}:\n{completed.stderr[-3000:]}")
        return completed.stdout

    def manage(self, *args, env=None, timeout=300):
        """Run ``manage.py args`` with the production settings; its output."""
        return self.run([PYTHON, "manage.py", *args], env, timeout)

    def admin(self, *args, env=None, timeout=300):
        """Run tests/stack/stack_admin.py (editors' actions) and return its JSON."""
        script = ROOT / "tests" / "stack" / "stack_admin.py"
        output = self.run([PYTHON, str(script), *args], env, timeout)
        return json.loads(output.strip().splitlines()[-1])

    def sql(self, query, params=()):
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(query, params).fetchall()

    # Starting

    def start(self):
        shutil.rmtree(RUN, ignore_errors=True)
        folders = (self.media, self.static, self.mail, self.logs, RUN / "nginx", RUN / "redis")
        for folder in folders:
            folder.mkdir(parents=True)
        self.start_redis()
        self.start_search()
        # Release steps (docs/deployment.md) while the search node boots; the
        # demo content is written with the engine off and indexed afterwards.
        prepare = {"OPENSEARCH_URL": "", "REDIS_URL": "", "TASKS_BACKEND": "immediate"}
        template = template_name()
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            if database_exists(connection, template):
                connection.execute(f"CREATE DATABASE {DATABASE} TEMPLATE {template}")
                self.prepared_from = template
            else:
                connection.execute(f"CREATE DATABASE {DATABASE}")
                self.prepared_from = None
        if self.prepared_from:
            self.admin("prepare", "--static-only", env=prepare)
        else:
            self.admin("prepare", env=prepare, timeout=900)
            self.keep_as_template(template)
        self.wait_for_search()
        self.manage("rebuild_search_index", env={"TASKS_BACKEND": "immediate"})
        self.start_web(1)
        self.start_web(2)
        for number in (1, 2):
            self.start_worker(number)
            self.start_process(f"scheduler{number}", [PYTHON, "manage.py", "run_scheduler"])
        self.start_nginx()
        for number in (1, 2):
            self.wait_for_web(number)
        wait_until(lambda: http_ok(self.url("/healthz")), 30, "nginx")

    def keep_as_template(self, template):
        """Keep the migrated, seeded database for the next run of the same code
        (template_name), and drop those of older code."""
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            old = connection.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                (f"{DATABASE}_template_%",),
            ).fetchall()
            for (name,) in old:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {template} TEMPLATE {DATABASE}")

    def start_redis(self):
        self.start_process(
            "redis",
            [
                "redis-server",
                "--bind",
                HOST,
                "--port",
                str(self.ports["redis"]),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(RUN / "redis"),
            ],
        )

    def redis_command(self, command):
        """One inline Redis command's answer line (e.g. ``PING`` gives ``+PONG``)."""
        with socket.create_connection((HOST, self.ports["redis"]), timeout=1) as sock:
            sock.sendall(command.encode() + b"\r\n")
            return sock.recv(256).decode().strip()

    def redis_up(self):
        try:
            return self.redis_command("PING") == "+PONG"
        except OSError:
            return False

    def start_search(self):
        """Our own OpenSearch node (scripts/opensearch/run-node.sh). It runs
        until its standard input closes; the same basePath after a kill
        starts it again on its data (the index survives)."""
        port = self.ports["search"]
        self.start_process(
            "opensearch",
            [
                str(ROOT / "scripts" / "opensearch" / "run-node.sh"),
                "-numOfNode",
                "1",
                "-baseHttpPort",
                str(port - 1),
                "-basePath",
                str(self.search_path),
                "-clusterName",
                f"stdv-stack-{port}",
            ],
            stdin=subprocess.PIPE,
        )

    def search_url(self, path):
        return f"http://{HOST}:{self.ports['search']}{path}"

    def wait_for_search(self, seconds=180):
        health = self.search_url("/_cluster/health?wait_for_status=yellow&timeout=1s")
        wait_until(lambda: http_ok(health), seconds, "OpenSearch", interval=1)

    def start_web(self, number):
        env = {**self.env, "GUNICORN_BIND": f"{HOST}:{self.ports[f'web{number}']}"}
        env["GUNICORN_PROC_NAME"] = f"stdv-stack-web{number}"
        return self.start_process(
            f"web{number}",
            [GUNICORN, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "cms.wsgi"],
            env,
        )

    def wait_for_web(self, number, seconds=120):
        url = f"http://{HOST}:{self.ports[f'web{number}']}/healthz"
        wait_until(lambda: http_ok(url), seconds, f"gunicorn {number}", interval=0.5)

    def start_worker(self, number):
        return self.start_process(
            f"worker{number}",
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--queue-name",
                "*",
                "--worker-id",
                f"stack-worker-{number}",
            ],
        )

    def render_nginx_site(self):
        """deploy/nginx/stdv.conf filled by envsubst, as docs/deployment.md does.
        The load comes from one address (loopback), so the per-address limits
        are raised far above what 200 readers ask."""
        servers = " ".join(
            f"server {HOST}:{self.ports[name]} max_fails=1 fail_timeout=10s;"
            for name in ("web1", "web2")
        )
        values = {
            "STDV_SERVER_NAME": HOST,
            "STDV_LISTEN": f"{HOST}:{self.ports['nginx']}",
            "STDV_APP_SERVERS": servers,
            "STDV_STATIC_ROOT": f"{self.static}/",
            "STDV_MEDIA_ROOT": f"{self.media}/",
            "STDV_REQUEST_RATE": "100000r/s",
            "STDV_REQUEST_BURST": "100000",
            "STDV_CONNECTIONS": "1000",
        }
        shell_format = " ".join(f"${{{name}}}" for name in NGINX_VARIABLES)
        rendered = subprocess.run(
            ["envsubst", shell_format],
            input=(ROOT / "deploy" / "nginx" / "stdv.conf").read_text(),
            env={**os.environ, **values},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        site = RUN / "nginx" / "stdv.conf"
        site.write_text(rendered)
        return site

    def start_nginx(self):
        site = self.render_nginx_site()
        prefix = RUN / "nginx"
        temp = "\n".join(
            f"    {kind}_temp_path {prefix}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        user = "user root;\n" if os.geteuid() == 0 else ""
        (prefix / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 2;\npid {prefix}/nginx.pid;\n"
            f"error_log {self.logs}/nginx-error.log warn;\n"
            "events { worker_connections 4096; }\n"
            "http {\n    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            f"{ACCESS_LOG_FORMAT}\n    access_log {self.logs}/nginx-access.log stack;\n{temp}\n"
            f"    include {site};\n}}\n"
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        argv = [nginx, "-p", str(prefix), "-e", str(self.logs / "nginx-error.log")]
        subprocess.run(
            [*argv, "-t", "-c", str(prefix / "nginx.conf")], check=True, capture_output=True
        )
        self.start_process("nginx", [*argv, "-c", str(prefix / "nginx.conf")])

    def url(self, path):
        return f"http://{HOST}:{self.ports['nginx']}{path}"

    def app_servers(self, request_ids):
        """Which app server (``web1``, ``web2``) answered each of ``request_ids``
        (the X-Request-ID of a response), from nginx's access log."""
        wanted, names = set(request_ids), {}
        servers = {f"{HOST}:{self.ports[name]}": name for name in ("web1", "web2")}
        for line in (self.logs / "nginx-access.log").read_text().splitlines():
            logged = ANSWERED.search(line)
            if logged and logged["id"] in wanted:
                # A request nginx passed on to the other server lists both.
                upstream = logged["upstream"].split(",")[-1].strip()
                names[logged["id"]] = servers.get(upstream, upstream)
        return names

    # Stopping

    def stop(self):
        for name in reversed(list(self.processes)):
            self.processes[name].stop()
        try:
            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        except psycopg.Error as error:
            print(f"could not drop {DATABASE}: {error}", file=sys.stderr)
