#!/usr/bin/env bash
# Install the read-aloud voice and encoder from Debian's packages when missing:
# espeak-ng (with its Vietnamese voice) and ffmpeg (Opus, ffprobe). Used by
# `make run` and `make test`. Without them the platform still runs; each
# page's audio is then marked failed with the reason, and made later by
# `manage.py make_audio --missing`.
set -uo pipefail

missing=()
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "[speech-tools] installing Debian packages: ${missing[*]}" >&2
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
if as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null; then
    exit 0
fi
echo "[speech-tools] could not install ${missing[*]}: pages will have no audio" \
    "until they are installed and 'manage.py make_audio --missing' runs." >&2
exit "${SPEECH_TOOLS_REQUIRED:-0}"
