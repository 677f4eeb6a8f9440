// Local stand-ins for the reconcile benchmark, in one Node process with two listeners:
//  - Clerk's Backend API: GET /v1/users?limit&offset&order_by=+created_at (a bare JSON array of User objects),
//    GET /v1/organizations and GET /v1/organization_memberships (same paging, {"data":[…],"total_count":n}),
//    GET /v1/users/:id and /v1/organizations/:id (404 with Clerk's error shape when unknown), Bearer key checked,
//    Clerk's production rate limit enforced (1000 requests per 10 s, else 429 with Retry-After), all generated once
//    at start (each membership nests its organization whole, as Clerk's do);
//  - Convex's HTTP API: POST /api/mutation <kind>:upsertManyFromClerk and <kind>:deleteFromClerk, POST /api/query
//    <kind>:pageExternalIds for users, organizations and memberships, answered {"status":"success","value":…} from
//    in-memory tables with the package's rules (ordering guard on updated_at, unchanged when equal).
//  - and, in the shapes of the Backend API samples in src/test/resources/payloads/backend/: GET /v1/organization_roles
//    (oldest first), /v1/organization_invitations (oldest first, every status asked for), /v1/billing/plans and
//    /v1/billing/subscription_items (newest first, no order_by; free-plan items only with include_free=true), one role,
//    one invitation per organization, a payer's subscription; Convex tables for roles, invitations, plans
//    (archiveFromClerk) and subscriptionItems. Any method but GET on Clerk is counted (stats.notGet) and refused.
// GET /stats on either port gives the request counts.
// Usage: node standins.mjs <users> <portsFile> [organizations] [memberships] [roles] [invitations] [plans] [subscriptionItems]
import http from "node:http";
import fs from "node:fs";

const USERS = Number(process.argv[2] ?? 100000);
const PORTS_FILE = process.argv[3] ?? "ports.json";
const ORGS = Number(process.argv[4] ?? 0);
const MEMBERSHIPS = Number(process.argv[5] ?? 0);
const ROLES = Number(process.argv[6] ?? 0);
const INVITATIONS = Number(process.argv[7] ?? 0);
const PLANS = Number(process.argv[8] ?? 0);
const SUBSCRIPTION_ITEMS = Number(process.argv[9] ?? 0);
const sample = (name) => JSON.parse(fs.readFileSync(new URL("../../src/test/resources/payloads/backend/" + name, import.meta.url)));
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
const orgs = [], orgById = new Map(), orgObjects = [];
for (let i = 0; i < ORGS; i++) {
  const id = "org_bench" + String(i).padStart(6, "0");
  const org = {
    object: "organization", id, name: "Organization " + i, slug: "organization-" + i,
    image_url: "https://img.clerk.com/" + id, has_image: false, members_count: 0, max_allowed_memberships: 0,
    admin_delete_enabled: true, public_metadata: {}, private_metadata: {}, created_by: "user_bench0000000",
    created_at: 1690000000000 + i, updated_at: 1690000000000 + i,
  };
  orgObjects.push(org);
}
const memberships = [];
for (let i = 0; i < MEMBERSHIPS; i++) {
  const org = orgObjects[i % ORGS];
  org.members_count++;
  const userIndex = Math.floor(i / ORGS) + (i % ORGS) * Math.ceil(MEMBERSHIPS / ORGS);
  const userId = "user_bench" + String(userIndex % Math.max(1, USERS)).padStart(7, "0");
  memberships.push({ i, org, userId });
}
for (const org of orgObjects) {
  const json = JSON.stringify(org);
  orgs.push(json);
  orgById.set(org.id, json);
}
const membershipJson = memberships.map(({ i, org, userId }) => JSON.stringify({
  object: "organization_membership", id: "orgmem_bench" + String(i).padStart(7, "0"),
  role: i % 10 === 0 ? "org:admin" : "org:member", role_name: i % 10 === 0 ? "Admin" : "Member",
  permissions: ["org:sys_memberships:read"], public_metadata: {}, private_metadata: {},
  organization: org,
  public_user_data: { user_id: userId, identifier: userId + "@example.com", first_name: "First", last_name: "Last",
    image_url: "https://img.clerk.com/" + userId, has_image: false },
  created_at: 1695000000000 + i, updated_at: 1695000000000 + i,
}));
// roles, invitations, plans and subscription items, each the first object of its sample under other ids
const roleSample = sample("organization_roles.json").data[0];
const roles = [], roleById = new Map();
for (let i = 0; i < ROLES; i++) {
  const id = "role_bench" + String(i).padStart(4, "0");
  const json = JSON.stringify({ ...roleSample, id, key: "org:role" + i, name: "Role " + i,
    created_at: 1680000000000 + i, updated_at: 1680000000000 + i });
  roles.push(json);
  roleById.set(id, json);
}
const invitationSample = sample("organization_invitations.json").data[0];
const STATUSES = ["pending", "accepted", "revoked", "expired"];
const invitations = [], invitationById = new Map();
for (let i = 0; i < INVITATIONS; i++) {
  const org = orgObjects[i % Math.max(1, ORGS)];
  const id = "orginv_bench" + String(i).padStart(6, "0");
  const invitation = { ...invitationSample, id, email_address: `invitee${i}@example.com`, status: STATUSES[i % 4],
    organization_id: org ? org.id : "org_none", created_at: 1696000000000 + i, updated_at: 1696000000000 + i,
    public_organization_data: { ...invitationSample.public_organization_data, id: org ? org.id : "org_none" } };
  const json = JSON.stringify(invitation);
  invitations.push({ json, status: invitation.status });
  invitationById.set(id, { json, organizationId: invitation.organization_id });
}
const planSample = sample("billing_plans.json").data[0];
const planObjects = [];
for (let i = 0; i < PLANS; i++) {
  const free = i === 0;
  planObjects.push({ ...planSample, id: "cplan_bench" + String(i).padStart(3, "0"), name: "Plan " + i, slug: "plan-" + i,
    is_default: free, fee: { ...planSample.fee, amount: free ? 0 : 1000 * i }, for_payer_type: i % 2 ? "org" : "user",
    features: planSample.features.map((f, k) => ({ ...f, id: `feat_bench${i}_${k}`, slug: `feature-${i}-${k}` })) });
}
const plans = planObjects.map((plan) => JSON.stringify(plan)).reverse(); // newest first
const itemSample = sample("billing_subscription_items.json").data[0];
const items = [], itemsByPayer = new Map();
for (let i = 0; i < SUBSCRIPTION_ITEMS; i++) {
  const plan = planObjects[i % Math.max(1, PLANS)];
  const byOrg = i % 5 === 0 && ORGS > 0;
  const payerId = byOrg ? orgObjects[i % ORGS].id : "user_bench" + String(i % Math.max(1, USERS)).padStart(7, "0");
  const payer = { ...itemSample.payer, id: "cpayer_" + payerId, user_id: byOrg ? null : payerId,
    organization_id: byOrg ? payerId : null, organization_name: byOrg ? "Organization" : null };
  const json = JSON.stringify({ ...itemSample, id: "csub_item_bench" + String(i).padStart(6, "0"),
    status: i % 10 === 9 ? "canceled" : "active", plan_id: plan ? plan.id : null, plan, payer_id: payer.id, payer,
    created_at: 1697000000000 + i, updated_at: 1697000000000 + i });
  items.push({ json, free: !plan || plan.fee.amount === 0 });
  const path = (byOrg ? "/v1/organizations/" : "/v1/users/") + payerId + "/billing/subscription";
  if (!itemsByPayer.has(path)) itemsByPayer.set(path, []);
  itemsByPayer.get(path).push(json);
}
items.reverse(); // newest first
const subscriptionSample = sample("user_billing_subscription.json");
const clerk = { requests: 0, listRequests: 0, userRequests: 0, rateLimited: 0, unauthorized: 0, notGet: 0 };
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
  if (req.method !== "GET") { clerk.notGet++; return clerkError(res, 405, "method_not_allowed"); }
  if (req.headers.authorization !== "Bearer " + SECRET) { clerk.unauthorized++; return clerkError(res, 401, "authentication_invalid"); }
  const now = Date.now();
  while (recent.length && recent[0] <= now - WINDOW_MS) recent.shift();
  if (recent.length >= RATE) {
    clerk.rateLimited++;
    return clerkError(res, 429, "too_many_requests", { "retry-after": String(Math.ceil((recent[0] + WINDOW_MS - now) / 1000)) });
  }
  recent.push(now);
  const statuses = url.searchParams.getAll("status");
  // each listing computed only when asked for, and each page once (pageCache)
  const listings = { "/v1/users": [() => users, false], "/v1/organizations": [() => orgs, true],
    "/v1/organization_memberships": [() => membershipJson, true], "/v1/organization_roles": [() => roles, true],
    "/v1/organization_invitations": [() => invitations.filter((x) => !statuses.length || statuses.includes(x.status)).map((x) => x.json), true],
    "/v1/billing/plans": [() => plans, true, false],
    "/v1/billing/subscription_items": [() => items.filter((x) => url.searchParams.get("include_free") === "true" || !x.free).map((x) => x.json), true, false] };
  if (listings[url.pathname]) {
    const [listing, wrapped, oldestFirst = true] = listings[url.pathname];
    clerk.listRequests++;
    const limit = Number(url.searchParams.get("limit") ?? 10), offset = Number(url.searchParams.get("offset") ?? 0);
    if ((oldestFirst ? url.searchParams.get("order_by") !== "+created_at" : url.searchParams.has("order_by"))
        || !(limit >= 1 && limit <= 500)) return clerkError(res, 422, "form_param_value_invalid");
    const key = url.pathname + ":" + url.search;
    let body = pageCache.get(key);
    if (!body) {
      const all = listing();
      const array = "[" + all.slice(offset, offset + limit).join(",") + "]";
      body = Buffer.from(wrapped ? `{"data":${array},"total_count":${all.length}}` : array);
      pageCache.set(key, body);
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    return res.end(body);
  }
  const path = url.pathname;
  let other;
  if (/^\/v1\/organization_roles\/[^/]+$/.test(path)) other = roleById.get(path.split("/")[3]) ?? null;
  else if (/^\/v1\/organizations\/[^/]+\/invitations\/[^/]+$/.test(path)) {
    const invitation = invitationById.get(path.split("/")[5]);
    other = invitation && invitation.organizationId === path.split("/")[3] ? invitation.json : null;
  } else if (/^\/v1\/(users|organizations)\/[^/]+\/billing\/subscription$/.test(path)) {
    const payerItems = itemsByPayer.get(path);
    other = payerItems ? JSON.stringify({ ...subscriptionSample, subscription_items: [] })
      .replace('"subscription_items":[]', '"subscription_items":[' + payerItems.join(",") + "]") : null;
  }
  if (other !== undefined) {
    clerk.userRequests++;
    if (other === null) return clerkError(res, 404, "resource_not_found");
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(other);
  }
  const one = url.pathname.startsWith("/v1/users/") ? byId.get(decodeURIComponent(url.pathname.slice("/v1/users/".length)))
    : /^\/v1\/organizations\/[^/]+$/.test(url.pathname) ? orgById.get(decodeURIComponent(url.pathname.slice("/v1/organizations/".length)))
    : undefined;
  if (url.pathname.startsWith("/v1/users/") || /^\/v1\/organizations\/[^/]+$/.test(url.pathname)) {
    clerk.userRequests++;
    if (!one) return clerkError(res, 404, "resource_not_found");
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(one);
  }
  clerkError(res, 404, "resource_not_found");
});

// ---- Convex ---------------------------------------------------------------------------------------------------
const KINDS = { users: "userId", organizations: "organizationId", memberships: "membership", roles: "roleId",
  invitations: "invitationId", plans: "planId", subscriptionItems: null };
const tables = {}; // kind -> { rows: Map(externalId -> { updatedAt, json, item }), order: [externalIds] }
for (const kind of Object.keys(KINDS)) tables[kind] = { rows: new Map(), order: [] };
const convex = { calls: 0, upsertMany: 0, pageExternalIds: 0, deleteFromClerk: 0, archiveFromClerk: 0, other: 0, users: 0 };

function upsertMany(table, kind, list) {
  const counts = { inserted: 0, updated: 0, unchanged: 0, stale: 0, deleted: 0 };
  for (const item of list) {
    const json = JSON.stringify(item);
    const row = table.rows.get(item.id);
    const stored = kind === "memberships" ? { id: item.id, organizationId: item.organization.id, userId: item.public_user_data.user_id }
      : kind === "invitations" ? { id: item.id, organizationId: item.organization_id }
      : kind === "subscriptionItems" ? { id: item.id, status: item.status, ...(item.payer.user_id ? { userId: item.payer.user_id } : {}),
        ...(item.payer.organization_id ? { organizationId: item.payer.organization_id } : {}) }
      : item.id;
    if (!row) { table.rows.set(item.id, { updatedAt: item.updated_at, json, stored }); table.order.push(item.id); counts.inserted++; }
    else if (row.updatedAt > item.updated_at) counts.stale++;
    else if (row.json === json) counts.unchanged++;
    else { row.updatedAt = item.updated_at; row.json = json; row.stored = stored; counts.updated++; }
  }
  return counts;
}

const convexServer = http.createServer((req, res) => {
  if (req.url === "/stats") return json(res, { ...convex, ...Object.fromEntries(Object.keys(KINDS).map((k) => [k, tables[k].rows.size])) });
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    convex.calls++;
    let call;
    try { call = JSON.parse(Buffer.concat(chunks)); } catch { return json(res, { code: "BadJsonBody", message: "bad json" }, 400); }
    const [kind, fn] = String(call.path).split(":");
    const table = tables[kind];
    let value;
    if (table && fn === "upsertManyFromClerk") { convex.upsertMany++; value = upsertMany(table, kind, call.args[kind]); }
    else if (table && fn === "pageExternalIds") {
      convex.pageExternalIds++;
      const { numItems, cursor } = call.args.paginationOpts;
      const from = cursor === null ? 0 : Number(cursor), to = Math.min(table.order.length, from + Math.min(numItems, 4000));
      value = { page: table.order.slice(from, to).map((id) => table.rows.get(id).stored), isDone: to >= table.order.length, continueCursor: String(to) };
    } else if (table && fn === "archiveFromClerk" && kind === "plans") {
      convex.archiveFromClerk++;
      value = table.rows.has(call.args.planId) ? "archived" : "absent";
    } else if (table && fn === "deleteFromClerk" && KINDS[kind] && kind !== "plans") {
      convex.deleteFromClerk++;
      const arg = call.args[KINDS[kind]];
      const id = typeof arg === "string" ? arg : arg.id;
      value = table.rows.delete(id) ? "deleted" : "absent";
      if (value === "deleted") table.order = table.order.filter((x) => x !== id);
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
  console.error(`stand-ins ready: ${USERS} Clerk users, ${ORGS} organizations, ${MEMBERSHIPS} memberships, ${ROLES} roles, `
    + `${INVITATIONS} invitations, ${PLANS} plans, ${SUBSCRIPTION_ITEMS} subscription items, Clerk :${clerkServer.address().port}, Convex :${convexServer.address().port}`);
}));
