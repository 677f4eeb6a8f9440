#!/usr/bin/env node
// Summarises an async-profiler CPU profile of the runtime in collapsed-stack form (what `bench/run.sh --profile`
// records): where the CPU goes by kind of thread, by step of the webhook's path, by package family and by frame.
// Unlike JFR's sampler it sees native and kernel frames, so the JIT compiler, the GC and system calls are in it.
// usage: node collapsed.mjs profile.collapsed [topN]
//        node collapsed.mjs profile.collapsed --under SUBSTRING   (the same, for the samples with a matching frame)
import { readFileSync } from "node:fs";

const [file, flag, arg] = process.argv.slice(2);
if (!file) {
  console.error("usage: node collapsed.mjs profile.collapsed [topN | --under SUBSTRING]");
  process.exit(2);
}
const under = flag === "--under" ? arg : null;
const top = under ? 25 : Number(flag || 30);

const stacks = [];
for (const line of readFileSync(file, "utf8").split("\n")) {
  const at = line.lastIndexOf(" ");
  if (at > 0) stacks.push([line.slice(0, at).split(";"), Number(line.slice(at + 1))]);
}
const chosen = under ? stacks.filter(([frames]) => frames.some((f) => f.includes(under))) : stacks;
const all = stacks.reduce((t, [, n]) => t + n, 0);
const total = chosen.reduce((t, [, n]) => t + n, 0);

const add = (m, k, n) => m.set(k, (m.get(k) || 0) + n);
const table = (title, m, n = top) => {
  const out = [`${title} (of ${total} samples)`];
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) out.push(`  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k.slice(0, 160)}`);
  return out.join("\n");
};
const has = (frames, ...keys) => frames.some((f) => keys.some((k) => f.includes(k)));

// the first rule that matches a sample's stack names its bucket
const threadKinds = [
  ["JIT compiler threads", ["CompileBroker::compiler_thread_loop"]],
  ["GC threads", ["GCTaskThread", "WorkerThread::run", "VMThread::run"]],
  ["Vert.x worker threads (the Camel routes)", ["ThreadPoolExecutor$Worker.run"]],
  ["Vert.x/Netty event loops (HTTP in and out)", ["NioEventLoop.run"]],
];
const steps = [
  ["signature check (svix-java)", ["SvixSignatureVerifier"]],
  ["event parsing (Jackson)", ["ClerkEventParser"]],
  ["duplicate check (processed svix-ids, SELECT)", ["JdbcProcessedWebhooks.contains"]],
  ["remembering the svix-id (INSERT, group commit)", ["JdbcProcessedWebhooks.add"]],
  ["outcome log line and webhook metrics", ["OutcomeRecorder"]],
  ["Camel route metrics", ["MicrometerRoutePolicy"]],
  ["HTTP call to Convex: Apache HttpClient", ["InternalHttpClient"]],
  ["HTTP call to Convex: camel-http around it", ["HttpProducer.process"]],
  ["Convex request and answer (runtime code)", ["ConvexCallPreparer", "ConvexRequestBuilder", "ConvexResponseClassifier", "UserEventTranslator"]],
  ["reply to Svix (runtime code)", ["WebhookReply"]],
  ["writing the HTTP response (Vert.x)", ["VertxPlatformHttpSupport.writeResponse"]],
];
const byThread = new Map(), byStep = new Map(), self = new Map(), families = new Map();
let kernel = 0;
for (const [frames, n] of chosen) {
  add(byThread, (threadKinds.find(([, keys]) => has(frames, ...keys)) || ["other threads"])[0], n);
  if (has(frames, "ThreadPoolExecutor$Worker.run", "NioEventLoop.run")) {
    add(byStep, (steps.find(([, keys]) => has(frames, ...keys)) || ["Camel engine, Vert.x and Netty around the steps"])[0], n);
  }
  const leaf = frames[frames.length - 1];
  add(self, leaf, n);
  if (leaf.endsWith("_[k]")) kernel += n;
  const name = leaf.replace(/_\[[a-z0-9]\]$/, "");
  const parts = name.split("/");
  const family = leaf.endsWith("_[k]") ? "kernel" : /^[a-z][\w$]*\//.test(name) ? parts.slice(0, Math.min(3, parts.length - 1)).join(".") : "JVM and native code";
  add(families, family, n);
}

const out = [];
out.push(under ? `${total} of ${all} CPU samples have a frame matching "${under}"` : `${total} CPU samples`);
out.push(`kernel (system calls, scheduling, loopback TCP) at the top of ${((100 * kernel) / total).toFixed(1)}% of them`);
out.push(table("By kind of thread", byThread));
out.push(table("The webhook's path, by step (samples on worker and event-loop threads)", byStep));
out.push(table("Self time by package family", families, 20));
out.push(table("Top frames (self time)", self));
console.log(out.join("\n"));
