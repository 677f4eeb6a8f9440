#!/usr/bin/env node
// Summarises a JFR recording of the runtime under load: where the CPU samples land (self and inclusive),
// by package family, by thread, which of the runtime's own methods carry the most, where it allocates,
// and GC pauses. usage: node hotspots.mjs recording.jfr [topN]
//        node hotspots.mjs recording.jfr --callers SUBSTRING [depth]
//   the most common call paths (depth frames, default 12) of CPU samples with a frame matching SUBSTRING
//        node hotspots.mjs recording.jfr --under SUBSTRING
//   what the samples under a matching frame spend their time in (innermost runtime frame, top frame)
import { execFileSync } from "node:child_process";

const file = process.argv[2];
const callers = process.argv[3] === "--callers" ? process.argv[4] : null;
const under = process.argv[3] === "--under" ? process.argv[4] : null;
const top = callers ? 10 : Number(process.argv[3] || 25);
if (!file) {
  console.error("usage: node hotspots.mjs recording.jfr [topN]");
  process.exit(2);
}
const events = (names) =>
  JSON.parse(execFileSync("jfr", ["print", "--json", "--stack-depth", "256", "--events", names, file], { maxBuffer: 2 ** 31 - 1 }).toString()).recording.events;

// jfr prints class names with slashes (hidden classes with dots): use dots throughout
const cls = (f) => f.method.type.name.replaceAll("/", ".");
const frameName = (f) => `${cls(f)}.${f.method.name}`;
const family = (cls) => {
  const fams = ["io.clerkconvexsync", "org.apache.camel", "io.vertx", "io.netty", "org.h2", "com.zaxxer", "com.svix",
    "com.fasterxml.jackson", "org.apache.hc", "io.micrometer", "java.net.http", "jdk.internal.net.http", "sun.security", "javax.crypto",
    "com.sun.crypto", "java.util.regex", "java.util.concurrent", "java.lang", "java.util", "java.io", "java.nio", "sun.nio", "jdk.internal"];
  return fams.find((p) => cls.startsWith(p)) || cls.split(".").slice(0, 2).join(".");
};
const count = (m, k, w = 1) => m.set(k, (m.get(k) || 0) + w);
const table = (title, m, total, n = top) => {
  const rows = [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  const out = [`${title} (of ${total})`];
  for (const [k, v] of rows) out.push(`  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  return out.join("\n");
};

const samples = events("jdk.ExecutionSample");
if (under) {
  const mineMap = new Map(), topMap = new Map();
  let hits = 0;
  for (const e of samples) {
    const frames = e.values.stackTrace?.frames || [];
    const i = frames.findIndex((f) => frameName(f).includes(under));
    if (i < 0) continue;
    hits++;
    const inner = frames.slice(0, i);
    const mine = inner.find((f) => cls(f).startsWith("io.clerkconvexsync") || cls(f).startsWith("org.apache.camel.processor.idempotent") || cls(f).startsWith("org.apache.camel.component"));
    count(mineMap, mine ? frameName(mine) : "(none)");
    count(topMap, frames[0] ? frameName(frames[0]) : "?");
  }
  console.log(table(`Under "${under}": innermost runtime / Camel component frame`, mineMap, hits, 15));
  console.log(table(`Under "${under}": top frames`, topMap, hits, 15));
  process.exit(0);
}
if (callers) {
  const depth = Number(process.argv[5] || 12);
  const paths = new Map();
  let hits = 0;
  for (const e of samples) {
    const frames = e.values.stackTrace?.frames || [];
    const i = frames.findIndex((f) => frameName(f).includes(callers));
    if (i < 0) continue;
    hits++;
    // from the matching frame outwards (towards the thread's start), skipping Camel's reactive plumbing
    const path = frames.slice(i, i + depth * 3).map(frameName)
      .filter((n, k) => k === 0 || !/CamelInternalProcessor|DefaultReactiveExecutor|Pipeline\$|AsyncProcessorConverterHelper|DelegateSync|RedeliveryErrorHandler|CamelInternalTask|\$\$Lambda/.test(n))
      .slice(0, depth);
    count(paths, path.join("\n      <- "));
  }
  console.log(`${hits} of ${samples.length} samples have a frame matching "${callers}"`);
  for (const [k, v] of [...paths.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`\n${v} samples:\n      ${k}`);
  process.exit(0);
}
const self = new Map(), incl = new Map(), fam = new Map(), threads = new Map(), own = new Map(), ownSelfish = new Map();
for (const e of samples) {
  const frames = e.values.stackTrace?.frames || [];
  if (!frames.length) continue;
  count(self, frameName(frames[0]));
  count(fam, family(cls(frames[0])));
  count(threads, (e.values.sampledThread?.javaName || "?").replace(/\d+/g, "N"));
  const seen = new Set(frames.map(frameName));
  for (const n of seen) count(incl, n);
  // the innermost frame of the runtime's own code: which of our steps the sample was spent under
  const mine = frames.find((f) => cls(f).startsWith("io.clerkconvexsync"));
  count(own, mine ? frameName(mine) : "(no runtime frame on the stack: Vert.x/Netty/Camel/JDK plumbing)");
  // for samples under our code, the family of the top frame (what our step spends its time in)
  if (mine) count(ownSelfish, `${frameName(mine)} -> ${family(cls(frames[0]))}`);
}
const n = samples.length;
console.log(`${n} execution samples in ${file}`);
console.log(table("Top frames (self time)", self, n));
// thread start-up, Vert.x dispatch and Camel's reactive engine sit under every sample: leave them out
const plumbing = /^(java\.lang\.Thread\.|java\.util\.concurrent\.ThreadPoolExecutor|io\.netty\.util\.concurrent|io\.vertx\.core\.impl\.|org\.apache\.camel\.impl\.engine\.(CamelInternalProcessor|DefaultReactiveExecutor|DefaultAsyncProcessorAwaitManager)|org\.apache\.camel\.support\.AsyncProcessorSupport|org\.apache\.camel\.component\.platform\.http\.vertx\.VertxPlatformHttpConsumer|org\.apache\.camel\.processor\.Pipeline|.*\$\$Lambda)/;
for (const k of [...incl.keys()]) if (plumbing.test(k)) incl.delete(k);
console.log(table("Inclusive (method anywhere on the stack; thread, Vert.x dispatch and Camel engine frames left out)", incl, n));
console.log(table("Self time by package family", fam, n, 20));
console.log(table("Samples by innermost runtime (io.clerkconvexsync) frame", own, n, 15));
console.log(table("Runtime frame -> package family of the top frame", ownSelfish, n, 20));
console.log(table("Samples by thread (digits folded)", threads, n, 10));

// Java samples only cover threads running Java code: where CPU goes outside them (GC, JIT, native, kernel)
try {
  const loads = events("jdk.ThreadCPULoad");
  const per = new Map();
  for (const e of loads) {
    const name = (e.values.eventThread?.javaName || e.values.eventThread?.osName || "?").replace(/\d+/g, "N");
    const v = per.get(name) || { user: 0, system: 0, n: 0 };
    v.user += Number(e.values.user) || 0;
    v.system += Number(e.values.system) || 0;
    v.n += 1;
    per.set(name, v);
  }
  // each event is one thread's share of the machine over ~1 s; sum per name / samples per thread ~ cores
  const seconds = Math.max(1, new Set(loads.map((e) => String(e.values.startTime).slice(0, 19))).size);
  const rows = [...per.entries()].map(([k, v]) => [k, (v.user * nproc()) / seconds, (v.system * nproc()) / seconds])
    .sort((a, b) => b[1] + b[2] - a[1] - a[2]).slice(0, 12);
  console.log(`Thread CPU (cores, user + system, mean of ${seconds} JFR periods; threads of one pool summed)`);
  for (const [k, u, sy] of rows) console.log(`  ${(u + sy).toFixed(2).padStart(5)}  (user ${u.toFixed(2)}, system ${sy.toFixed(2)})  ${k}`);
} catch (e) {
  console.log(`(no thread CPU load: ${e.message.split("\n")[0]})`);
}
try {
  const cpu = events("jdk.CPULoad");
  const avg = (k) => cpu.reduce((a, e) => a + (Number(e.values[k]) || 0), 0) / Math.max(1, cpu.length);
  console.log(`JVM CPU (share of all cores): user ${(100 * avg("jvmUser")).toFixed(0)}%, system ${(100 * avg("jvmSystem")).toFixed(0)}%; machine total ${(100 * avg("machineTotal")).toFixed(0)}%`);
} catch {}
try {
  const nat = events("jdk.NativeMethodSample");
  const top = new Map();
  for (const e of nat) {
    const frames = e.values.stackTrace?.frames || [];
    const mine = frames.find((f) => cls(f).startsWith("io.clerkconvexsync") || cls(f).startsWith("org.h2") || cls(f).startsWith("org.apache.hc"));
    count(top, `${frames[0] ? frameName(frames[0]) : "?"}${mine ? "  [under " + frameName(mine) + "]" : ""}`);
  }
  console.log(table("Threads in native code (waiting or working)", top, nat.length, 10));
} catch {}

try {
  const alloc = events("jdk.ObjectAllocationSample");
  const sites = new Map(), types = new Map();
  let w = 0;
  for (const e of alloc) {
    const weight = Number(e.values.weight) || 0;
    w += weight;
    const frames = e.values.stackTrace?.frames || [];
    const mine = frames.find((f) => cls(f).startsWith("io.clerkconvexsync"));
    count(sites, `${frames[0] ? frameName(frames[0]) : "?"}${mine ? "  [under " + frameName(mine) + "]" : ""}`, weight);
    count(types, (e.values.objectClass?.name || "?").replaceAll("/", "."), weight);
  }
  console.log(`Allocation (sampled weight ${(w / 2 ** 20).toFixed(0)} MiB)`);
  console.log(table("Top allocation sites by weight", sites, w, 15));
  console.log(table("Top allocated types by weight", types, w, 10));
} catch (e) {
  console.log(`(no allocation samples: ${e.message.split("\n")[0]})`);
}
try {
  const gcs = events("jdk.GarbageCollection");
  const pauses = gcs.map((e) => {
    const d = e.values.sumOfPauses;
    return typeof d === "string" ? parseIso(d) : Number(d) / 1e6;
  });
  const total = pauses.reduce((a, b) => a + b, 0);
  console.log(`GC: ${gcs.length} collections, pauses total ${total.toFixed(1)} ms, longest ${Math.max(0, ...pauses).toFixed(1)} ms (${[...new Set(gcs.map((e) => e.values.name))].join(", ")})`);
} catch (e) {
  console.log(`(no GC events: ${e.message.split("\n")[0]})`);
}
function nproc() {
  try { return Number(execFileSync("nproc").toString().trim()) || 1; } catch { return 1; }
}
function parseIso(d) {
  // ISO-8601 duration like PT0.0012S -> ms
  const m = /PT(?:(\d+)M)?([\d.]+)S/.exec(d);
  return m ? (Number(m[1] || 0) * 60 + Number(m[2])) * 1000 : 0;
}
