// Read every record of a WARC with warcio.js and verify WARC-Payload-Digest
// (sha1, base32) against the payload warcio hands back. Block digests are
// checked independently by blocks.mjs.
import fs from "node:fs";
import crypto from "node:crypto";
import { WARCParser } from "warcio";
const b32 = (buf) => { const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"; let bits = 0, v = 0, out = "";
  for (const x of buf) { v = (v << 8) | x; bits += 8; while (bits >= 5) { out += a[(v >>> (bits - 5)) & 31]; bits -= 5; } }
  if (bits > 0) out += a[(v << (5 - bits)) & 31]; return out; };
const sha1 = (b) => "sha1:" + b32(crypto.createHash("sha1").update(b).digest());
const parser = new WARCParser(fs.createReadStream(process.argv[2]));
const counts = {}; let bad = 0, checkedPayload = 0, v11 = 0, dates = 0;
for await (const rec of parser) {
  const t = rec.warcType; counts[t] = (counts[t] || 0) + 1;
  if (rec.warcHeaders.protocol === "WARC/1.1") v11++;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(rec.warcHeader("WARC-Date") || "")) dates++;
  const pd = rec.warcHeader("WARC-Payload-Digest");
  const payload = Buffer.from(await rec.readFully(false));
  if (pd) { checkedPayload++; if (sha1(payload) !== pd) { bad++; console.log("payload digest mismatch", t, rec.warcTargetURI); } }
}
console.log(JSON.stringify({ records: counts, warc11: v11, isoDates: dates, payloadDigestsChecked: checkedPayload, mismatches: bad }));
