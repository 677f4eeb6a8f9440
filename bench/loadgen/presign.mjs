// Writes pre-signed HTTP requests for wrk (replay.lua) to a file, as fast as Node's crypto allows.
// Each record is "<byte length>\n<raw HTTP/1.1 request>": a distinct Clerk event with its own user id, email and
// timestamps, a new svix-id, svix-timestamp = the time it was signed (seconds) and
// svix-signature = v1,base64(HMAC-SHA256(secret, "${id}.${ts}.${body}")).
// Events are signed just before a phase starts, so they are fresh (well inside Svix's +-300 s) when sent.
//
// Event mixes (--mix):
//   padded: user.updated, Clerk's OpenAPI example padded to ~3 KB (user.updated.padded.json)
//   docs:   user.updated shaped like Clerk's documentation example (~1.6 KB: the docs' user object, the
//           event_attributes Clerk adds, indented by two spaces as the docs print it)
//   mix:    60 % user.updated, 30 % user.created, 10 % user.deleted (Clerk's OpenAPI examples, 0.5-1.5 KB), in a
//           random order fixed per block of ten records, so every stretch of the file has the same mix
//
// usage: node presign.mjs --mode webhook|ceiling --mix padded|docs|mix --count N --out FILE --host 127.0.0.1:PORT
//                         --tag TAG [--secret whsec_...]
//   webhook: POST /clerk-webhook, signed (what Clerk/Svix send to the runtime or the peer)
//   ceiling: POST /api/mutation with the Convex body the runtime would forward (what the stand-in gets)
// TAG (7 chars [0-9A-Za-z]) makes ids unique across files; the record number fills the rest.
import { createHmac, randomInt } from "node:crypto";
import { openSync, writeSync, closeSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const mode = args.mode || "webhook";
const mix = args.mix || "padded";
const count = Number(args.count);
const out = args.out;
const host = args.host;
const tag = args.tag;
const MIXES = ["padded", "docs", "mix"];
if (!["webhook", "ceiling"].includes(mode) || !MIXES.includes(mix) || !(count > 0) || !out || !host || !/^[0-9A-Za-z]{7}$/.test(tag || "")) {
  console.error("usage: node presign.mjs --mode webhook|ceiling --mix padded|docs|mix --count N --out FILE --host H:P --tag 7CHARS [--secret whsec_..]");
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

const here = dirname(fileURLToPath(import.meta.url));
const payloads = join(here, "..", "..", "src", "test", "resources", "payloads");
const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));
// the same event-type routing as the runtime and the peer: what each sends to Convex
const CONVEX_CALL = {
  "user.created": (data) => ({ path: "users:upsertFromClerk", args: { user: data } }),
  "user.updated": (data) => ({ path: "users:upsertFromClerk", args: { user: data } }),
  "user.deleted": (data) => ({ path: "users:deleteFromClerk", args: { userId: data.id } }),
};

// A template is the event with placeholders for what differs per record, split once so that each record is a
// cheap join. indent: how the sender serialises it (0: compact).
function template(event, indent = 0) {
  event.timestamp = "@@TS_MS@@";
  const d = event.data;
  d.id = "@@UID@@";
  for (const k of ["created_at", "updated_at", "last_active_at", "last_sign_in_at"]) if (k in d) d[k] = "@@TS_MS@@";
  if ("username" in d) d.username = "@@USERNAME@@";
  if (d.email_addresses?.length) d.email_addresses[0].email_address = "@@EMAIL@@";
  let text = mode === "ceiling" ? JSON.stringify({ ...CONVEX_CALL[event.type](d), format: "json" }) : JSON.stringify(event, null, indent);
  text = text.replaceAll('"@@TS_MS@@"', "@@TS_MS@@");
  return text.split(/@@(TS_MS|UID|USERNAME|EMAIL)@@/);
}
function docsUserUpdated() {
  const e = readJson(join(payloads, "user.created.docs-example.json"));
  e.type = "user.updated";
  e.event_attributes = { http_request: { client_ip: "192.168.1.100", user_agent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36" } };
  return e;
}
let kinds; // templates, and the order in which a block of records uses them
if (mix === "padded") kinds = { templates: [template(readJson(join(here, "user.updated.padded.json")))], block: [0] };
else if (mix === "docs") kinds = { templates: [template(docsUserUpdated(), 2)], block: [0] };
else {
  kinds = {
    templates: ["user.updated", "user.created", "user.deleted"].map((t) => template(readJson(join(payloads, `${t}.json`)))),
    block: [0, 0, 0, 0, 0, 0, 1, 1, 1, 2],
  };
}
const order = [];
for (let n = 0; n < count; n += kinds.block.length) {
  const b = [...kinds.block];
  for (let i = b.length - 1; i > 0; i--) { const j = randomInt(i + 1); [b[i], b[j]] = [b[j], b[i]]; }
  order.push(...b);
}

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
  const parts = kinds.templates[order[n]];
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
console.log(JSON.stringify({ out, count, mode, mix, meanBodyBytes: Math.round(totalBody / count) }));
