#!/usr/bin/env python3
"""Conformance of ov_feed_parse against the Universal Feed Parser's own tests.

    feedparser.py FEEDDUMP CORPUS_DIR FLOORS_TSV [--sample N] [--verbose] [--print-floors]

Every file under CORPUS_DIR (../shared/corpus/feeds/feedparser/ by default)
holds a header comment with `Expect:` (a Python expression over feedparser's
result) and optional `Header:` lines (HTTP headers the file is served with).
Each file is parsed by FEEDDUMP (tests/conformance/feeddump.c: ov_feed_parse,
printed as JSON), the JSON is presented as a feedparser-shaped result, and
the expression is evaluated against it.

The mapping covers what octavo models, and nothing else:
  entries[i]['link']                        -> ov_entry.url
  entries[i]['id'] / ['guid']               -> ov_entry.id
  entries[i]['title'], ['title_detail']['value']           -> title
  entries[i]['author'], ['author_detail']['name']           -> author
  entries[i]['summary'] / ['description'] (and _detail value) -> summary
  entries[i]['content'][0]['value']         -> content
  entries[i]['published_parsed'] / ['updated_parsed'] (and the aliases
      issued_parsed, modified_parsed, date_parsed) -> time, as time.struct_time
  feed['title'], feed['title_detail']['value'] -> ov_entries.title
  len(entries)
octavo's title, author and summary are plain text where feedparser's are
(sanitised) HTML, so they compare as text: the expected value is reduced to
its text (tags dropped, entities decoded, white space collapsed). Content
compares as HTML: both sides are tokenised (tags, sorted attributes, text).
An expected value whose text is empty (markup only, as in the sanitiser
tests) checks nothing a plain-text field holds: not applicable. The leading `not bozo and` / `bozo and` (feedparser's well-formedness flag)
is not octavo's business and is dropped. An expectation that touches any key
octavo does not model, or none that it does, counts as not applicable.

Prints passed / failed / n.a. per folder and fails when a folder passes fewer
than its floor in FLOORS_TSV (a ratchet: raise the floors, never lower them).
"""
import html
import html.parser
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor


class NotApplicable(Exception):
    pass


def text_of_html(s):
    """Plain text of an HTML fragment: what octavo's plain-text fields hold."""

    class P(html.parser.HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.out = []
            self.skip = 0

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "style"):
                self.skip += 1
            elif tag in BLOCKS:
                self.out.append(" ")

        def handle_endtag(self, tag):
            if tag in ("script", "style") and self.skip:
                self.skip -= 1
            elif tag in BLOCKS:
                self.out.append(" ")

        def handle_data(self, d):
            if not self.skip:
                self.out.append(d)

    p = P()
    p.feed(s)
    p.close()
    return " ".join("".join(p.out).split())


BLOCKS = {"p", "br", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
          "blockquote", "pre", "ul", "ol", "dd", "dt", "hr", "table", "section", "article"}
VOID = {"br", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed", "param",
        "source", "track", "wbr"}


def html_tokens(s):
    """HTML as a comparable token list: tags with sorted attributes, and text."""

    class P(html.parser.HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.toks = []

        def handle_starttag(self, tag, attrs):
            self.toks.append(("<", tag, tuple(sorted((k, v or "") for k, v in attrs))))

        def handle_startendtag(self, tag, attrs):
            self.handle_starttag(tag, attrs)
            if tag not in VOID:
                self.toks.append((">", tag))

        def handle_endtag(self, tag):
            if tag not in VOID:
                self.toks.append((">", tag))

        def handle_data(self, d):
            t = " ".join(d.split())
            if t:
                if self.toks and self.toks[-1][0] == "t":
                    self.toks[-1] = ("t", self.toks[-1][1] + " " + t)
                else:
                    self.toks.append(("t", t))

    p = P()
    p.feed(s)
    p.close()
    return p.toks


class PlainStr(str):
    """octavo's plain-text value; equal to feedparser's value when its text matches."""

    def __eq__(self, other):
        if isinstance(other, str):
            want = text_of_html(other)
            if not want:
                # feedparser's value is markup without text (sanitiser tests):
                # nothing a plain-text field can be checked against
                raise NotApplicable("expected text is empty")
            mine = " ".join(str(self).split())
            # feedparser keeps text/plain constructs as they are and HTML ones as
            # HTML: either reading of its value may be the text
            return mine == want or mine == " ".join(other.split())
        return NotImplemented

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    __hash__ = str.__hash__


def display_name(s):
    """feedparser's author "name (email)" / "email (name)" as a display name."""
    m = re.fullmatch(r"\s*(.*?)\s*\((.*)\)\s*", s)
    if not m:
        return s
    outer, inner = m.group(1), m.group(2).strip()
    return inner if (not outer or "@" in outer) else outer


class AuthorStr(PlainStr):
    """octavo's author is a display name; feedparser's may carry the email."""

    def __eq__(self, other):
        if isinstance(other, str):
            return PlainStr.__eq__(self, display_name(text_of_html(other)) or other)
        return NotImplemented

    __hash__ = str.__hash__


class HtmlStr(str):
    """octavo's HTML content; equal to feedparser's when both tokenise alike."""

    def __eq__(self, other):
        if isinstance(other, str):
            # feedparser's value of a text/plain construct is the text itself
            return html_tokens(str(self)) == html_tokens(other) or \
                text_of_html(str(self)) == " ".join(other.split())
        return NotImplemented

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    __hash__ = str.__hash__


class Empty:
    """A plain-text field octavo has no text for: reads as "", but is not `in`."""


class Tracker:
    touched = False


class Mapped:
    """A feedparser-shaped dict over a fixed set of modelled keys."""

    def __init__(self, values):
        self._v = values  # key -> value, or None when octavo has none

    def _get(self, key):
        if key not in self._v:
            raise NotApplicable(key)
        Tracker.touched = True
        v = self._v[key]
        if v is None:
            raise KeyError(key)
        if v is Empty:
            return PlainStr("")
        return v

    def __getitem__(self, key):
        return self._get(key)

    def get(self, key, default=None):
        try:
            return self._get(key)
        except KeyError:
            return default

    def __contains__(self, key):
        try:
            return self._get(key) is not None and self._v[key] is not Empty
        except KeyError:
            return False

    has_key = __contains__

    def __getattr__(self, key):
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._get(key)
        except KeyError:
            raise AttributeError(key)

    def keys(self):
        raise NotApplicable("keys()")

    def __eq__(self, other):
        raise NotApplicable("whole-dict comparison")

    __hash__ = object.__hash__


def detail(key, value):
    return Mapped({key: value}) if value is not None else None


def entry_view(x):
    # octavo keeps no empty strings: a missing plain-text field reads as ""
    t = x.get("title")
    title = PlainStr(t) if t is not None else Empty
    summary = PlainStr(x["summary"]) if x.get("summary") is not None else Empty
    author = AuthorStr(x["author"]) if x.get("author") is not None else Empty
    parsed = time.gmtime(x["time"]) if x.get("published") is not None else None
    content = [Mapped({"value": HtmlStr(x["content"])})] if x.get("content") is not None else None
    return Mapped({
        "link": x.get("url"),
        "id": x.get("id"),
        "guid": x.get("id"),
        "title": title,
        "title_detail": detail("value", title),
        "author": author,
        "author_detail": detail("name", author),
        "summary": summary,
        "description": summary,
        "summary_detail": detail("value", summary),
        "content": content,
        "published_parsed": parsed,
        "updated_parsed": parsed,
        "issued_parsed": parsed,
        "modified_parsed": parsed,
        "date_parsed": parsed,
    })


class Entries(list):
    def __len__(self):
        Tracker.touched = True
        return list.__len__(self)


SAFE_BUILTINS = {"len": len, "ord": ord, "chr": chr, "str": str, "int": int, "float": float,
                 "tuple": tuple, "list": list, "dict": dict, "isinstance": isinstance,
                 "True": True, "False": False, "None": None, "abs": abs, "repr": repr,
                 "sorted": sorted, "set": set, "min": min, "max": max, "bool": bool}


class Env(dict):
    def __missing__(self, name):
        if name in SAFE_BUILTINS or name == "time":
            raise KeyError(name)
        raise NotApplicable(name)


def header(path):
    with open(path, "rb") as f:
        head = f.read(4096)
    # UTF-16/32 files: decode the comment as such
    for enc in ("utf-8", "utf-16", "utf-32"):
        try:
            text = head.decode(enc)
            if "Expect:" in text:
                break
        except UnicodeDecodeError:
            continue
    else:
        text = head.decode("latin-1")
    expect, headers = None, []
    for line in text.splitlines():
        m = re.match(r"\s*Expect:\s*(.*)$", line)
        if m:
            expect = m.group(1).strip()
        m = re.match(r"\s*Header:\s*([^:]+):\s*(.*)$", line)
        if m:
            headers.append((m.group(1).strip().lower(), m.group(2).strip()))
    return expect, headers


def strip_bozo(expr):
    e = expr.strip()
    e = re.sub(r"^not\s+bozo\s+and\s+", "", e)
    e = re.sub(r"^bozo\s+and\s+", "", e)
    return e


ENTRY_KEYS = {"link", "id", "guid", "title", "title_detail", "author", "author_detail", "summary",
              "description", "summary_detail", "content", "published_parsed", "updated_parsed",
              "issued_parsed", "modified_parsed", "date_parsed"}
FEED_KEYS = {"title", "title_detail"}
INNER_KEYS = {"value", "name"}
PLAIN_KEYS = {"title", "title_detail", "author", "author_detail", "summary", "description",
              "summary_detail"}


def applicable(expr):
    """Decided from the expression alone, never from octavo's output: does it
    check something octavo models, and only that?"""
    import ast
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        return False
    keys, names = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Subscript):
            sl = node.slice
            if isinstance(sl, ast.Constant) and isinstance(sl.value, str):
                keys.append(sl.value)
        elif isinstance(node, ast.Attribute):
            if node.attr in ("get", "has_key") and isinstance(node.ctx, ast.Load):
                continue
            if isinstance(node.value, ast.Name) and node.value.id == "time":
                continue
            keys.append(node.attr)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("get", "has_key") and node.args and \
                isinstance(node.args[0], ast.Constant):
            keys.append(node.args[0].value)
        elif isinstance(node, ast.Compare):
            for c in [node.left] + list(node.comparators):
                if isinstance(c, ast.Constant) and isinstance(c.value, str) and \
                        not text_of_html(c.value) and any(k in PLAIN_KEYS for k in keys_in(node)):
                    return False  # markup without text: nothing plain text can show
    allowed_names = {"entries", "feed", "len", "ord", "time", "True", "False", "None", "str",
                     "tuple", "isinstance", "int", "abs"}
    if names - allowed_names:
        return False
    if any(k not in ENTRY_KEYS | FEED_KEYS | INNER_KEYS for k in keys):
        return False
    return bool(keys) or ("len" in names and "entries" in names)


def keys_in(node):
    import ast
    out = []
    for n in ast.walk(node):
        if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant):
            out.append(n.slice.value)
    return out


def evaluate(expr, result):
    if not applicable(expr):
        return "na"
    entries = Entries(entry_view(x) for x in result.get("entries", []))
    t = result.get("title")
    ftitle = PlainStr(t) if t is not None else Empty
    feed = Mapped({"title": ftitle, "title_detail": detail("value", ftitle)})
    env = Env(entries=entries, feed=feed)
    Tracker.touched = False
    try:
        ok = eval(expr, {"__builtins__": SAFE_BUILTINS, "time": time}, env)
    except NotApplicable:
        return "na"
    except Exception:  # KeyError, IndexError, TypeError: the expected value is not there
        return "fail"
    return "pass" if ok else "fail"


def run_one(feeddump, corpus, path):
    expect, headers = header(path)
    rel = os.path.relpath(path, corpus)
    if not expect:
        return rel, "na", "no Expect line"
    expr = strip_bozo(expect)
    if re.fullmatch(r"(not\s+)?bozo", expr):
        return rel, "na", expect
    args = [feeddump, "--url", "http://127.0.0.1:8097/tests/" + rel.replace(os.sep, "/")]
    for k, v in headers:
        if k == "content-type":
            args += ["--content-type", v]
        elif k == "content-location":
            args += ["--content-location", v]
    args.append(path)
    try:
        p = subprocess.run(args, capture_output=True, timeout=60)
        result = json.loads(p.stdout.decode("utf-8") or "{}")
    except (subprocess.TimeoutExpired, ValueError) as ex:
        return rel, "fail", "feeddump: %s" % ex
    if p.returncode not in (0, 1):
        return rel, "fail", "feeddump crashed (exit %d): %s" % (p.returncode, p.stderr[-300:])
    return rel, evaluate(expr, result), expect


def folder_of(rel):
    parts = rel.split(os.sep)
    if parts[0] == "wellformed" and len(parts) > 2:
        return parts[0] + "/" + parts[1]
    return parts[0]


def main(argv):
    opts = [a for a in argv[1:] if a.startswith("--")]
    args = [a for a in argv[1:] if not a.startswith("--")]
    sample = 0
    for o in opts:
        if o.startswith("--sample="):
            sample = int(o.split("=", 1)[1])
    feeddump, corpus, floors_path = args[0], args[1], args[2]
    if not os.path.isdir(corpus):
        print("conformance: %s not present, skipped" % corpus)
        return 77
    files = []
    for d, _, names in os.walk(corpus):
        for n in names:
            if n.endswith(".xml"):
                files.append(os.path.join(d, n))
    files.sort()
    if sample:
        files = files[:: max(1, len(files) // sample)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda f: run_one(feeddump, corpus, f), files))
    per = {}
    for rel, outcome, expect in results:
        c = per.setdefault(folder_of(rel), {"pass": 0, "fail": 0, "na": 0})
        c[outcome] += 1
        if outcome == "fail" and "--verbose" in opts:
            print("FAIL %s: %s" % (rel, expect))
    floors = {}
    if os.path.exists(floors_path) and not sample:
        with open(floors_path) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    k, v = line.split("\t")
                    floors[k] = int(v)
    total = {"pass": 0, "fail": 0, "na": 0}
    bad = []
    print("%-28s %7s %7s %7s %7s" % ("folder", "passed", "failed", "n.a.", "floor"))
    for k in sorted(per):
        c = per[k]
        for o in total:
            total[o] += c[o]
        fl = floors.get(k)
        print("%-28s %7d %7d %7d %7s" % (k, c["pass"], c["fail"], c["na"], "" if fl is None else fl))
        if fl is not None and c["pass"] < fl:
            bad.append("%s: %d passed, floor %d" % (k, c["pass"], fl))
    applicable = total["pass"] + total["fail"]
    fl = floors.get("total")
    print("%-28s %7d %7d %7d %7s" % ("total", total["pass"], total["fail"], total["na"],
                                     "" if fl is None else fl))
    if applicable:
        print("conformance: %d of %d applicable expectations pass (%.1f%%)" %
              (total["pass"], applicable, 100.0 * total["pass"] / applicable))
    if fl is not None and total["pass"] < fl:
        bad.append("total: %d passed, floor %d" % (total["pass"], fl))
    if "--print-floors" in opts:
        print("# floors (folder<TAB>minimum passed)")
        for k in sorted(per):
            print("%s\t%d" % (k, per[k]["pass"]))
        print("total\t%d" % total["pass"])
    for b in bad:
        print("conformance: below floor: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
