// Independent check of WARC-Block-Digest: gunzip the whole file (all members),
// walk records by Content-Length, hash each block.
import fs from "node:fs"; import zlib from "node:zlib"; import crypto from "node:crypto";
const b32 = (buf) => { const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"; let bits = 0, v = 0, out = "";
  for (const x of buf) { v = (v << 8) | x; bits += 8; while (bits >= 5) { out += a[(v >>> (bits - 5)) & 31]; bits -= 5; } }
  if (bits > 0) out += a[(v << (5 - bits)) & 31]; return out; };
const data = zlib.gunzipSync(fs.readFileSync(process.argv[2]));
let off = 0, n = 0, ok = 0, bad = 0;
while (off < data.length) {
  const end = data.indexOf("\r\n\r\n", off); const head = data.subarray(off, end).toString();
  const len = +/Content-Length: (\d+)/i.exec(head)[1]; const block = data.subarray(end + 4, end + 4 + len);
  const d = /WARC-Block-Digest: (\S+)/i.exec(head);
  if (d) { (("sha1:" + b32(crypto.createHash("sha1").update(block).digest())) === d[1]) ? ok++ : bad++; }
  n++; off = end + 4 + len + 4; // block + CRLF CRLF
}
console.log(JSON.stringify({ records: n, blockDigestOk: ok, blockDigestBad: bad }));
