"""The backup and restore of docs/deployment.md, done for real: a custom-format
``pg_dump`` of the live database and a tar of the media folder, restored into
a new database and folder; a gunicorn on the restored copy serves the same
pages and the same files."""

import hashlib
import json
import subprocess
import time
from pathlib import Path

import psycopg

from .conftest import get, record
from .http_load import request
from .topology import GUNICORN, HOST, ROOT, RUN, free_port, http_ok, wait_until

RESTORED = "stdv_stack_restored"


def pg_bin(name):
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return str(folders[-1] / name)


def tree_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def page_count(answer):
    return json.loads(answer.body)["meta"]["total_count"]


def test_a_restored_backup_serves_the_same_site(stack):
    backups = RUN / "backups"
    backups.mkdir(exist_ok=True)
    dump, media = backups / "stdv.dump", backups / "media.tar.gz"
    began = time.monotonic()
    subprocess.run([pg_bin("pg_dump"), "-Fc", "-f", dump, stack.database_url], check=True)
    subprocess.run(["tar", "-C", RUN, "-czf", media, "media"], check=True)
    backed_up = time.monotonic() - began

    restored_url = stack.database_url.rsplit("/", 1)[0] + "/" + RESTORED
    with psycopg.connect(stack.admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {RESTORED} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {RESTORED}")
    restored_media = RUN / "restored"
    restored_media.mkdir(exist_ok=True)
    began = time.monotonic()
    subprocess.run(
        [pg_bin("pg_restore"), "--no-owner", "--exit-on-error", "-d", restored_url, dump],
        check=True,
    )
    subprocess.run(["tar", "-C", restored_media, "-xzf", media], check=True)
    restored_in = time.monotonic() - began

    port = free_port()
    env = {
        **stack.env,
        "DATABASE_URL": restored_url,
        "MEDIA_ROOT": str(restored_media / "media"),
        "MEDIA_ACCEL_REDIRECT": "",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "WEB_CONCURRENCY": "1",
    }
    copy = stack.start_process(
        "web-restored",
        [GUNICORN, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "cms.wsgi"],
        env,
    )
    try:
        wait_until(lambda: http_ok(f"http://{HOST}:{port}/healthz"), 120, "restored copy")
        listing = "/api/v2/pages/?limit=1"
        live = page_count(get(stack, listing))
        again = page_count(request(HOST, port, "GET", listing))
    finally:
        copy.stop()
        with psycopg.connect(stack.admin_url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {RESTORED} WITH (FORCE)")
    same_files = tree_digest(restored_media / "media") == tree_digest(stack.media)
    record(
        "8. backup and restore",
        {
            "database dump (KB)": dump.stat().st_size // 1024,
            "media archive (KB)": media.stat().st_size // 1024,
            "backup (s)": round(backed_up, 1),
            "restore (s)": round(restored_in, 1),
            "public pages, live / restored copy": f"{live} / {again}",
            "media files identical": same_files,
        },
    )
    assert live == again and live > 0
    assert same_files
