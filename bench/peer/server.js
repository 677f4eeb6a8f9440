// Reference peer for the benchmark: the seed's Clerk webhook handler as a user would write it outside
// Convex. Node's http server, the npm `svix` package's Webhook.verify on the raw body (400 on failure),
// then one call to Convex's HTTP API POST {CONVEX_URL}/api/mutation over a keep-alive agent;
// 200 when Convex answers status "success", 503 otherwise (so Svix retries).
//
// Routing is the seed's: user.created / user.updated -> users:upsertFromClerk {user: data},
// user.deleted -> users:deleteFromClerk {userId: data.id}, any other type -> 200 without a call.
//
// Settings (environment): CLERK_WEBHOOK_SECRET (whsec_...), CONVEX_URL, PORT (default 8090),
// CONVEX_DEPLOY_KEY (optional: sent as "Authorization: Convex <key>", needed for internal functions).
// GET /health -> 200 once listening (the bench measures start-up with it).
import http from "node:http";
import { Webhook } from "svix";

const secret = process.env.CLERK_WEBHOOK_SECRET;
const convexUrl = process.env.CONVEX_URL;
const port = Number(process.env.PORT || 8090);
if (!secret || !secret.startsWith("whsec_")) {
  console.error("CLERK_WEBHOOK_SECRET must be set (whsec_...)");
  process.exit(2);
}
if (!convexUrl) {
  console.error("CONVEX_URL must be set");
  process.exit(2);
}

const webhook = new Webhook(secret);
const mutationUrl = new URL("/api/mutation", convexUrl);
const agent = new http.Agent({ keepAlive: true });
const authHeader = process.env.CONVEX_DEPLOY_KEY ? { Authorization: `Convex ${process.env.CONVEX_DEPLOY_KEY}` } : {};

function runMutation(path, args) {
  const body = JSON.stringify({ path, args, format: "json" });
  return new Promise((resolve) => {
    const req = http.request(
      mutationUrl,
      {
        method: "POST",
        agent,
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), ...authHeader },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            resolve(parsed.status === "success");
          } catch {
            resolve(false);
          }
        });
        res.on("error", () => resolve(false));
      },
    );
    req.on("error", () => resolve(false));
    req.end(body);
  });
}

async function handleWebhook(payload, headers) {
  let event;
  try {
    event = webhook.verify(payload, {
      "svix-id": headers["svix-id"],
      "svix-timestamp": headers["svix-timestamp"],
      "svix-signature": headers["svix-signature"],
    });
  } catch {
    return 400;
  }
  switch (event.type) {
    case "user.created":
    case "user.updated":
      return (await runMutation("users:upsertFromClerk", { user: event.data })) ? 200 : 503;
    case "user.deleted":
      return (await runMutation("users:deleteFromClerk", { userId: event.data.id })) ? 200 : 503;
    default:
      return 200;
  }
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") {
    res.writeHead(200, { "Content-Type": "application/json" }).end('{"status":"UP"}');
    return;
  }
  if (req.method !== "POST" || req.url !== "/clerk-webhook") {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    handleWebhook(Buffer.concat(chunks).toString("utf8"), req.headers).then(
      (status) => res.writeHead(status).end(),
      () => res.writeHead(500).end(),
    );
  });
});

server.listen(port, "127.0.0.1", () => console.log(`peer listening on 127.0.0.1:${port}`));
for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    server.close();
    agent.destroy();
    process.exit(0);
  });
}
