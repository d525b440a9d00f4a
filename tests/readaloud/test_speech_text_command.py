"""``manage.py speech_text``: an editor checks how a text will be read aloud."""

import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def run(*args, **options):
    out = io.StringIO()
    call_command("speech_text", *args, stdout=out, **options)
    return out.getvalue()


def test_it_prints_the_text_as_it_will_be_spoken_on_one_line():
    assert run("Nghị quyết số 05-NQ/TW ngày 02/9/2024 đạt 72,87%") == (
        "Nghị quyết số năm, nghị quyết của Trung ương ngày hai tháng chín năm hai nghìn "
        "không trăm hai mươi tư đạt bảy mươi hai phẩy tám mươi bảy phần trăm\n"
    )


def test_a_dash_reads_the_text_from_standard_input():
    stdin = io.StringIO("BÁO CÁO\nĐảng ủy Khối (ĐUK) có 1.250 đảng viên.\n")
    assert run("-", stdin=stdin) == (
        "BÁO CÁO. Đảng ủy Khối, Đảng ủy Khối, có một nghìn hai trăm năm mươi đảng viên.\n"
    )


def test_it_writes_utf8_whatever_the_terminal_encoding():
    environment = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"}
    result = subprocess.run(
        [sys.executable, "manage.py", "speech_text", "-"],
        input="Tỉnh ủy khóa XIII".encode(),
        cwd=ROOT,
        env=environment,
        capture_output=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.decode("utf-8") == "Tỉnh ủy khóa mười ba\n"
