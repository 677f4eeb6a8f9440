// Writes pre-signed HTTP requests for wrk (replay.lua) to a file, as fast as Node's crypto allows.
// Each record is "<byte length>\n<raw HTTP/1.1 request>": a distinct user.updated event (2-3 KB, padded
// from Clerk's own example, see user.updated.padded.json) with a new svix-id, svix-timestamp = the time
// it was signed (seconds), svix-signature = v1,base64(HMAC-SHA256(secret, "${id}.${ts}.${body}")).
// Events are signed just before a phase starts, so they are fresh (well inside Svix's +-300 s) when sent.
//
// usage: node presign.mjs --mode webhook|ceiling --count N --out FILE --host 127.0.0.1:PORT
//                         --tag TAG [--secret whsec_...]
//   webhook: POST /clerk-webhook, signed (what Clerk/Svix send to the runtime or the peer)
//   ceiling: POST /api/mutation with the Convex body the runtime would forward (what the stand-in gets)
// TAG (7 chars [0-9A-Za-z]) makes ids unique across files; the record number fills the rest.
import { createHmac } from "node:crypto";
import { openSync, writeSync, closeSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const mode = args.mode || "webhook";
const count = Number(args.count);
const out = args.out;
const host = args.host;
const tag = args.tag;
if (!["webhook", "ceiling"].includes(mode) || !(count > 0) || !out || !host || !/^[0-9A-Za-z]{7}$/.test(tag || "")) {
  console.error("usage: node presign.mjs --mode webhook|ceiling --count N --out FILE --host H:P --tag 7CHARS [--secret whsec_..]");
  process.exit(2);
}
let key = null;
if (mode === "webhook") {
  if (!args.secret || !args.secret.startsWith("whsec_")) {
    console.error("--secret whsec_... is required in webhook mode");
    process.exit(2);
  }
  key = Buffer.from(args.secret.slice("whsec_".length), "base64");
}

// Template: the padded Clerk event with placeholders, split once so that each event is a cheap join.
const here = dirname(fileURLToPath(import.meta.url));
const event = JSON.parse(readFileSync(join(here, "user.updated.padded.json"), "utf8"));
event.timestamp = "@@TS_MS@@";
event.data.id = "@@UID@@";
event.data.updated_at = "@@TS_MS@@";
event.data.last_active_at = "@@TS_MS@@";
event.data.username = "@@USERNAME@@";
event.data.email_addresses[0].email_address = "@@EMAIL@@";
let template = JSON.stringify(event).replaceAll('"@@TS_MS@@"', "@@TS_MS@@");
if (mode === "ceiling") {
  // exactly the shape the runtime and the peer send to Convex for user.updated
  template = `{"path":"users:upsertFromClerk","args":{"user":${JSON.stringify(JSON.parse(template.replaceAll("@@TS_MS@@", '"@@TS_MS@@"')).data).replaceAll('"@@TS_MS@@"', "@@TS_MS@@")}},"format":"json"}`;
}
const parts = template.split(/@@(TS_MS|UID|USERNAME|EMAIL)@@/);

const fd = openSync(out, "w");
let buf = [];
let bufLen = 0;
const flush = () => {
  if (bufLen) writeSync(fd, buf.join(""));
  buf = [];
  bufLen = 0;
};
const reqPath = mode === "webhook" ? "/clerk-webhook" : "/api/mutation";
const headPrefix = `POST ${reqPath} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: Svix-Webhooks/1.24.0 (sender-bench)\r\nContent-Type: application/json\r\n`;
let totalBody = 0;
for (let n = 0; n < count; n++) {
  const num = String(n).padStart(20, "0");
  const now = Date.now();
  const vars = { TS_MS: String(now), UID: `user_${tag}${num}`, USERNAME: `u${tag}${n}`, EMAIL: `u${tag}${n}@example.com` };
  let body = "";
  for (let i = 0; i < parts.length; i++) body += i % 2 ? vars[parts[i]] : parts[i];
  const bodyLen = Buffer.byteLength(body);
  totalBody += bodyLen;
  let head = headPrefix;
  if (mode === "webhook") {
    const id = `msg_${tag}${num}`;
    const ts = Math.floor(now / 1000);
    const sig = createHmac("sha256", key).update(`${id}.${ts}.`).update(body).digest("base64");
    head += `svix-id: ${id}\r\nsvix-timestamp: ${ts}\r\nsvix-signature: v1,${sig}\r\n`;
  }
  const req = `${head}Content-Length: ${bodyLen}\r\n\r\n${body}`;
  const rec = `${Buffer.byteLength(req)}\n${req}`;
  buf.push(rec);
  bufLen += rec.length;
  if (bufLen > 4 << 20) flush();
}
flush();
closeSync(fd);
console.log(JSON.stringify({ out, count, mode, meanBodyBytes: Math.round(totalBody / count) }));
