// bench/readability-peer.js - Mozilla Readability.js over a list of pages, in
// one node process (one core), for bench/extract and bench/meta-eval.
//
// stdin: one JSON array of {"path": FILE, "url": URL}. stdout: one JSON line
// a page: {path, ok, seconds, title, byline, excerpt, siteName,
// publishedTime, lang, text, error, cpu}.
//
// Each page is handled as a Readability user would: the raw bytes go to
// jsdom (which sniffs the charset from BOM / <meta>, as a browser does) with
// the page's URL; then new Readability(document).parse(). `seconds` is the
// time of jsdom parsing + Readability, measured with process.hrtime around
// both (file reading and node start-up are not counted); `cpu` the
// process's user+system CPU time over the same span (process.cpuUsage).
'use strict';
const fs = require('fs');
const path = require('path');
const mods = process.env.OV_PEER_MODULES || path.join(__dirname, '.node', 'node_modules');
const { JSDOM, VirtualConsole } = require(path.join(mods, 'jsdom'));
const { Readability } = require(path.join(mods, '@mozilla/readability'));

const pages = JSON.parse(fs.readFileSync(0, 'utf8'));
const quiet = new VirtualConsole();
for (const p of pages) {
  const bytes = fs.readFileSync(p.path);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let r = null, err = '';
  try {
    const dom = new JSDOM(bytes, { url: p.url || 'http://fakehost/test/page.html', virtualConsole: quiet });
    r = new Readability(dom.window.document).parse();
    dom.window.close();
  } catch (e) {
    err = String(e && e.message || e).split('\n')[0];
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  const o = { path: p.path, ok: !!r, seconds, cpu: (c.user + c.system) / 1e6, error: err };
  if (r) {
    o.title = r.title; o.byline = r.byline; o.excerpt = r.excerpt; o.siteName = r.siteName;
    o.publishedTime = r.publishedTime; o.lang = r.lang; o.text = r.textContent;
  }
  process.stdout.write(JSON.stringify(o) + '\n');
}
