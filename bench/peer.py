"""bench/peer.py - Mozilla Readability.js as a peer, for bench/extract and bench/meta-eval.

ensure() installs @mozilla/readability and jsdom with npm into bench/.node/
(gitignored) when they are missing; run(pages) runs bench/readability-peer.js
once (one node process, one core) over [{path, url}] and returns its results
keyed by path."""
import json, os, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.path.join(HERE, '.node')
# jsdom pinned: a pinned peer gives figures that compare across runs, and
# jsdom 27+ needs a tldts-core release the registry mirror here lacks.
PACKAGES = ['@mozilla/readability@0.6.0', 'jsdom@26.1.0']


def ensure():
    """Return None when the peer is ready, else a reason it is not."""
    if not shutil.which('node') or not shutil.which('npm'):
        return 'node/npm not installed (apt-get install -y nodejs npm)'
    mods = os.path.join(NODE_DIR, 'node_modules')
    if os.path.isdir(os.path.join(mods, '@mozilla', 'readability')) and os.path.isdir(os.path.join(mods, 'jsdom')):
        return None
    os.makedirs(NODE_DIR, exist_ok=True)
    pj = os.path.join(NODE_DIR, 'package.json')
    if not os.path.exists(pj):
        open(pj, 'w').write('{"name": "octavo-bench-peer", "private": true}\n')
    print('peer: npm install %s into %s' % (' '.join(PACKAGES), NODE_DIR), file=sys.stderr)
    p = subprocess.run(['npm', 'install', '--no-audit', '--no-fund', '--silent'] + PACKAGES, cwd=NODE_DIR)
    return None if p.returncode == 0 else 'npm install failed (exit %d)' % p.returncode


BATCH = 100   # pages per node process: jsdom keeps memory between pages, and
              # one process over 1,380 pages reached node's 4 GB heap and died,
              # which scored every page after it as empty


def _run_batch(batch):
    p = subprocess.run(['node', '--max-old-space-size=3072', os.path.join(HERE, 'readability-peer.js')],
                       input=json.dumps(batch).encode(), capture_output=True)
    out = {}
    # split on '\n' only: str.splitlines() also splits on U+2028, U+0085 and
    # friends, which JSON.stringify leaves raw inside a page's text
    for line in p.stdout.decode('utf-8', 'replace').split('\n'):
        if line.strip():
            try:
                o = json.loads(line)
            except ValueError:
                continue   # the cut-off last line of a process that died
            out[o['path']] = o
    return out, p


def run(pages):
    """pages: [{path, url}] -> {path: result dict} (see readability-peer.js).

    Runs in batches of BATCH pages, one fresh node process each; when a
    process dies part-way, the pages it did not answer go to a fresh process
    once more, and a page that kills that one too is recorded as an error
    (scored as empty, as a crash would be for a user)."""
    out = {}
    for k in range(0, len(pages), BATCH):
        batch = pages[k:k + BATCH]
        got, p = _run_batch(batch)
        out.update(got)
        rest = [q for q in batch if q['path'] not in got]
        while rest:
            got, p = _run_batch(rest)
            out.update(got)
            if not got:
                # the first page left kills node on its own: record it, go on
                why = p.stderr.decode('utf-8', 'replace').strip().splitlines()
                out[rest[0]['path']] = {'path': rest[0]['path'], 'ok': False, 'seconds': 0.0, 'cpu': 0.0,
                                        'error': 'node died: ' + (why[-1] if why else 'exit %d' % p.returncode)}
                got = {rest[0]['path']: 1}
            rest = [q for q in rest if q['path'] not in got and q['path'] not in out]
    return out
