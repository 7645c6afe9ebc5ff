"""bench/peer.py - Mozilla Readability.js as a peer, for bench/extract and bench/meta-eval.

ensure() installs @mozilla/readability and jsdom with npm into bench/.node/
(gitignored) when they are missing; run(pages) runs bench/readability-peer.js
once (one node process, one core) over [{path, url}] and returns its results
keyed by path."""
import json, os, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.path.join(HERE, '.node')
PACKAGES = ['@mozilla/readability@0.6.0', 'jsdom']


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


def run(pages):
    """pages: [{path, url}] -> {path: result dict} (see readability-peer.js)."""
    p = subprocess.run(['node', os.path.join(HERE, 'readability-peer.js')], input=json.dumps(pages).encode(),
                       capture_output=True)
    out = {}
    for line in p.stdout.decode('utf-8', 'replace').splitlines():
        if line.strip():
            o = json.loads(line)
            out[o['path']] = o
    if p.returncode != 0 and not out:
        sys.exit('peer: node failed: ' + p.stderr.decode('utf-8', 'replace')[-500:])
    return out
