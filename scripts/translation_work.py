"""Work in batches on the Vietnamese overrides of Wagtail's admin catalogues.

uv run python scripts/translation_work.py extract WORKDIR [--size 130] [--review]
    Write WORKDIR/chunk_NNN.txt: numbered English messages that have no
    Vietnamese translation in the effective chain (with --review, also those
    Wagtail's own vi catalogue translates, showing its text, to check them
    against docs/glossary-vi.md), and WORKDIR/index.json.
uv run python scripts/translation_work.py merge WORKDIR
    Read every WORKDIR/*.vi.txt (lines "N<TAB>Vietnamese", "\\n" for a line
    break), add/replace those entries in locale_overrides/vi/LC_MESSAGES/
    {django,djangojs}.po and compile the .mo files.
uv run python scripts/translation_work.py compile
    Only recompile the .mo files from the .po files.
"""

import argparse
import json
import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cms.translation_coverage import (
    OVERRIDES_LOCALE,
    SOURCES,
    catalogue_path,
    chain,
    key,
    source_entries,
    translations,
)

HEADER = {
    "Project-Id-Version": "Wagtail / wagtail-localize Vietnamese overrides",
    "Report-Msgid-Bugs-To": "",
    "PO-Revision-Date": "2026-11-24 19:30+0700",
    "Last-Translator": "Project editorial team",
    "Language-Team": "Vietnamese",
    "Language": "vi",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def esc(text):
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def unesc(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append({"n": "\n", "\\": "\\", "t": "\t"}.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def extract(workdir, size, review):
    workdir.mkdir(parents=True, exist_ok=True)
    seen, items = set(), []
    for label, package, domain, _target in SOURCES:
        entries = source_entries(package, domain)
        if entries is None:
            continue
        project, overrides, app = (translations(p) for p in chain(package, domain))
        for entry in entries:
            k = (domain, *key(entry))
            if k in seen or key(entry) in project or key(entry) in overrides:
                continue
            existing = app.get(key(entry))
            if existing is not None and not review:
                continue
            seen.add(k)
            current = None
            if existing is not None:
                current = (
                    existing.msgstr_plural.get(0, "") if existing.msgid_plural else existing.msgstr
                )
            items.append(
                {
                    "source": label,
                    "domain": domain,
                    "msgctxt": entry.msgctxt,
                    "msgid": entry.msgid,
                    "msgid_plural": entry.msgid_plural or None,
                    "current": current,
                }
            )
    for n, item in enumerate(items, start=1):
        item["n"] = n
    (workdir / "index.json").write_text(json.dumps(items, ensure_ascii=False, indent=1))
    for c in range(0, len(items), size):
        lines = []
        for item in items[c : c + size]:
            ctx = f" ctx={item['msgctxt']!r}" if item["msgctxt"] else ""
            lines.append(f"#{item['n']} [{item['source']}]{ctx}")
            lines.append(" en: " + esc(item["msgid"]))
            if item["msgid_plural"]:
                lines.append(" pl: " + esc(item["msgid_plural"]))
            if item["current"] is not None:
                lines.append(" vi: " + esc(item["current"]))
        name = workdir / f"chunk_{c // size + 1:03d}.txt"
        name.write_text("\n".join(lines) + "\n")
    print(f"{len(items)} messages in {(len(items) + size - 1) // size} chunks under {workdir}")


def load_po(domain):
    path = catalogue_path(OVERRIDES_LOCALE, "vi", domain)
    if path.exists():
        po = polib.pofile(str(path))
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        po = polib.POFile()
    po.metadata = dict(HEADER)
    po.header = (
        "Vietnamese translations of Wagtail's and wagtail-localize's admin, overriding\n"
        "the apps' own catalogues. Terminology: docs/glossary-vi.md.\n"
        "Edit with scripts/translation_work.py; measure with scripts/translation_coverage.py."
    )
    return path, po


def compile_all():
    for domain in ("django", "djangojs"):
        path = catalogue_path(OVERRIDES_LOCALE, "vi", domain)
        if path.exists():
            po = polib.pofile(str(path))
            po.save_as_mofile(str(path.with_suffix(".mo")))
            print(f"compiled {path.with_suffix('.mo')} ({len(po.translated_entries())} entries)")


def merge(workdir):
    items = {i["n"]: i for i in json.loads((workdir / "index.json").read_text())}
    pos = {d: load_po(d) for d in ("django", "djangojs")}
    count = 0
    for tfile in sorted(workdir.glob("*.vi.txt")):
        for lineno, line in enumerate(tfile.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("//"):
                continue
            num, sep, text = line.partition("\t")
            if not sep:
                num, sep, text = line.partition(" ")
            num = num.strip().lstrip("#")
            if not num.isdigit():
                raise SystemExit(f"{tfile}:{lineno}: expected 'N<TAB>text', got {line!r}")
            item = items[int(num)]
            text = unesc(text).strip()
            if text == "=":  # keep Wagtail's own translation
                if item["current"] is None:
                    raise SystemExit(f"{tfile}:{lineno}: '=' but no existing translation")
                text = item["current"]
            # Keep the source's surrounding whitespace (some msgids end in a space).
            msgid = item["msgid"]
            lead = msgid[: len(msgid) - len(msgid.lstrip())]
            trail = msgid[len(msgid.rstrip()) :]
            text = lead + text.strip() + trail
            _path, po = pos[item["domain"]]
            entry = po.find(item["msgid"], msgctxt=item["msgctxt"])
            if entry is None:
                entry = polib.POEntry(
                    msgid=item["msgid"],
                    msgctxt=item["msgctxt"],
                    msgid_plural=item["msgid_plural"] or "",
                )
                po.append(entry)
            entry.comment = item["source"]
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            if item["msgid_plural"]:
                entry.msgstr_plural = {0: text}
            else:
                entry.msgstr = text
            count += 1
    for _domain, (path, po) in pos.items():
        if len(po):
            po.sort(key=lambda e: (e.comment or "", e.msgid, e.msgctxt or ""))
            po.save(str(path))
    print(f"merged {count} translations")
    compile_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract")
    p.add_argument("workdir", type=Path)
    p.add_argument("--size", type=int, default=130)
    p.add_argument("--review", action="store_true")
    p = sub.add_parser("merge")
    p.add_argument("workdir", type=Path)
    sub.add_parser("compile")
    args = parser.parse_args()
    if args.command == "extract":
        extract(args.workdir, args.size, args.review)
    elif args.command == "merge":
        merge(args.workdir)
    else:
        compile_all()


if __name__ == "__main__":
    main()
