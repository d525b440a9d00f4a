"""A three-node cluster: with one replica, searches still answer when a node stops.

Starts its own three nodes in one JVM (scripts/opensearch/run-node.sh) and
stops them at the end; needs Java and Maven, as ``make test`` does.
"""

import os
import queue
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.test import override_settings
from opensearchpy import OpenSearch

from search import engine
from search.rebuild import rebuild

from .conftest import publish_news

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "scripts" / "opensearch" / "run-node.sh"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("java") and shutil.which("mvn")), reason="needs Java and Maven"
    ),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def cluster():
    base = free_port()
    folder = tempfile.mkdtemp(prefix="stdv-os3-")
    node = subprocess.Popen(
        [
            str(RUNNER),
            "-numOfNode",
            "3",
            "-baseHttpPort",
            str(base - 1),
            "-basePath",
            f"{folder}/nodes",
            "-clusterName",
            f"stdv-three-{base}",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={
            **os.environ,
            "OPENSEARCH_HEAP": "768m",
            "OPENSEARCH_JAVA_OPTS": f"-Dstdv.transportBase={free_port()}",
        },
    )
    # The nodes log to stdout: keep reading it, or a full pipe stalls them.
    lines, seen = queue.Queue(), []

    def read():
        for line in node.stdout:
            seen.append(line)
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    ports = []
    try:
        deadline = time.monotonic() + 240
        while len(ports) < 3 and time.monotonic() < deadline and node.poll() is None:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if "NODE " in line and " HTTP " in line:
                ports.append(int(line.rsplit(" ", 1)[1]))
        assert len(ports) == 3, f"three nodes did not start: {node.poll()} {seen[-20:]}"
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        OpenSearch(hosts=urls[:1]).cluster.health(
            wait_for_nodes="3", params={"timeout": "120s"}, request_timeout=130
        )
        yield node, urls, lines
    finally:
        if node.poll() is None:
            node.stdin.write("quit\n")
            node.stdin.flush()
            try:
                node.wait(30)
            except subprocess.TimeoutExpired:
                node.kill()
        shutil.rmtree(folder, ignore_errors=True)


def test_with_one_replica_searches_answer_after_a_node_stops(cluster, unit_tree, client):
    node, urls, lines = cluster
    publish_news(unit_tree.district, "Hội nghị học tập chuyên đề")
    with override_settings(
        SEARCH_ENGINE_URL=urls[0], SEARCH_INDEX="stdv_cluster", SEARCH_INDEX_REPLICAS=1
    ):
        rebuild()
        es = engine.client()
        es.cluster.health(
            index="stdv_cluster",
            wait_for_status="green",
            params={"timeout": "60s"},
            request_timeout=70,
        )
        node.stdin.write("stop 3\n")
        node.stdin.flush()
        while "STOPPED" not in lines.get(timeout=60):
            pass
        health = es.cluster.health(
            wait_for_nodes="2", params={"timeout": "60s"}, request_timeout=70
        )
        assert health["number_of_nodes"] == 2
        response = client.get("/api/search/", {"q": "hoc tap chuyen de"})
        assert response["X-Search-Backend"] == "opensearch"
        assert [r["title"] for r in response.json()["results"]] == ["Hội nghị học tập chuyên đề"]
