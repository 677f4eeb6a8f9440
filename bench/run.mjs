#!/usr/bin/env node
// Benchmark orchestrator (started by bench/run.sh, which installs and builds what is missing first).
// One run: Convex stand-in up -> ceiling (wrk straight at the stand-in) -> ROUNDS rounds, each starting the runtime
// jar and the reference peer afresh in alternating order (and, with --store postgres, a second runtime on
// PostgreSQL). Each start: the first answers after healthy are the cold-start figures, the rest of WARMUP warms it
// up, then every event mix is measured back to back (DURATION s each) at fixed concurrency over keep-alive
// connections, with distinct freshly signed events. Prints medians and spreads per mix and the runtime/peer ratios,
// writes bench/results/<stamp>/results.json and the "Latest run" section of BENCHMARKS.md.
// Every wait is bounded; every process it starts is stopped on the way out (also on Ctrl-C).
import { spawn, execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, rmSync, existsSync, mkdtempSync, createWriteStream, openSync, closeSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { tmpdir, totalmem, availableParallelism } from "node:os";
import net from "node:net";
import http from "node:http";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, "..");
const env = process.env;
const int = (v, d) => (v === undefined || v === "" ? d : Number.parseInt(v, 10));

const MIXES = {
  padded: "user.updated padded to ~3 KB",
  docs: "user.updated shaped like Clerk's documentation example (~1.5 KB)",
  mix: "60 % user.updated, 30 % user.created, 10 % user.deleted (0.5-1.5 KB)",
};
// the Java home bin/clerk-convex-sync picks here (bin/find-java.sh), so that the report, jcmd and direct runs use it
function javaHomeFound() {
  const r = spawnSync("bash", ["-c", `. "${ROOT}/bin/find-java.sh" && find_java && echo "$JAVA_FOUND"`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "";
}
const cfg = {
  duration: int(env.DURATION, 30),
  warmup: int(env.WARMUP, 60),
  rounds: int(env.ROUNDS, 3),
  mixes: (env.MIXES || Object.keys(MIXES).join(",")).split(",").map((s) => s.trim()).filter(Boolean),
  concurrency: int(env.CONCURRENCY, 32),
  wrkThreads: int(env.WRK_THREADS, 1),
  targets: (env.TARGETS || "ceiling,runtime,peer").split(",").map((s) => s.trim()).filter(Boolean),
  // postgres: one more runtime per round, on a fresh PostgreSQL database, beside the one on H2
  store: env.STORE || "h2",
  pg: { host: env.PGHOST || "127.0.0.1", port: int(env.PGPORT, 5432), user: env.PGUSER || "postgres", password: env.PGPASSWORD ?? "" },
  jar: resolve(ROOT, env.JAR || "target/clerk-convex-sync.jar"),
  // the README runs the jar through bin/clerk-convex-sync (its Java, options file and start-up archive);
  // BENCH_JAVA_OPTS runs `java <those options> -jar` instead (empty for none), for A/B runs of JVM options
  launcher: env.BENCH_JAVA_OPTS === undefined,
  javaOpts: (env.BENCH_JAVA_OPTS ?? "").split(/\s+/).filter(Boolean),
  // the Java to run the runtime on (a JDK home, --java): the launcher gets it as JAVA_HOME; default what it finds
  javaHome: env.BENCH_JAVA_HOME || javaHomeFound(),
  jfr: env.JFR === "1",
  // async-profiler's library (run.sh --profile fetches it from Maven Central): CPU samples of the measurement
  profilerLib: env.PROFILE === "1" ? env.ASYNC_PROFILER_LIB : null,
  // which target the diagnostics (--jfr, --profile, --nmt) attach to, and what async-profiler samples (cpu or wall)
  diagTarget: env.DIAG_TARGET || "runtime",
  profileEvent: env.PROFILE_EVENT || "cpu",
  nmt: env.NMT === "1",
  writeMd: env.WRITE_MD ? env.WRITE_MD === "1" : env.JFR !== "1" && env.NMT !== "1" && env.PROFILE !== "1",
  rateGuess: int(env.RATE_GUESS, 16000),
  // longest wait for a quiet machine before a target starts (s); between two mixes of one start at most 15 s
  quietWait: int(env.QUIET_WAIT, 120),
  standinBin: env.STANDIN_BIN || join(BENCH, "results", ".bin", "convex-standin"),
  command: env.BENCH_COMMAND || "bench/run.sh",
};
// the jcmd of the runtime's own JDK: a jcmd of another release may not attach to it
const jcmd = cfg.javaHome && existsSync(join(cfg.javaHome, "bin", "jcmd")) ? join(cfg.javaHome, "bin", "jcmd") : "jcmd";
// signatures must be fresh (Svix: +-300 s) when sent: the warm-up's are made before the target starts, each mix's just before it
if (cfg.duration > 220 || cfg.warmup > 200) throw new Error("DURATION must stay at most 220 s and WARMUP at most 200 s: events are signed before a phase and must be fresh (+-300 s) when sent");
if (!(cfg.rounds >= 1)) throw new Error("ROUNDS must be at least 1");
for (const m of cfg.mixes) if (!MIXES[m]) throw new Error(`unknown mix ${m} (${Object.keys(MIXES).join(", ")})`);
if (!["h2", "postgres"].includes(cfg.store)) throw new Error(`unknown store ${cfg.store} (h2, postgres)`);
for (const t of cfg.targets) if (!["ceiling", "runtime", "peer", "runtime-pg"].includes(t)) throw new Error(`unknown target ${t}`);
if (cfg.store === "postgres" && !cfg.targets.includes("runtime-pg")) cfg.targets.push("runtime-pg");
const SUTS = cfg.targets.filter((t) => t !== "ceiling");
const isRuntime = (name) => name.startsWith("runtime");

const stamp = new Date().toISOString().replace(/[:.]/g, "-").replace(/Z$/, "Z");
const outDir = join(BENCH, "results", stamp);
const scratch = join(outDir, "tmp");
mkdirSync(scratch, { recursive: true });
const log = (...a) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---------- process bookkeeping ----------
const children = new Set();
function start(name, cmd, args, opts = {}) {
  const file = join(outDir, `${name}.log`);
  let child;
  if (opts.captureStdout) {
    // wrk's summary is read from its stdout
    child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
    const out = createWriteStream(file);
    child.stdout.pipe(out);
    child.stderr.pipe(out);
  } else {
    // straight into the log file, as `> name.log 2>&1` would: relayed through this process, every log line would
    // cost the measured process a pipe write and a wake-up of this one
    const fd = openSync(file, "a");
    child = spawn(cmd, args, { stdio: ["ignore", fd, fd], ...opts });
    closeSync(fd);
  }
  child.exited = new Promise((res) => child.on("exit", (code, sig) => res({ code, sig })));
  child.on("error", (e) => log(`${name}: ${e.message}`));
  children.add(child);
  child.exited.then(() => children.delete(child));
  return child;
}
async function stop(child, graceMs = 15000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(t);
}
function killAll() {
  for (const c of children) {
    try {
      c.kill("SIGKILL");
    } catch {}
  }
}
process.on("exit", killAll);
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => { log(`${s}: stopping`); killAll(); process.exit(130); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => res(p)); });
  });
}
function get(url, timeoutMs = 1000) {
  return new Promise((res) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (r) => {
      const chunks = [];
      r.on("data", (c) => chunks.push(c));
      r.on("end", () => res({ status: r.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => res(null));
  });
}
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
// utime + stime in seconds from a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat file
function statCpuSec(path) {
  const stat = readFileSync(path, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}
// CPU seconds of a JVM's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre"): how far from warm it still is
function jitCpuSec(pid) {
  let sec = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        if (/^C[12] Compiler/.test(readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8"))) sec += statCpuSec(`/proc/${pid}/task/${tid}/stat`);
      } catch {} // a thread that ended meanwhile
    }
  } catch {
    return null;
  }
  return sec;
}
function procSample(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
    const cpuSec = statCpuSec(`/proc/${pid}/stat`);
    const threads = Number(/Threads:\s+(\d+)/.exec(status)[1]);
    return { rssMiB: rssKiB / 1024, cpuSec, threads };
  } catch {
    return null;
  }
}
// CPU seconds of every PostgreSQL server process (backends, WAL writer, checkpointer): part of the runtime-pg target
function postgresCpuSec() {
  let t = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "postgres") continue;
      t += procSample(Number(pid))?.cpuSec || 0;
    } catch {
      // the process ended meanwhile
    }
  }
  return t;
}
// whole-machine busy CPU seconds (all cores) from /proc/stat: to see what other processes take during a measurement
function machineBusySec() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  // irq/softirq left out: loopback networking of the benchmark's own traffic is charged there, to no process
  return (user + nice + system + (steal || 0)) / CLK_TCK;
}
// The machine may be shared (other builds, tests): wait, bounded, until it is quiet before measuring
async function waitQuiet(label, ourPids = [], maxSec = 120) {
  const ours = () => ourPids.reduce((t, pid) => t + (procSample(pid)?.cpuSec || 0), 0);
  for (let waited = 0; ; waited += 3) {
    const a = machineBusySec(), o = ours();
    await sleep(3000);
    const busy = Math.max(0, machineBusySec() - a - (ours() - o)) / 3;
    if (busy < 0.25) return { busyCores: busy, waitedSec: waited };
    if (waited >= maxSec) {
      log(`warning: ${busy.toFixed(2)} cores busy with other work before ${label}; measuring anyway (flagged in the report)`);
      return { busyCores: busy, waitedSec: waited };
    }
    if (waited === 0) log(`machine busy (${busy.toFixed(2)} cores) before ${label}: waiting up to ${maxSec} s for it to be quiet`);
  }
}
const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"] }).toString().trim();
  } catch (e) {
    return ((e.stdout || "") + (e.stderr || "")).toString().trim();
  }
};

// ---------- load generation ----------
const tag = () => {
  const a = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  return [...randomBytes(7)].map((b) => a[b % 62]).join("");
};
// Signing is the slow part of a phase change: each wrk thread's events are split into parts signed in parallel,
// one signer per core (replay.lua reads the parts in order)
const SIGNERS = Math.max(1, Math.min(availableParallelism(), 4));
async function presign(mode, mix, total, prefix, hostPort, secret) {
  const per = Math.ceil(total / cfg.wrkThreads);
  const parts = per >= 50000 ? SIGNERS : 1;
  const t0 = Date.now();
  const jobs = [];
  for (let i = 0; i < cfg.wrkThreads; i++) {
    for (let p = 0; p < parts; p++) {
      const args = [join(BENCH, "loadgen", "presign.mjs"), "--mode", mode, "--mix", mix, "--count", String(Math.ceil(per / parts)),
        "--out", `${prefix}.${i}.${p}`, "--host", hostPort, "--tag", tag()];
      if (secret) args.push("--secret", secret);
      jobs.push(start(`presign-${mode}-${i}-${p}`, process.execPath, args).exited);
    }
  }
  const codes = await Promise.all(jobs);
  if (codes.some((c) => c.code !== 0)) throw new Error(`presign failed: ${JSON.stringify(codes)}`);
  log(`signed ${Math.ceil(per / parts) * parts * cfg.wrkThreads} ${mode} requests (${mix}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { prefix, parts };
}
function cleanup(files) {
  for (let i = 0; i < cfg.wrkThreads; i++) for (let p = 0; p < files.parts; p++) rmSync(`${files.prefix}.${i}.${p}`, { force: true });
}
async function wrk(url, files, seconds, label) {
  const args = ["-t", String(cfg.wrkThreads), "-c", String(cfg.concurrency), "-d", `${seconds}s`, "--timeout", "10s",
    "-s", join(BENCH, "loadgen", "replay.lua"), url, "--", files.prefix, String(files.parts)];
  const c = start(`wrk-${label}`, "wrk", args, { captureStdout: true });
  let out = "";
  c.stdout.on("data", (d) => (out += d));
  const cpu = [];
  const sampler = setInterval(() => { const s = procSample(c.pid); if (s) cpu.push(s.cpuSec); }, 500);
  const hard = setTimeout(() => c.kill("SIGKILL"), (seconds + 60) * 1000);
  const { code } = await c.exited;
  clearInterval(sampler);
  clearTimeout(hard);
  const m = /WRK_RESULT (\{.*\})/.exec(out);
  if (code !== 0 || !m) throw new Error(`wrk ${label} failed (exit ${code}): ${out.slice(-500)}`);
  const r = JSON.parse(m[1]);
  const e = r.errors;
  r.errorsTotal = e.connect + e.read + e.write + e.status + e.timeout;
  r.ok = r.requests - e.status;
  r.seconds = r.duration_us / 1e6;
  r.eventsPerSec = r.ok / r.seconds;
  r.wrkCpuSec = cpu.length ? cpu[cpu.length - 1] : null; // last sample, <= 0.5 s short
  return r;
}

// ---------- the phases ----------
const results = { stamp, config: { ...cfg, javaOpts: cfg.javaOpts.join(" "), pg: { ...cfg.pg, password: undefined } }, phases: {}, runs: [] };
let standin, standinPort;
async function standinStats() {
  const r = await get(`http://127.0.0.1:${standinPort}/stats`);
  return r && r.status === 200 ? JSON.parse(r.body) : null;
}

// CPU that none of the benchmark's processes used during the measurement (other work on a shared machine); the
// PostgreSQL server is one of them when it serves the runtime-pg target
function otherCpu(r, quiet, busyStart, busyEnd) {
  const machine = busyEnd - busyStart;
  const ours = (r.sutCpuSec || 0) + (r.standinCpuSec || 0) + (r.wrkCpuSec || 0) + (r.databaseCpuSec || 0);
  r.machineBusyCores = +(machine / r.seconds).toFixed(2);
  r.otherCpuCores = +(Math.max(0, machine - ours) / r.seconds).toFixed(2);
  r.busyBeforeCores = +quiet.busyCores.toFixed(2);
  r.disturbed = r.otherCpuCores > 0.2;
  if (r.disturbed) log(`warning: other processes used ${r.otherCpuCores} cores during this measurement: its figures are disturbed`);
}

// One measurement: wrk at `url` for DURATION s with the events in `files`, the target's and the stand-in's CPU and
// the stand-in's call counts read before and after
async function measure(label, url, files, sutPid, quiet, hooks = {}) {
  if (hooks.onStart) hooks.onStart();
  const before = { sut: sutPid ? procSample(sutPid) : null, jit: sutPid ? jitCpuSec(sutPid) : null, standin: procSample(standin.pid), stats: await standinStats(), db: hooks.database ? postgresCpuSec() : 0, busy: machineBusySec() };
  log(`${label}: measuring ${cfg.duration} s at ${cfg.concurrency} connections`);
  const r = await wrk(url, files, cfg.duration, `${label}-measure`.replace(/[^\w.-]+/g, "-"));
  const busyEnd = machineBusySec();
  if (hooks.database) r.databaseCpuSec = postgresCpuSec() - before.db;
  if (hooks.onEnd) hooks.onEnd();
  const after = { sut: sutPid ? procSample(sutPid) : null, jit: sutPid ? jitCpuSec(sutPid) : null, standin: procSample(standin.pid), stats: await standinStats() };
  r.convexCalls = after.stats.ok - before.stats.ok;
  r.standinBad = after.stats.bad + after.stats.other - before.stats.bad - before.stats.other;
  r.convexCallsWithQueryString = after.stats.query - before.stats.query;
  r.standinCpuSec = after.standin.cpuSec - before.standin.cpuSec;
  if (before.sut && after.sut) r.sutCpuSec = after.sut.cpuSec - before.sut.cpuSec;
  r.sutCpuUsPerEvent = r.sutCpuSec && r.ok ? (r.sutCpuSec * 1e6) / r.ok : null;
  // a JVM's JIT still compiling during the measurement means the warm-up was too short for this machine
  if (before.jit !== null && after.jit !== null && before.jit + after.jit > 0) r.jitCores = +((after.jit - before.jit) / r.seconds).toFixed(3);
  otherCpu(r, quiet, before.busy, busyEnd);
  return r;
}

async function ceilingPhase() {
  const prefix = join(scratch, "ceiling");
  const hostPort = `127.0.0.1:${standinPort}`;
  // the stand-in does not deduplicate, so the ceiling may replay its (wrapping) file; the largest bodies
  const files = await presign("ceiling", cfg.mixes.includes("padded") ? "padded" : cfg.mixes[0], 100000, prefix, hostPort, null);
  log(`ceiling: warm-up 5 s`);
  await wrk(`http://${hostPort}`, files, 5, "ceiling-warmup");
  const quiet = await waitQuiet("ceiling measurement", [standin.pid], cfg.quietWait);
  const r = await measure("ceiling", `http://${hostPort}`, files, null, quiet);
  cleanup(files);
  return r;
}

// PostgreSQL for the runtime-pg target: a fresh database per start, dropped afterwards
function psql(sql, db = "postgres") {
  const r = spawnSync("psql", ["-h", cfg.pg.host, "-p", String(cfg.pg.port), "-U", cfg.pg.user, "-d", db, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
    { env: { ...env, PGPASSWORD: cfg.pg.password }, timeout: 30000 });
  if (r.status !== 0) throw new Error(`psql ${sql}: ${(r.stderr || r.error || "").toString().trim()}`);
  return r.stdout.toString().trim();
}

// Cold start and warm-up in segments: the first 10 s and the first 60 s after healthy are the cold-start figures,
// the last 5 s a probe whose rate sizes the first measurement
function warmupSegments() {
  const ends = [...new Set([10, 60, cfg.warmup - 5, cfg.warmup].filter((s) => s > 0 && s <= cfg.warmup))].sort((a, b) => a - b);
  return ends.map((end, i) => ({ end, seconds: end - (i ? ends[i - 1] : 0) }));
}
const warmMix = () => (cfg.mixes.includes("mix") ? "mix" : cfg.mixes[0]);

async function sutStart(name, round) {
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  const port = await freePort();
  const mgmt = await freePort();
  const hostPort = `127.0.0.1:${port}`;
  const url = `http://${hostPort}`;
  const id = `${name}-r${round}`;
  const prefix = join(scratch, id);
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${name}-data-`));
  const baseEnv = { ...env, CLERK_WEBHOOK_SECRET: secret, CONVEX_URL: `http://127.0.0.1:${standinPort}`, PORT: String(port),
    CONVEX_DEPLOY_KEY: "prod:bench-standin|benchdeploykey0000000000000000000000000000" };
  const r = { name, round, rss: [], mixes: {}, mixOrder: [] };
  let child, healthUrl, pgDb, mark = "startup", sampler;
  const quiet = await waitQuiet(`${id} start`, [standin.pid], cfg.quietWait);
  // the warm-up's events are signed before the target starts, so that its first requests follow its first healthy answer
  const segs = warmupSegments();
  for (const s of segs) s.files = await presign("webhook", warmMix(), cfg.rateGuess * s.seconds, `${prefix}-warm${s.end}`, hostPort, secret);
  try {
    if (isRuntime(name)) {
      // the jar in place, by the path the README gives (relative to the repository root): the class-data-sharing
      // archive that jvm.options names is valid for that path only. A jar rebuilt during the run ends the run.
      if (jarStamp() !== results.jarStamp) throw new Error(`${cfg.jar} changed during the run (rebuilt?): its figures would mix two builds`);
      const jar = relative(ROOT, cfg.jar);
      const diag = round === 1 && name === cfg.diagTarget;
      // deep Camel/Vert.x stacks: keep 256 frames in JFR samples so the runtime's own frames are on them
      const diagOpts = [...(cfg.jfr && diag ? ["-XX:FlightRecorderOptions=stackdepth=256"] : []), ...(cfg.nmt && diag ? ["-XX:NativeMemoryTracking=summary"] : [])];
      const runEnv = { ...baseEnv, MANAGEMENT_PORT: String(mgmt), DATA_DIR: dataDir };
      if (cfg.javaHome) runEnv.JAVA_HOME = cfg.javaHome;
      if (diagOpts.length) runEnv.CLERK_CONVEX_SYNC_JAVA_OPTS = diagOpts.join(" ");
      // the launcher ends in exec, so the process measured is the JVM itself
      const [cmd, args] = cfg.launcher ? [join(ROOT, "bin", "clerk-convex-sync"), []]
        : [cfg.javaHome ? join(cfg.javaHome, "bin", "java") : "java", [...diagOpts, ...cfg.javaOpts, "-jar", jar]];
      if (name === "runtime-pg") {
        pgDb = `bench_${tag().toLowerCase()}`;
        psql(`CREATE DATABASE ${pgDb}`);
        Object.assign(runEnv, { STORAGE_JDBC_URL: `jdbc:postgresql://${cfg.pg.host}:${cfg.pg.port}/${pgDb}`, STORAGE_USERNAME: cfg.pg.user, STORAGE_PASSWORD: cfg.pg.password });
      }
      child = start(id, cmd, args, { cwd: ROOT, env: runEnv });
      healthUrl = `http://127.0.0.1:${mgmt}/observe/health`;
      r.command = cfg.launcher ? `${cfg.javaHome ? `JAVA_HOME=${cfg.javaHome} ` : ""}bin/clerk-convex-sync` : `${cmd} ${args.join(" ")}`;
    } else {
      child = start(id, process.execPath, [join(BENCH, "peer", "server.js")], { cwd: join(BENCH, "peer"), env: baseEnv });
      healthUrl = `http://127.0.0.1:${port}/health`;
      r.command = "node bench/peer/server.js";
    }
    const t0 = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
    sampler = setInterval(() => {
      const s = procSample(child.pid);
      if (s) r.rss.push({ t: +elapsed().toFixed(2), mark, rssMiB: +s.rssMiB.toFixed(1), cpuSec: s.cpuSec, threads: s.threads });
    }, 1000);
    // time from process start to the first healthy answer (polled every 20 ms, at most 60 s)
    let healthy = false;
    while (elapsed() < 60 && child.exitCode === null) {
      const h = await get(healthUrl, 500);
      if (h && h.status === 200) { healthy = true; break; }
      await sleep(20);
    }
    if (!healthy) throw new Error(`${id} not healthy within 60 s (see ${join(outDir, id + ".log")})`);
    r.startupSec = +elapsed().toFixed(3);
    const s0 = procSample(child.pid);
    r.rssAtHealthyMiB = +s0.rssMiB.toFixed(1);
    r.threadsAtHealthy = s0.threads;
    r.busyBeforeStartCores = +quiet.busyCores.toFixed(2);
    log(`${id}: healthy after ${r.startupSec} s, RSS ${r.rssAtHealthyMiB} MiB; warm-up ${cfg.warmup} s (${warmMix()})`);
    // a runtime that ignored STORAGE_JDBC_URL would be measured on H2 under the PostgreSQL label
    if (pgDb && psql("SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')", pgDb) === "0") {
      throw new Error(`${id} created no table in the PostgreSQL database ${pgDb}: does this runtime read STORAGE_JDBC_URL?`);
    }

    // cold start and warm-up
    mark = "warmup";
    const busy0 = machineBusySec(), cpu0 = procSample(child.pid).cpuSec, sc0 = procSample(standin.pid).cpuSec;
    let okSum = 0, secSum = 0, wraps = 0, errors = 0, wrkCpu = 0;
    r.cold = {};
    for (const s of segs) {
      const w = await wrk(url, s.files, s.seconds, `${id}-warm${s.end}`);
      cleanup(s.files);
      okSum += w.ok; secSum += w.seconds; wraps += w.wraps; errors += w.errorsTotal; wrkCpu += w.wrkCpuSec || 0;
      s.eventsPerSec = w.eventsPerSec;
      if (s.end === 10) r.cold.first10EventsPerSec = +(okSum / secSum).toFixed(0);
      if (s.end === 60) r.cold.first60EventsPerSec = +(okSum / secSum).toFixed(0);
      s.files = undefined;
    }
    const busy1 = machineBusySec();
    r.cold.wraps = wraps; // resent svix-ids (cheaper answers from the dedup store) would flatter the cold-start figures
    r.warmup = { seconds: cfg.warmup, mix: warmMix(), eventsPerSec: okSum / secSum, errorsTotal: errors, segments: segs.map(({ end, seconds, eventsPerSec }) => ({ end, seconds, eventsPerSec })) };
    const warmOther = Math.max(0, busy1 - busy0 - (procSample(child.pid).cpuSec - cpu0) - (procSample(standin.pid).cpuSec - sc0) - wrkCpu) / secSum;
    r.cold.otherCpuCores = +warmOther.toFixed(2);
    log(`${id}: cold start ${f0(r.cold.first10EventsPerSec)} events/s in the first 10 s, ${f0(r.cold.first60EventsPerSec)} in the first 60 s; last 5 s ${f0(segs[segs.length - 1].eventsPerSec)}; ${errors} errors`);

    // each mix back to back, in an order that rotates with the round
    let lastRate = segs[segs.length - 1].eventsPerSec;
    const order = cfg.mixes.map((_, i) => cfg.mixes[(i + round - 1) % cfg.mixes.length]);
    for (const mix of order) {
      const q = await waitQuiet(`${id} ${mix}`, [standin.pid, child.pid], Math.min(15, cfg.quietWait));
      // enough distinct events for 2.5 times the last rate seen; a run that ran out is redone once, bigger
      let count = Math.ceil(Math.max(lastRate, 500) * 2.5 * cfg.duration) + 2000 * cfg.wrkThreads;
      let m;
      for (let attempt = 1; attempt <= 2; attempt++) {
        mark = "presign";
        r.rss = r.rss.filter((x) => x.mark !== `measure:${mix}`); // a redone measurement replaces the samples of the first
        const files = await presign("webhook", mix, count, `${prefix}-${mix}`, hostPort, secret);
        const diag = round === 1 && name === cfg.diagTarget;
        const out = (what) => join(outDir, `runtime-${mix}-${what}`);
        let rssStart;
        m = await measure(`${id} ${mix}`, url, files, child.pid, q, {
          database: name === "runtime-pg",
          onStart: () => {
            if (diag && cfg.jfr) sh(jcmd, [String(child.pid), "JFR.start", `name=bench-${mix}`, "settings=profile"]);
            // jcmd hands the agent its options only when they are quoted inside the argument
            if (diag && cfg.profilerLib) sh(jcmd, [String(child.pid), "JVMTI.agent_load", cfg.profilerLib, `"start,event=${cfg.profileEvent},interval=1ms"`]);
            if (diag && cfg.nmt) writeFileSync(out("nmt-start.txt"), sh(jcmd, [String(child.pid), "VM.native_memory", "summary"]));
            rssStart = +procSample(child.pid).rssMiB.toFixed(1);
            mark = `measure:${mix}`;
          },
          onEnd: () => {
            mark = "after";
            if (diag && cfg.nmt) writeFileSync(out("nmt-end.txt"), sh(jcmd, [String(child.pid), "VM.native_memory", "summary"]));
            if (diag && cfg.jfr) sh(jcmd, [String(child.pid), "JFR.stop", `name=bench-${mix}`, `filename=${out("profile.jfr")}`]);
            if (diag && cfg.profilerLib) sh(jcmd, [String(child.pid), "JVMTI.agent_load", cfg.profilerLib, `"stop,file=${out("profile.collapsed")},collapsed"`]);
          },
        });
        cleanup(files);
        m.rssAtMeasureStartMiB = rssStart;
        m.measureAttempts = attempt;
        m.presigned = count;
        if (m.wraps === 0) break;
        log(`${id} ${mix}: ran out of pre-signed events (${m.wraps} wraps); redoing with more`);
        count = Math.ceil(count * 2.5);
      }
      const sEnd = procSample(child.pid);
      m.rssAtEndMiB = +sEnd.rssMiB.toFixed(1);
      m.threadsAtEnd = sEnd.threads;
      // flatness over the measurement window: mean RSS of its last third vs its first third
      const ms = r.rss.filter((x) => x.mark === `measure:${mix}`);
      const third = Math.max(1, Math.floor(ms.length / 3));
      const mean = (a) => a.reduce((s, x) => s + x.rssMiB, 0) / a.length;
      m.rssSamplesMiB = ms.map((x) => x.rssMiB);
      m.rssMeasureFirstThirdMiB = +mean(ms.slice(0, third)).toFixed(1);
      m.rssMeasureLastThirdMiB = +mean(ms.slice(-third)).toFixed(1);
      m.rssMeasureMaxMiB = Math.max(...m.rssSamplesMiB);
      m.rssGrowthPct = +((100 * (m.rssMeasureLastThirdMiB - m.rssMeasureFirstThirdMiB)) / m.rssMeasureFirstThirdMiB).toFixed(1);
      r.mixes[mix] = m;
      r.mixOrder.push(mix);
      lastRate = Math.max(lastRate, m.eventsPerSec);
      log(`${id} ${mix}: ${m.eventsPerSec.toFixed(0)} events/s, p99 ${ms_(m.latency_us.p99)} ms, p99.9 ${ms_(m.latency_us.p999)} ms, errors ${m.errorsTotal}, RSS ${m.rssAtMeasureStartMiB} -> ${m.rssAtEndMiB} MiB, JIT ${m.jitCores ?? "-"} cores, other ${m.otherCpuCores} cores`);
    }
  } finally {
    clearInterval(sampler);
    for (const s of segs) if (s.files) cleanup(s.files);
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
    if (pgDb) {
      try { psql(`DROP DATABASE IF EXISTS ${pgDb} WITH (FORCE)`); } catch (e) { log(`warning: ${e.message}`); }
    }
  }
  summariseDiagnostics(name, round);
  return r;
}

function summariseDiagnostics(name, round) {
  if (round !== 1 || name !== cfg.diagTarget) return;
  for (const mix of cfg.mixes) {
    const jfr = join(outDir, `runtime-${mix}-profile.jfr`);
    if (existsSync(jfr)) {
      const hot = sh(process.execPath, [join(BENCH, "profile", "hotspots.mjs"), jfr]);
      writeFileSync(join(outDir, `runtime-${mix}-hotspots.txt`), hot + "\n");
      log(`JFR hot spots, ${mix} (also in runtime-${mix}-hotspots.txt):\n${hot}`);
    }
    const col = join(outDir, `runtime-${mix}-profile.collapsed`);
    if (existsSync(col)) {
      const hot = sh(process.execPath, [join(BENCH, "profile", "collapsed.mjs"), col]);
      writeFileSync(join(outDir, `runtime-${mix}-profile.txt`), hot + "\n");
      log(`CPU profile, ${mix} (async-profiler; also in runtime-${mix}-profile.txt):\n${hot}`);
    }
  }
}

// ---------- report ----------
function machine() {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
  return {
    nproc: Number(sh("nproc", [])),
    cpu: cpu ? cpu[1].trim() : "unknown",
    memGiB: +(totalmem() / 2 ** 30).toFixed(1),
    kernel: sh("uname", ["-r"]),
    java: spawnSync(cfg.javaHome ? join(cfg.javaHome, "bin", "java") : "java", ["-version"]).stderr.toString().split("\n")[0].trim(),
    node: process.version,
    wrk: sh("wrk", ["-v"]).split("\n")[0].replace(/ Copyright.*/, ""),
  };
}
const f0 = (x) => (x === null || x === undefined || Number.isNaN(x) ? "n/a" : Math.round(x).toLocaleString("en-US"));
const ms_ = (us) => (us === undefined || us === null ? "n/a" : (us / 1000).toFixed(2));
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : "n/a");
const median = (xs) => {
  const a = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((p, q) => p - q);
  if (!a.length) return null;
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
};
// median and spread (min-max) of one figure over the rounds
function stat(xs) {
  const a = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x));
  return a.length ? { median: median(a), min: Math.min(...a), max: Math.max(...a), n: a.length } : null;
}
const fmt = (s, f) => (!s ? "n/a" : s.n === 1 ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`);
const LABEL = { runtime: "runtime (jar, H2)", "runtime-pg": "runtime (jar, PostgreSQL)", peer: "peer (Node + svix)" };

// per target and mix: the figures of every round, with median and spread
function summarise(runs) {
  const sum = {};
  for (const name of SUTS) {
    const mine = runs.filter((r) => r.name === name);
    const s = (sum[name] = { starts: mine.length, mixes: {} });
    s.startupSec = stat(mine.map((r) => r.startupSec));
    s.rssAtHealthyMiB = stat(mine.map((r) => r.rssAtHealthyMiB));
    s.first10 = stat(mine.map((r) => r.cold?.first10EventsPerSec));
    s.first60 = stat(mine.map((r) => r.cold?.first60EventsPerSec));
    s.coldWraps = mine.reduce((t, r) => t + (r.cold?.wraps || 0), 0);
    s.coldOtherMax = Math.max(0, ...mine.map((r) => r.cold?.otherCpuCores || 0));
    for (const mix of cfg.mixes) {
      const ms = mine.map((r) => r.mixes[mix]).filter(Boolean);
      if (!ms.length) continue;
      s.mixes[mix] = {
        rounds: ms.length,
        eventsPerSec: stat(ms.map((m) => m.eventsPerSec)),
        p50: stat(ms.map((m) => m.latency_us.p50)),
        p99: stat(ms.map((m) => m.latency_us.p99)),
        p999: stat(ms.map((m) => m.latency_us.p999)),
        max: stat(ms.map((m) => m.latency_us.max)),
        errors: ms.reduce((t, m) => t + m.errorsTotal + m.standinBad, 0),
        cpuUs: stat(ms.map((m) => m.sutCpuUsPerEvent)),
        rssEnd: stat(ms.map((m) => m.rssAtEndMiB)),
        rssGrowth: stat(ms.map((m) => m.rssGrowthPct)),
        jit: stat(ms.map((m) => m.jitCores)),
        other: stat(ms.map((m) => m.otherCpuCores)),
        disturbed: ms.filter((m) => m.disturbed).length,
        redone: ms.filter((m) => m.measureAttempts > 1).length,
        convexCalls: ms.reduce((t, m) => t + m.convexCalls, 0),
        ok: ms.reduce((t, m) => t + m.ok, 0),
        queryString: ms.reduce((t, m) => t + (m.convexCallsWithQueryString || 0), 0),
        wrkCores: stat(ms.map((m) => (m.wrkCpuSec || 0) / m.seconds)),
        standinCores: stat(ms.map((m) => m.standinCpuSec / m.seconds)),
        databaseCores: stat(ms.map((m) => (m.databaseCpuSec || 0) / m.seconds)),
      };
    }
  }
  // runtime / peer of the same round: the spread of the ratio itself
  for (const mix of cfg.mixes) {
    const rs = [];
    for (let round = 1; round <= cfg.rounds; round++) {
      const a = runs.find((r) => r.name === "runtime" && r.round === round)?.mixes[mix];
      const b = runs.find((r) => r.name === "peer" && r.round === round)?.mixes[mix];
      if (a && b) rs.push(a.eventsPerSec / b.eventsPerSec);
    }
    if (sum.runtime?.mixes[mix]) sum.runtime.mixes[mix].ratioPerRound = stat(rs);
  }
  return sum;
}

const RSS_LIMIT_MIB = 256;
// the issue's targets, per mix, on the medians over the rounds
function targets(S) {
  const rt = S.runtime, pe = S.peer;
  if (!rt) return null;
  const rows = [];
  for (const mix of pe ? cfg.mixes : []) {
    const a = rt.mixes[mix], b = pe.mixes[mix];
    if (!a || !b) continue;
    rows.push([mix, "events/s >= 2x peer", `${ratio(a.eventsPerSec.median, b.eventsPerSec.median)}x (per round ${fmt(a.ratioPerRound, (x) => x.toFixed(2))})`, a.eventsPerSec.median >= 2 * b.eventsPerSec.median]);
    rows.push([mix, "p99 <= peer p99", `${ms_(a.p99.median)} ms vs ${ms_(b.p99.median)} ms`, a.p99.median <= b.p99.median]);
    rows.push([mix, "p99.9 <= peer p99.9", `${ms_(a.p999.median)} ms vs ${ms_(b.p999.median)} ms`, a.p999.median <= b.p999.median]);
    rows.push([mix, "zero errors", `${a.errors} over ${a.rounds} rounds`, a.errors === 0]);
    rows.push([mix, `RSS at end <= ${RSS_LIMIT_MIB} MiB`, `${fmt(a.rssEnd, (x) => x.toFixed(1))} MiB`, a.rssEnd.median <= RSS_LIMIT_MIB]);
    rows.push([mix, "RSS flat (last third within 10% of first third)", `${fmt(a.rssGrowth, (x) => `${x >= 0 ? "+" : ""}${x.toFixed(1)}%`)}`, a.rssGrowth.median <= 10]);
  }
  rows.push(["all", "healthy within 3 s of start", `${fmt(rt.startupSec, (x) => `${x.toFixed(2)} s`)}`, rt.startupSec.median <= 3]);
  if (rt.first60 && pe?.first60) rows.push(["all", "first 60 s after healthy >= peer's (cold start)", `${fmt(rt.first60, f0)} vs ${fmt(pe.first60, f0)} events/s`, rt.first60.median >= pe.first60.median]);
  const pg = S["runtime-pg"];
  if (pg) {
    for (const mix of cfg.mixes) {
      const a = pg.mixes[mix], h = rt.mixes[mix];
      if (a && h) rows.push([mix, "PostgreSQL >= 75% of H2 events/s", `${(100 * a.eventsPerSec.median / h.eventsPerSec.median).toFixed(0)}% (p99 ${ms_(a.p99.median)} vs ${ms_(h.p99.median)} ms)`, a.eventsPerSec.median >= 0.75 * h.eventsPerSec.median]);
    }
  }
  return rows;
}

function render(res) {
  const S = res.summary, m = res.machine, C = res.config, P = res.phases;
  const lines = [];
  const rest = C.warmup >= 60 ? "" : ` (a warm-up under 60 s has no first-60-s figure)`;
  lines.push(`## Latest run: ${res.date}`, "");
  lines.push(`Command: \`${res.command}\` (${C.rounds} rounds; each round starts ${SUTS.join(", ")} afresh, in alternating order; each start: ${C.warmup} s warm-up with the realistic mix${rest}, then ${C.mixes.length} mix(es) measured back to back, ${C.duration} s each, ${C.concurrency} keep-alive connections, wrk ${C.wrkThreads} thread(s); commit ${res.commit}${C.launcher ? "; started by bin/clerk-convex-sync" : `; JVM options ${C.javaOpts || "(none)"}`}; took ${Math.round(res.tookSec / 60)} min).`, "");
  lines.push(`Machine: ${m.nproc} cores (${m.cpu}), ${m.memGiB} GiB, Linux ${m.kernel}; ${m.java}; Node ${m.node}; ${m.wrk}. Nothing pinned: all processes share the cores.`, "");
  lines.push(`Medians over the rounds, spread (min–max) in brackets. Mixes: ${C.mixes.map((x) => `**${x}**: ${MIXES[x]}`).join("; ")}.`, "");
  lines.push("| mix | target | events/s | p50 ms | p99 ms | p99.9 ms | errors | CPU us/event | RSS MiB at end | RSS growth | JIT cores | other CPU cores |");
  lines.push("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const mix of C.mixes) {
    for (const name of SUTS) {
      const a = S[name]?.mixes[mix];
      if (!a) continue;
      lines.push(`| ${mix} | ${LABEL[name]} | ${fmt(a.eventsPerSec, f0)} | ${ms_(a.p50.median)} | ${fmt(a.p99, ms_)} | ${fmt(a.p999, ms_)} | ${a.errors} | ${fmt(a.cpuUs, f0)} | ${fmt(a.rssEnd, (x) => x.toFixed(0))} | ${fmt(a.rssGrowth, (x) => `${x >= 0 ? "+" : ""}${x.toFixed(1)}%`)} | ${isRuntime(name) ? fmt(a.jit, (x) => x.toFixed(2)) : "n/a"} | ${fmt(a.other, (x) => x.toFixed(2))} |`);
    }
  }
  lines.push("");
  if (P.ceiling) lines.push(`Ceiling (wrk straight at the Convex stand-in, ${C.mixes.includes("padded") ? "padded" : C.mixes[0]} bodies): ${f0(P.ceiling.eventsPerSec)} requests/s, p99 ${ms_(P.ceiling.latency_us.p99)} ms, stand-in ${((P.ceiling.standinCpuSec * 1e6) / P.ceiling.ok).toFixed(1)} us of CPU per request, other processes ${P.ceiling.otherCpuCores} cores.`, "");
  lines.push("Cold start (each start of each round; the first 10 s and the first 60 s of the realistic mix after the first healthy answer):", "");
  lines.push("| target | healthy after | RSS MiB at healthy | events/s, first 10 s | events/s, first 60 s |", "| --- | ---: | ---: | ---: | ---: |");
  for (const name of SUTS) {
    const s = S[name];
    lines.push(`| ${LABEL[name]} | ${fmt(s.startupSec, (x) => `${x.toFixed(2)} s`)} | ${fmt(s.rssAtHealthyMiB, (x) => x.toFixed(0))} | ${fmt(s.first10, f0)} | ${fmt(s.first60, f0)} |`);
  }
  lines.push("");
  const wraps = SUTS.filter((n) => S[n].coldWraps);
  if (wraps.length) lines.push(`The warm-up ran out of events for ${wraps.join(", ")} (RATE_GUESS too low): some svix-ids were resent and answered from the dedup store, which flatters its cold-start figures.`, "");
  const tg = targets(S);
  if (tg) {
    lines.push("| mix | target (2 cores, 32 connections) | measured | met |", "| --- | --- | --- | --- |");
    for (const [mix, t, v, ok] of tg) lines.push(`| ${mix} | ${t} | ${v} | ${ok ? "yes" : "**no**"} |`);
    lines.push("");
  }
  const rtRuns = res.runs.filter((r) => r.name === "runtime");
  if (rtRuns.length) {
    const r = rtRuns[0];
    const pts = r.mixOrder.map((mix) => `${mix} ${r.mixes[mix].rssSamplesMiB.filter((_, i, a) => i % Math.max(1, Math.round(a.length / 6)) === 0 || i === a.length - 1).map((x) => x.toFixed(0)).join(", ")}`);
    lines.push(`Runtime RSS during round 1's measurements (MiB, in the order measured): ${pts.join("; ")}; threads ${r.threadsAtHealthy} at healthy, ${r.mixes[r.mixOrder[r.mixOrder.length - 1]].threadsAtEnd} at end.`, "");
  }
  for (const name of SUTS) {
    const calls = C.mixes.map((mix) => S[name].mixes[mix]).filter(Boolean);
    const c = calls.reduce((t, a) => t + a.convexCalls, 0), ok = calls.reduce((t, a) => t + a.ok, 0), q = calls.reduce((t, a) => t + a.queryString, 0);
    lines.push(`${name}: ${f0(c)} calls reached the Convex stand-in during the measurements (${f0(ok)} webhooks answered 2xx, each of which makes one call)${q ? `; ${f0(q)} of them had a query string on /api/mutation (see the stand-in log)` : ""}.`, "");
  }
  const gen = SUTS.filter((n) => Object.keys(S[n].mixes).length).map((n) => {
    const a = Object.values(S[n].mixes);
    const db = n === "runtime-pg" ? `, PostgreSQL ${median(a.map((x) => x.databaseCores?.median)).toFixed(2)} cores` : "";
    return `${n}: wrk ${median(a.map((x) => x.wrkCores?.median)).toFixed(2)} cores, stand-in ${median(a.map((x) => x.standinCores?.median)).toFixed(2)} cores${db}`;
  });
  lines.push(`Load generator, stand-in and (for runtime-pg) PostgreSQL CPU during the measurements (medians): ${gen.join("; ")}.`, "");
  const all = res.runs.flatMap((r) => Object.values(r.mixes));
  const disturbed = all.filter((x) => x.disturbed).length + (P.ceiling?.disturbed ? 1 : 0);
  const maxOther = Math.max(0, ...all.map((x) => x.otherCpuCores), P.ceiling?.otherCpuCores || 0);
  lines.push(`CPU used by processes outside the benchmark (cores; above 0.2 marks a disturbed measurement): at most ${maxOther.toFixed(2)} during a measurement, at most ${Math.max(...SUTS.map((n) => S[n].coldOtherMax)).toFixed(2)} during a cold start; ${disturbed} of ${all.length + (P.ceiling ? 1 : 0)} measurements disturbed${disturbed ? " — **the machine was shared: rerun on a quiet machine before quoting these figures**" : ""}.`, "");
  lines.push(`Every event is distinct (new user id and svix-id, signed at most ${Math.max(C.warmup + 40, C.duration + 30)} s before it is sent); raw figures: bench/results/${res.stamp}/results.json (not committed).`);
  return lines.join("\n");
}

function updateBenchmarksMd(res, section) {
  const file = env.BENCHMARKS_MD ? resolve(env.BENCHMARKS_MD) : join(ROOT, "BENCHMARKS.md");
  const START = "<!-- bench:latest:start -->", END = "<!-- bench:latest:end -->", HIST = "<!-- bench:history:rows -->";
  let md = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (!md.includes(START) || !md.includes(HIST)) {
    md = `# Benchmarks\n\nHow to reproduce: \`bench/run.sh\` (see bench/README.md).\n\n${START}\n${END}\n\n## Run history\n\n| date | commit | runtime events/s | peer events/s | ratio | runtime p99 ms | peer p99 ms | ceiling events/s | runtime errors | runtime healthy after | runtime RSS start -> end MiB | other processes' CPU, runtime / peer (cores) |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n${HIST}\n` + md;
  }
  md = md.replace(new RegExp(`${START}[\\s\\S]*?${END}`), `${START}\n${section}\n${END}`);
  // one history row per mix, medians over the rounds (rows before the mixes were single runs of the padded events)
  const S = res.summary, P = res.phases;
  const rows = cfg.mixes.map((mix) => {
    const a = S.runtime?.mixes[mix], b = S.peer?.mixes[mix];
    const rssStart = median(res.runs.filter((r) => r.name === "runtime").map((r) => r.mixes[mix]?.rssAtMeasureStartMiB));
    const other = (n) => (S[n]?.mixes[mix]?.other ? S[n].mixes[mix].other.max.toFixed(2) : "n/a");
    const dist = SUTS.some((n) => S[n]?.mixes[mix]?.disturbed) || P.ceiling?.disturbed;
    return `| ${res.date} | ${res.commit}, ${mix}, median of ${cfg.rounds} | ${f0(a?.eventsPerSec.median)} | ${f0(b?.eventsPerSec.median)} | ${a && b ? ratio(a.eventsPerSec.median, b.eventsPerSec.median) : "n/a"} | ${a ? ms_(a.p99.median) : "n/a"} | ${b ? ms_(b.p99.median) : "n/a"} | ${f0(P.ceiling?.eventsPerSec)} | ${a ? a.errors : "n/a"} | ${S.runtime ? `${S.runtime.startupSec.median.toFixed(3)} s` : "n/a"} | ${a ? `${rssStart?.toFixed(1)} -> ${a.rssEnd.median.toFixed(1)}` : "n/a"} | ${other("runtime")} / ${other("peer")}${dist ? " (disturbed)" : ""} |`;
  });
  md = md.replace(HIST, `${rows.join("\n")}\n${HIST}`);
  writeFileSync(file, md);
}

const jarStamp = () => { const s = statSync(cfg.jar); return `${s.size}:${s.mtimeMs}`; };

// ---------- main ----------
async function main() {
  const t0 = Date.now();
  results.machine = machine();
  results.date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  results.commit = sh("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]);
  results.command = cfg.command;
  if (SUTS.some(isRuntime)) {
    if (!existsSync(cfg.jar)) throw new Error(`runtime jar ${cfg.jar} is missing (run.sh builds it)`);
    results.jarStamp = jarStamp();
  }
  if (SUTS.includes("runtime-pg")) psql("SELECT 1");
  standinPort = await freePort();
  standin = start("standin", cfg.standinBin, [String(standinPort)]);
  for (let i = 0; i < 100 && !(await standinStats()); i++) await sleep(50);
  if (!(await standinStats())) throw new Error("Convex stand-in did not start");
  log(`Convex stand-in on 127.0.0.1:${standinPort}; results in ${outDir}`);
  if (cfg.targets.includes("ceiling")) {
    results.phases.ceiling = await ceilingPhase();
    log(`ceiling: ${results.phases.ceiling.eventsPerSec.toFixed(0)} requests/s, p99 ${results.phases.ceiling.latency_us.p99} us`);
  }
  // alternate the order of the targets from round to round, so that neither always follows the other
  for (let round = 1; round <= cfg.rounds; round++) {
    const order = round % 2 ? SUTS : [...SUTS].reverse();
    for (const name of order) {
      log(`round ${round}/${cfg.rounds}: ${name}`);
      results.runs.push(await sutStart(name, round));
      writeFileSync(join(outDir, "results.json"), JSON.stringify(results, null, 2)); // a partial run keeps what it measured
    }
  }
  await stop(standin);
  rmSync(scratch, { recursive: true, force: true });
  results.tookSec = (Date.now() - t0) / 1000;
  results.summary = summarise(results.runs);
  writeFileSync(join(outDir, "results.json"), JSON.stringify(results, null, 2));
  const section = render(results);
  console.log("\n" + section + "\n");
  if (cfg.writeMd) {
    updateBenchmarksMd(results, section);
    log("BENCHMARKS.md updated");
  }
  const tg = targets(results.summary);
  if (tg) log(tg.every((x) => x[3]) ? "all targets met" : `targets missed: ${tg.filter((x) => !x[3]).map((x) => `${x[0]}: ${x[1]}`).join("; ")}`);
  log(`took ${(results.tookSec / 60).toFixed(1)} min`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[bench] failed: ${e.message}`);
    killAll();
    rmSync(scratch, { recursive: true, force: true });
    process.exit(1);
  },
);
