"""Static files in production: `collectstatic` with the production settings
writes hashed names and gzip copies, and the app itself (whitenoise) serves
them with DEBUG off: cached for a year, gzip to browsers that accept it,
404 for a file that does not exist. Without collectstatic (tests, `make run`)
the files come from the apps' own folders."""

import gzip
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]
CORE_CSS = "wagtailadmin/css/core.css"
# What cms/settings/production.py chooses, for the app served below.
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """STATIC_ROOT after `manage.py collectstatic` with the production settings."""
    static_root = tmp_path_factory.mktemp("static")
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="stdv.example.vn",
        STATIC_ROOT=str(static_root),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return static_root


def served_as_in_production(static_root):
    return override_settings(
        DEBUG=False,
        STATIC_ROOT=static_root,
        STORAGES=PRODUCTION_STORAGES,
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_USE_FINDERS=False,
    )


def hashed_name(static_root, name):
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return manifest["paths"][name]


def test_collectstatic_writes_hashed_names_and_gzip_copies(collected):
    hashed = hashed_name(collected, CORE_CSS)
    assert re.fullmatch(r"wagtailadmin/css/core\.[0-9a-f]{12}\.css", hashed)
    # The hashed copy names the hashed copies of the files it refers to.
    content = (collected / hashed).read_bytes()
    referred = hashed_name(collected, "wagtailadmin/images/icons/arrow-down.svg")
    assert os.path.basename(referred).encode() in content
    assert gzip.decompress((collected / f"{hashed}.gz").read_bytes()) == content


def test_hashed_static_files_are_cached_for_a_year_and_sent_compressed(collected):
    hashed = "/static/" + hashed_name(collected, CORE_CSS)
    original = (collected / hashed_name(collected, CORE_CSS)).read_bytes()
    with served_as_in_production(collected):
        client = Client()
        plain = client.get(hashed)
        assert plain.status_code == 200
        assert plain["Content-Type"].startswith("text/css")
        assert "immutable" in plain["Cache-Control"]
        max_age = int(re.search(r"max-age=(\d+)", plain["Cache-Control"]).group(1))
        assert max_age >= 365 * 24 * 3600
        assert not plain.has_header("Content-Encoding")
        assert b"".join(plain.streaming_content) == original

        compressed = client.get(hashed, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert compressed.status_code == 200
        assert compressed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in compressed["Vary"]
        body = b"".join(compressed.streaming_content)
        assert len(body) < len(original)
        assert gzip.decompress(body) == original


def test_the_admin_links_the_hashed_files_it_is_served(collected, db):
    """The sign-in page of the admin, rendered with DEBUG off, names the
    hashed files; each answers 200. The unhashed name is only briefly cached."""
    with served_as_in_production(collected):
        client = Client()
        page = client.get("/admin/login/")
        assert page.status_code == 200
        hashed = "/static/" + hashed_name(collected, CORE_CSS)
        assert hashed in page.content.decode()
        for link in re.findall(r'(?:href|src)="(/static/[^"?]+)', page.content.decode()):
            assert client.get(link).status_code == 200, link

        unhashed = client.get("/static/" + CORE_CSS)
        assert unhashed.status_code == 200
        assert "immutable" not in unhashed["Cache-Control"]


def test_a_missing_static_file_is_404(collected, db):
    with served_as_in_production(collected):
        client = Client()
        for address in ("/static/wagtailadmin/css/missing.css", "/static/nothing.js"):
            response = client.get(address)
            assert response.status_code == 404, address
            assert (
                not response.has_header("Cache-Control")
                or "immutable" not in (response["Cache-Control"])
            )


def test_without_collectstatic_the_apps_folders_are_served(client):
    """The test settings, like `make run`, collect nothing: static files come
    from the installed apps' folders."""
    response = client.get("/static/" + CORE_CSS)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
