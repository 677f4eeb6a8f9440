// Local stand-ins for the reconcile benchmark, in one Node process with two listeners:
//  - Clerk's Backend API: GET /v1/users?limit&offset&order_by=+created_at (a bare JSON array of User objects),
//    GET /v1/users/:id (404 with Clerk's error shape when unknown), Bearer key checked, Clerk's production rate
//    limit enforced (1000 requests per 10 s, else 429 with Retry-After), users generated once at start;
//  - Convex's HTTP API: POST /api/mutation users:upsertManyFromClerk and users:deleteFromClerk, POST /api/query
//    users:pageExternalIds, answered {"status":"success","value":…} from an in-memory users table with the
//    companion functions' rules (ordering guard on updated_at, unchanged when equal).
// GET /stats on either port gives the request counts. Usage: node standins.mjs <users> <portsFile>
import http from "node:http";
import fs from "node:fs";

const USERS = Number(process.argv[2] ?? 100000);
const PORTS_FILE = process.argv[3] ?? "ports.json";
const SECRET = process.env.BENCH_CLERK_KEY ?? "sk_test_bench";
const RATE = 1000, WINDOW_MS = 10_000;

// ---- Clerk ----------------------------------------------------------------------------------------------------
const users = [];
const byId = new Map();
for (let i = 0; i < USERS; i++) {
  const id = "user_bench" + String(i).padStart(7, "0");
  const json = JSON.stringify({
    object: "user", id, external_id: null, primary_email_address_id: "idn_" + id, primary_phone_number_id: null,
    primary_web3_wallet_id: null, username: null, first_name: "First" + i, last_name: "Last" + i,
    profile_image_url: "https://img.clerk.com/" + id, image_url: "https://img.clerk.com/" + id, has_image: true,
    public_metadata: {}, private_metadata: {}, unsafe_metadata: {},
    email_addresses: [{ id: "idn_" + id, object: "email_address", email_address: `user${i}@example.com`,
      reserved: false, verification: { status: "verified", strategy: "email_code", attempts: null, expire_at: null },
      linked_to: [], created_at: 1700000000000 + i, updated_at: 1700000000000 + i }],
    phone_numbers: [], web3_wallets: [], passkeys: [], password_enabled: true, two_factor_enabled: false,
    totp_enabled: false, backup_code_enabled: false, external_accounts: [], saml_accounts: [],
    last_sign_in_at: 1700000000000 + i, banned: false, locked: false, lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100, created_at: 1700000000000 + i, updated_at: 1700000000000 + i,
    delete_self_enabled: true, create_organization_enabled: true, last_active_at: 1700000000000 + i,
  });
  users.push(json);
  byId.set(id, json);
}
const clerk = { requests: 0, listRequests: 0, userRequests: 0, rateLimited: 0, unauthorized: 0 };
const recent = []; // request times within the rate window
const pageCache = new Map();

function clerkError(res, status, code, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ errors: [{ message: code, long_message: code, code }], clerk_trace_id: "bench" }));
}

const clerkServer = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/stats") return json(res, clerk);
  clerk.requests++;
  if (req.headers.authorization !== "Bearer " + SECRET) { clerk.unauthorized++; return clerkError(res, 401, "authentication_invalid"); }
  const now = Date.now();
  while (recent.length && recent[0] <= now - WINDOW_MS) recent.shift();
  if (recent.length >= RATE) {
    clerk.rateLimited++;
    return clerkError(res, 429, "too_many_requests", { "retry-after": String(Math.ceil((recent[0] + WINDOW_MS - now) / 1000)) });
  }
  recent.push(now);
  if (url.pathname === "/v1/users") {
    clerk.listRequests++;
    const limit = Number(url.searchParams.get("limit") ?? 10), offset = Number(url.searchParams.get("offset") ?? 0);
    if (url.searchParams.get("order_by") !== "+created_at" || !(limit >= 1 && limit <= 500)) return clerkError(res, 422, "form_param_value_invalid");
    const key = offset + ":" + limit;
    let body = pageCache.get(key);
    if (!body) {
      body = Buffer.from("[" + users.slice(offset, offset + limit).join(",") + "]");
      pageCache.set(key, body);
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    return res.end(body);
  }
  if (url.pathname.startsWith("/v1/users/")) {
    clerk.userRequests++;
    const user = byId.get(decodeURIComponent(url.pathname.slice("/v1/users/".length)));
    if (!user) return clerkError(res, 404, "resource_not_found");
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(user);
  }
  clerkError(res, 404, "resource_not_found");
});

// ---- Convex ---------------------------------------------------------------------------------------------------
const table = new Map(); // externalId -> { updatedAt, json }
let order = []; // externalIds in insertion order (pageExternalIds)
const convex = { calls: 0, upsertMany: 0, pageExternalIds: 0, deleteFromClerk: 0, other: 0, users: 0 };

function upsertMany(list) {
  const counts = { inserted: 0, updated: 0, unchanged: 0, stale: 0, deleted: 0 };
  for (const user of list) {
    const json = JSON.stringify(user);
    const row = table.get(user.id);
    if (!row) { table.set(user.id, { updatedAt: user.updated_at, json }); order.push(user.id); counts.inserted++; }
    else if (row.updatedAt > user.updated_at) counts.stale++;
    else if (row.json === json) counts.unchanged++;
    else { row.updatedAt = user.updated_at; row.json = json; counts.updated++; }
  }
  return counts;
}

const convexServer = http.createServer((req, res) => {
  if (req.url === "/stats") return json(res, { ...convex, users: table.size });
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    convex.calls++;
    let call;
    try { call = JSON.parse(Buffer.concat(chunks)); } catch { return json(res, { code: "BadJsonBody", message: "bad json" }, 400); }
    let value;
    if (call.path === "users:upsertManyFromClerk") { convex.upsertMany++; value = upsertMany(call.args.users); }
    else if (call.path === "users:pageExternalIds") {
      convex.pageExternalIds++;
      const { numItems, cursor } = call.args.paginationOpts;
      const from = cursor === null ? 0 : Number(cursor), to = Math.min(order.length, from + Math.min(numItems, 4000));
      value = { page: order.slice(from, to), isDone: to >= order.length, continueCursor: String(to) };
    } else if (call.path === "users:deleteFromClerk") {
      convex.deleteFromClerk++;
      value = table.delete(call.args.userId) ? "deleted" : "absent";
      if (value === "deleted") order = order.filter((id) => id !== call.args.userId);
    } else { convex.other++; return json(res, { status: "error", errorMessage: "Could not find function " + call.path }); }
    json(res, { status: "success", value });
  });
});

function json(res, body, status = 200) {
  const out = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(out) });
  res.end(out);
}

clerkServer.keepAliveTimeout = convexServer.keepAliveTimeout = 60_000;
clerkServer.listen(0, "127.0.0.1", () => convexServer.listen(0, "127.0.0.1", () => {
  fs.writeFileSync(PORTS_FILE, JSON.stringify({ clerk: clerkServer.address().port, convex: convexServer.address().port }));
  console.error(`stand-ins ready: ${USERS} Clerk users, Clerk :${clerkServer.address().port}, Convex :${convexServer.address().port}`);
}));
