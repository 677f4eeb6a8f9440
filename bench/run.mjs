#!/usr/bin/env node
// Benchmark orchestrator (started by bench/run.sh, which installs and builds what is missing first).
// One run: Convex stand-in up -> ceiling (wrk straight at the stand-in) -> runtime jar -> reference peer,
// each with a warm-up then a fixed-time measurement at fixed concurrency over keep-alive connections,
// with distinct freshly signed user.updated events. Prints the figures and the runtime/peer ratios,
// writes bench/results/<stamp>/results.json and the "Latest run" section of BENCHMARKS.md.
// Every wait is bounded; every process it starts is stopped on the way out (also on Ctrl-C).
import { spawn, execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, rmSync, existsSync, mkdtempSync, createWriteStream, copyFileSync, openSync, closeSync, readdirSync } from "node:fs";
import { dirname, join, resolve, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { tmpdir, totalmem } from "node:os";
import net from "node:net";
import http from "node:http";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, "..");
const env = process.env;
const int = (v, d) => (v === undefined || v === "" ? d : Number.parseInt(v, 10));

const cfg = {
  duration: int(env.DURATION, 60),
  warmup: int(env.WARMUP, 60),
  concurrency: int(env.CONCURRENCY, 32),
  wrkThreads: int(env.WRK_THREADS, 1),
  targets: (env.TARGETS || "ceiling,runtime,peer").split(",").map((s) => s.trim()).filter(Boolean),
  jar: resolve(ROOT, env.JAR || "target/clerk-convex-sync.jar"),
  // the README runs the jar with the JVM options in jvm.options; BENCH_JAVA_OPTS replaces them (empty for none)
  javaOpts: (env.BENCH_JAVA_OPTS ?? `@${join(ROOT, "jvm.options")}`).split(/\s+/).filter(Boolean),
  jfr: env.JFR === "1",
  // async-profiler's library (run.sh --profile fetches it from Maven Central): CPU samples of the measurement
  profilerLib: env.PROFILE === "1" ? env.ASYNC_PROFILER_LIB : null,
  nmt: env.NMT === "1",
  writeMd: env.WRITE_MD ? env.WRITE_MD === "1" : env.JFR !== "1" && env.NMT !== "1" && env.PROFILE !== "1",
  rateGuess: int(env.RATE_GUESS, 20000),
  standinBin: env.STANDIN_BIN || join(BENCH, "results", ".bin", "convex-standin"),
  command: env.BENCH_COMMAND || "bench/run.sh",
};
if (cfg.duration + 60 > 280) throw new Error("DURATION must stay below 220 s: signatures are made just before a phase and must be fresh (+-300 s) when sent");
for (const t of cfg.targets) if (!["ceiling", "runtime", "peer"].includes(t)) throw new Error(`unknown target ${t}`);

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
async function presign(mode, total, prefix, hostPort, secret) {
  const per = Math.ceil(total / cfg.wrkThreads);
  const t0 = Date.now();
  // one signer per wrk thread file, in parallel (the machine is otherwise idle while it signs)
  const jobs = [];
  for (let i = 0; i < cfg.wrkThreads; i++) {
    const args = [join(BENCH, "loadgen", "presign.mjs"), "--mode", mode, "--count", String(per), "--out", `${prefix}.${i}`,
      "--host", hostPort, "--tag", tag()];
    if (secret) args.push("--secret", secret);
    const c = start(`presign-${mode}-${i}`, process.execPath, args);
    jobs.push(c.exited);
  }
  const codes = await Promise.all(jobs);
  if (codes.some((c) => c.code !== 0)) throw new Error(`presign failed: ${JSON.stringify(codes)}`);
  log(`signed ${per * cfg.wrkThreads} ${mode} requests in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
function cleanupPrefix(prefix) {
  for (let i = 0; i < cfg.wrkThreads; i++) rmSync(`${prefix}.${i}`, { force: true });
}
async function wrk(url, prefix, seconds, label) {
  const args = ["-t", String(cfg.wrkThreads), "-c", String(cfg.concurrency), "-d", `${seconds}s`, "--timeout", "10s",
    "-s", join(BENCH, "loadgen", "replay.lua"), url, "--", prefix];
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
const results = { stamp, config: { ...cfg, javaOpts: cfg.javaOpts.join(" ") }, phases: {} };
let standin, standinPort;
async function standinStats() {
  const r = await get(`http://127.0.0.1:${standinPort}/stats`);
  return r && r.status === 200 ? JSON.parse(r.body) : null;
}

async function measured(name, url, prefix, sutPid, mode, hostPort, secret, count, hooks = {}) {
  // wait for a quiet machine before signing, so that the wait never ages the signatures
  const quiet = await waitQuiet(`${name} measurement`, [standin.pid, ...(sutPid ? [sutPid] : [])]);
  await presign(mode, count, prefix, hostPort, secret);
  if (hooks.onStart) hooks.onStart();
  const before = { sut: sutPid ? procSample(sutPid) : null, jit: sutPid ? jitCpuSec(sutPid) : null, standin: procSample(standin.pid), stats: await standinStats(), busy: machineBusySec() };
  log(`${name}: measuring ${cfg.duration} s at ${cfg.concurrency} connections`);
  const r = await wrk(url, prefix, cfg.duration, `${name}-measure`);
  const busyEnd = machineBusySec();
  if (hooks.onEnd) hooks.onEnd();
  const after = { sut: sutPid ? procSample(sutPid) : null, jit: sutPid ? jitCpuSec(sutPid) : null, standin: procSample(standin.pid), stats: await standinStats() };
  cleanupPrefix(prefix);
  r.convexCalls = after.stats.ok - before.stats.ok;
  r.standinBad = after.stats.bad + after.stats.other - before.stats.bad - before.stats.other;
  r.convexCallsWithQueryString = after.stats.query - before.stats.query;
  r.standinCpuSec = after.standin.cpuSec - before.standin.cpuSec;
  if (before.sut && after.sut) r.sutCpuSec = after.sut.cpuSec - before.sut.cpuSec;
  r.sutCpuUsPerEvent = r.sutCpuSec && r.ok ? (r.sutCpuSec * 1e6) / r.ok : null;
  // a JVM's JIT still compiling during the measurement means the warm-up was too short for this machine
  if (before.jit !== null && after.jit !== null && before.jit + after.jit > 0) r.jitCores = +((after.jit - before.jit) / r.seconds).toFixed(3);
  otherCpu(r, quiet, before.busy, busyEnd);
  r.presigned = count;
  return r;
}

async function ceilingPhase() {
  const prefix = join(scratch, "ceiling");
  const hostPort = `127.0.0.1:${standinPort}`;
  // the stand-in does not deduplicate, so the ceiling may replay its (wrapping) file
  await presign("ceiling", 100000, prefix, hostPort, null);
  log(`ceiling: warm-up 5 s`);
  await wrk(`http://${hostPort}`, prefix, 5, "ceiling-warmup");
  const quiet = await waitQuiet("ceiling measurement", [standin.pid]);
  const before = { standin: procSample(standin.pid), stats: await standinStats(), busy: machineBusySec() };
  log(`ceiling: measuring ${cfg.duration} s at ${cfg.concurrency} connections`);
  const r = await wrk(`http://${hostPort}`, prefix, cfg.duration, "ceiling-measure");
  const busyEnd = machineBusySec();
  const after = { standin: procSample(standin.pid), stats: await standinStats() };
  cleanupPrefix(prefix);
  r.convexCalls = after.stats.ok - before.stats.ok;
  r.standinBad = after.stats.bad + after.stats.other - before.stats.bad - before.stats.other;
  r.standinCpuSec = after.standin.cpuSec - before.standin.cpuSec;
  otherCpu(r, quiet, before.busy, busyEnd);
  return r;
}

// CPU that none of the benchmark's processes used during the measurement (other work on a shared machine)
function otherCpu(r, quiet, busyStart, busyEnd) {
  const machine = busyEnd - busyStart;
  const ours = (r.sutCpuSec || 0) + (r.standinCpuSec || 0) + (r.wrkCpuSec || 0);
  r.machineBusyCores = +(machine / r.seconds).toFixed(2);
  r.otherCpuCores = +(Math.max(0, machine - ours) / r.seconds).toFixed(2);
  r.busyBeforeCores = +quiet.busyCores.toFixed(2);
  r.disturbed = r.otherCpuCores > 0.2;
  if (r.disturbed) log(`warning: other processes used ${r.otherCpuCores} cores during this measurement: its figures are disturbed`);
}

async function sutPhase(name) {
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  const port = await freePort();
  const mgmt = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${name}-data-`));
  const baseEnv = { ...env, CLERK_WEBHOOK_SECRET: secret, CONVEX_URL: `http://127.0.0.1:${standinPort}`, PORT: String(port),
    CONVEX_DEPLOY_KEY: "prod:bench-standin|benchdeploykey0000000000000000000000000000" };
  let child, healthUrl, cmdline, jfrFile, profileFile;
  if (name === "runtime") {
    // run a copy, so that a rebuild of target/ during the run cannot change the jar under the JVM
    const jar = join(scratch, "clerk-convex-sync.jar");
    copyFileSync(cfg.jar, jar);
    // deep Camel/Vert.x stacks: keep 256 frames in JFR samples so the runtime's own frames are on them
    const args = [...(cfg.jfr ? ["-XX:FlightRecorderOptions=stackdepth=256"] : []), ...(cfg.nmt ? ["-XX:NativeMemoryTracking=summary"] : []),
      ...cfg.javaOpts, "-jar", jar];
    child = start("runtime", "java", args, { cwd: ROOT, env: { ...baseEnv, MANAGEMENT_PORT: String(mgmt), DATA_DIR: dataDir } });
    healthUrl = `http://127.0.0.1:${mgmt}/observe/health`;
    cmdline = `java ${args.join(" ").replace(jar, relative(ROOT, cfg.jar))}`;
  } else {
    child = start("peer", process.execPath, [join(BENCH, "peer", "server.js")], { cwd: join(BENCH, "peer"), env: baseEnv });
    healthUrl = `http://127.0.0.1:${port}/health`;
    cmdline = "node bench/peer/server.js";
  }
  const t0 = process.hrtime.bigint();
  const r = { command: cmdline, rss: [], phaseMarks: {} };
  const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
  let mark = "startup";
  const sampler = setInterval(() => {
    const s = procSample(child.pid);
    if (s) r.rss.push({ t: +elapsed().toFixed(2), mark, rssMiB: +s.rssMiB.toFixed(1), cpuSec: s.cpuSec, threads: s.threads });
  }, 1000);
  try {
    // time from process start to the first healthy answer (polled every 20 ms, at most 60 s)
    let healthy = false;
    while (elapsed() < 60 && child.exitCode === null) {
      const h = await get(healthUrl, 500);
      if (h && h.status === 200) { healthy = true; break; }
      await sleep(20);
    }
    if (!healthy) throw new Error(`${name} not healthy within 60 s (see ${join(outDir, name + ".log")})`);
    r.startupSec = +elapsed().toFixed(3);
    const s0 = procSample(child.pid);
    r.rssAtHealthyMiB = +s0.rssMiB.toFixed(1);
    r.threadsAtHealthy = s0.threads;
    log(`${name}: healthy after ${r.startupSec} s, RSS ${r.rssAtHealthyMiB} MiB`);

    const hostPort = `127.0.0.1:${port}`;
    const url = `http://${hostPort}`;
    const prefix = join(scratch, name);
    // warm-up with its own distinct events (sized from RATE_GUESS; a wrap here only resends warm-up ids).
    // Its last 5 s are a separate probe whose rate sizes the measurement's events (the JIT is still speeding
    // the JVM up during the first seconds, so the whole warm-up's mean would undersize it).
    const probeSec = cfg.warmup >= 10 ? 5 : 0;
    const warmSec = cfg.warmup - probeSec;
    mark = "warmup";
    log(`${name}: warm-up ${cfg.warmup} s`);
    let w = null, probe = null;
    if (warmSec > 0) {
      await presign("webhook", cfg.rateGuess * warmSec, `${prefix}-warm`, hostPort, secret);
      w = await wrk(url, `${prefix}-warm`, warmSec, `${name}-warmup`);
      cleanupPrefix(`${prefix}-warm`);
    }
    if (probeSec > 0) {
      await presign("webhook", cfg.rateGuess * probeSec, `${prefix}-probe`, hostPort, secret);
      probe = await wrk(url, `${prefix}-probe`, probeSec, `${name}-probe`);
      cleanupPrefix(`${prefix}-probe`);
    }
    const last = probe || w;
    r.warmup = { seconds: cfg.warmup, eventsPerSec: w ? w.eventsPerSec : null, probeEventsPerSec: probe ? probe.eventsPerSec : null,
      errorsTotal: (w ? w.errorsTotal : 0) + (probe ? probe.errorsTotal : 0), wraps: (w ? w.wraps : 0) + (probe ? probe.wraps : 0) };
    log(`${name}: warm-up ${w ? w.eventsPerSec.toFixed(0) : "-"} events/s, last ${probeSec} s ${probe ? probe.eventsPerSec.toFixed(0) : "-"} events/s, ${r.warmup.errorsTotal} errors`);

    // measurement: enough distinct events for three times the probe's rate; a run that ran out is redone once, bigger
    // (the redo is recorded in results.json as measureAttempts)
    let count = Math.ceil(Math.max(last ? last.eventsPerSec : 0, 500) * 3 * cfg.duration) + 2000 * cfg.wrkThreads;
    let m;
    for (let attempt = 1; attempt <= 2; attempt++) {
      mark = "presign";
      r.rss = r.rss.filter((x) => x.mark !== "measure"); // a redone measurement replaces the samples of the first
      m = await measured(name, url, prefix, child.pid, "webhook", hostPort, secret, count, {
        onStart: () => {
          if (cfg.jfr && name === "runtime") {
            jfrFile = join(outDir, "runtime.jfr");
            sh("jcmd", [String(child.pid), "JFR.start", "name=bench", "settings=profile"]);
          }
          // jcmd hands the agent its options only when they are quoted inside the argument
          if (cfg.profilerLib && name === "runtime") sh("jcmd", [String(child.pid), "JVMTI.agent_load", cfg.profilerLib, '"start,event=cpu,interval=1ms"']);
          r.rssAtMeasureStartMiB = +procSample(child.pid).rssMiB.toFixed(1);
          if (cfg.nmt && name === "runtime") writeFileSync(join(outDir, "runtime-nmt-start.txt"), sh("jcmd", [String(child.pid), "VM.native_memory", "summary"]));
          mark = "measure";
        },
        onEnd: () => {
          mark = "after";
          if (cfg.nmt && name === "runtime") writeFileSync(join(outDir, "runtime-nmt-end.txt"), sh("jcmd", [String(child.pid), "VM.native_memory", "summary"]));
          if (cfg.jfr && name === "runtime") sh("jcmd", [String(child.pid), "JFR.stop", "name=bench", `filename=${jfrFile}`]);
          if (cfg.profilerLib && name === "runtime") {
            profileFile = join(outDir, "runtime-profile.collapsed");
            sh("jcmd", [String(child.pid), "JVMTI.agent_load", cfg.profilerLib, `"stop,file=${profileFile},collapsed"`]);
          }
        },
      });
      r.measureAttempts = attempt;
      if (m.wraps === 0) break;
      log(`${name}: ran out of pre-signed events (${m.wraps} wraps); redoing with more`);
      count = Math.ceil(count * 2.5);
    }
    mark = "after";
    Object.assign(r, m);
    const sEnd = procSample(child.pid);
    r.rssAtEndMiB = +sEnd.rssMiB.toFixed(1);
    r.threadsAtEnd = sEnd.threads;
    // flatness over the measurement window: mean RSS of its last third vs its first third
    const ms = r.rss.filter((x) => x.mark === "measure");
    const third = Math.max(1, Math.floor(ms.length / 3));
    const mean = (a) => a.reduce((s, x) => s + x.rssMiB, 0) / a.length;
    r.rssMeasureFirstThirdMiB = +mean(ms.slice(0, third)).toFixed(1);
    r.rssMeasureLastThirdMiB = +mean(ms.slice(-third)).toFixed(1);
    r.rssMeasureMaxMiB = Math.max(...ms.map((x) => x.rssMiB));
    r.rssGrowthPct = +((100 * (r.rssMeasureLastThirdMiB - r.rssMeasureFirstThirdMiB)) / r.rssMeasureFirstThirdMiB).toFixed(1);
    log(`${name}: ${r.eventsPerSec.toFixed(0)} events/s, p50 ${r.latency_us.p50} us, p99 ${r.latency_us.p99} us, errors ${r.errorsTotal}, RSS ${r.rssAtMeasureStartMiB} -> ${r.rssAtEndMiB} MiB`);
  } finally {
    clearInterval(sampler);
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (jfrFile && existsSync(jfrFile)) {
    r.jfr = jfrFile;
    const hot = sh(process.execPath, [join(BENCH, "profile", "hotspots.mjs"), jfrFile]);
    writeFileSync(join(outDir, "runtime-hotspots.txt"), hot + "\n");
    log(`JFR hot spots (also in ${join(outDir, "runtime-hotspots.txt")}):\n${hot}`);
  }
  if (profileFile && existsSync(profileFile)) {
    r.profile = profileFile;
    const hot = sh(process.execPath, [join(BENCH, "profile", "collapsed.mjs"), profileFile]);
    writeFileSync(join(outDir, "runtime-profile.txt"), hot + "\n");
    log(`CPU profile (async-profiler; also in ${join(outDir, "runtime-profile.txt")}):\n${hot}`);
  }
  return r;
}

// ---------- report ----------
function machine() {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
  return {
    nproc: Number(sh("nproc", [])),
    cpu: cpu ? cpu[1].trim() : "unknown",
    memGiB: +(totalmem() / 2 ** 30).toFixed(1),
    kernel: sh("uname", ["-r"]),
    java: spawnSync("java", ["-version"]).stderr.toString().split("\n")[0].trim(),
    node: process.version,
    wrk: sh("wrk", ["-v"]).split("\n")[0].replace(/ Copyright.*/, ""),
  };
}
const f0 = (x) => (x === null || x === undefined || Number.isNaN(x) ? "n/a" : Math.round(x).toLocaleString("en-US"));
const ms = (us) => (us === undefined ? "n/a" : (us / 1000).toFixed(2));
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : "n/a");

function targets(rt, peer) {
  if (!rt || !peer) return null;
  return [
    ["events/s >= 2x peer", `${ratio(rt.eventsPerSec, peer.eventsPerSec)}x`, rt.eventsPerSec >= 2 * peer.eventsPerSec],
    ["p99 <= peer p99", `${ms(rt.latency_us.p99)} ms vs ${ms(peer.latency_us.p99)} ms`, rt.latency_us.p99 <= peer.latency_us.p99],
    ["zero errors", `${rt.errorsTotal} (wrk) + ${rt.standinBad} (stand-in)`, rt.errorsTotal === 0 && rt.standinBad === 0],
    ["RSS flat over the measurement (last third within 10% of first third)",
      `${rt.rssMeasureFirstThirdMiB} -> ${rt.rssMeasureLastThirdMiB} MiB (${rt.rssGrowthPct >= 0 ? "+" : ""}${rt.rssGrowthPct}%)`, rt.rssGrowthPct <= 10],
    ["healthy within 3 s of JVM start", `${rt.startupSec} s`, rt.startupSec <= 3],
  ];
}

function render(res) {
  const P = res.phases;
  const m = res.machine;
  const rows = [];
  const row = (label, r, extra = {}) => rows.push(`| ${label} | ${f0(r.eventsPerSec)} | ${ms(r.latency_us.p50)} | ${ms(r.latency_us.p99)} | ${ms(r.latency_us.p999)} | ${ms(r.latency_us.max)} | ${r.errorsTotal}${r.standinBad ? ` (+${r.standinBad} stand-in)` : ""} | ${f0(r.ok)} | ${extra.cpu ?? "n/a"} | ${extra.rss ?? "n/a"} | ${extra.start ?? "n/a"} |`);
  if (P.ceiling) row("ceiling: wrk -> stand-in", P.ceiling, { cpu: `stand-in ${((P.ceiling.standinCpuSec * 1e6) / P.ceiling.ok).toFixed(1)}` });
  for (const n of ["runtime", "peer"]) {
    const r = P[n];
    if (!r) continue;
    row(n === "runtime" ? "runtime (jar)" : "peer (Node + svix)", r, {
      cpu: r.sutCpuUsPerEvent ? r.sutCpuUsPerEvent.toFixed(0) : "n/a",
      rss: `${r.rssAtHealthyMiB} / ${r.rssAtMeasureStartMiB} / ${r.rssAtEndMiB}`,
      start: `${r.startupSec} s`,
    });
  }
  const lines = [];
  lines.push(`## Latest run: ${res.date}`, "");
  lines.push(`Command: \`${res.command}\` (duration ${res.config.duration} s after a ${res.config.warmup} s warm-up, ${res.config.concurrency} keep-alive connections, wrk ${res.config.wrkThreads} thread(s); commit ${res.commit}${res.config.javaOpts ? `; BENCH_JAVA_OPTS=${res.config.javaOpts}` : ""}).`, "");
  lines.push(`Machine: ${m.nproc} cores (${m.cpu}), ${m.memGiB} GiB, Linux ${m.kernel}; ${m.java}; Node ${m.node}; ${m.wrk}. Nothing pinned: all processes share the cores.`, "");
  lines.push("| target | events/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | events | CPU us/event | RSS MiB healthy / measure start / end | healthy after |");
  lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
  lines.push(...rows, "");
  if (P.runtime && P.peer) {
    const rt = P.runtime, pe = P.peer;
    lines.push(`Runtime / peer: events/s **${ratio(rt.eventsPerSec, pe.eventsPerSec)}x**, p50 ${ratio(rt.latency_us.p50, pe.latency_us.p50)}x, p99 ${ratio(rt.latency_us.p99, pe.latency_us.p99)}x, p99.9 ${ratio(rt.latency_us.p999, pe.latency_us.p999)}x, CPU per event ${ratio(rt.sutCpuUsPerEvent, pe.sutCpuUsPerEvent)}x, RSS at end ${ratio(rt.rssAtEndMiB, pe.rssAtEndMiB)}x.`, "");
    lines.push("| target (2 cores, 32 connections) | measured | met |", "| --- | --- | --- |");
    for (const [t, v, ok] of targets(rt, pe)) lines.push(`| ${t} | ${v} | ${ok ? "yes" : "**no**"} |`);
    lines.push("");
  }
  if (P.runtime) {
    const s = P.runtime.rss.filter((x) => x.mark === "measure");
    const step = Math.max(1, Math.round(s.length / 12));
    const pts = s.filter((_, i) => i % step === 0 || i === s.length - 1).map((x) => `${x.rssMiB.toFixed(0)}`);
    if (P.runtime.measureAttempts > 1) lines.push(`The runtime's measurement was redone once (the first ran out of pre-signed events): it had ${cfg.duration} s more warm-up than the peer${P.peer?.measureAttempts > 1 ? " (the peer's too)" : ""}.`, "");
    lines.push(`Runtime RSS during the measurement (MiB, every ~${step} s): ${pts.join(", ")}; threads ${P.runtime.threadsAtHealthy} at healthy, ${P.runtime.threadsAtEnd} at end.`, "");
    const w = P.runtime.warmup;
    if (P.runtime.jitCores !== undefined) lines.push(`Runtime warm-up: ${f0(w?.eventsPerSec)} events/s over its first ${cfg.warmup >= 10 ? cfg.warmup - 5 : cfg.warmup} s, ${f0(w?.probeEventsPerSec)} in its last 5 s; the JIT compiler threads used ${P.runtime.jitCores} cores during the measurement (near 0: warm).`, "");
  }
  const gen = [];
  for (const n of ["ceiling", "runtime", "peer"]) {
    const r = P[n];
    if (r && r.wrkCpuSec) gen.push(`${n}: wrk ${(r.wrkCpuSec / r.seconds).toFixed(2)} cores, stand-in ${(r.standinCpuSec / r.seconds).toFixed(2)} cores`);
  }
  for (const n of ["runtime", "peer"]) {
    const r = P[n];
    if (r) lines.push(`${n}: ${f0(r.convexCalls)} calls reached the Convex stand-in during the measurement (${f0(r.ok)} webhooks answered 2xx)${r.convexCallsWithQueryString ? `; ${f0(r.convexCallsWithQueryString)} of them had a query string on /api/mutation (see the stand-in log)` : ""}.`, "");
  }
  if (gen.length) lines.push(`Load generator and stand-in CPU during each measurement: ${gen.join("; ")}.`, "");
  const other = ["ceiling", "runtime", "peer"].filter((n) => P[n]).map((n) => `${n} ${P[n].otherCpuCores}`);
  if (other.length) lines.push(`CPU used by processes outside the benchmark during each measurement (cores; above 0.2 marks a disturbed run): ${other.join(", ")}${["ceiling", "runtime", "peer"].some((n) => P[n]?.disturbed) ? " — **disturbed: the machine was shared, rerun on a quiet machine**" : ""}.`, "");
  lines.push(`Every event is a distinct user.updated (${"~3"} KB body, new svix-id, signed at most ${res.config.duration + 30} s before it is sent); raw figures: bench/results/${res.stamp}/results.json (not committed).`);
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
  const P = res.phases;
  const hist = `| ${res.date} | ${res.commit} | ${f0(P.runtime?.eventsPerSec)} | ${f0(P.peer?.eventsPerSec)} | ${P.runtime && P.peer ? ratio(P.runtime.eventsPerSec, P.peer.eventsPerSec) : "n/a"} | ${P.runtime ? ms(P.runtime.latency_us.p99) : "n/a"} | ${P.peer ? ms(P.peer.latency_us.p99) : "n/a"} | ${f0(P.ceiling?.eventsPerSec)} | ${P.runtime ? P.runtime.errorsTotal : "n/a"} | ${P.runtime ? P.runtime.startupSec + " s" : "n/a"} | ${P.runtime ? `${P.runtime.rssAtMeasureStartMiB} -> ${P.runtime.rssAtEndMiB}` : "n/a"} | ${P.runtime?.otherCpuCores ?? "n/a"} / ${P.peer?.otherCpuCores ?? "n/a"}${["ceiling", "runtime", "peer"].some((n) => P[n]?.disturbed) ? " (disturbed)" : ""} |`;
  md = md.replace(HIST, `${hist}\n${HIST}`);
  writeFileSync(file, md);
}

// ---------- main ----------
async function main() {
  results.machine = machine();
  results.date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  results.commit = sh("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]);
  results.command = cfg.command;
  if (cfg.targets.includes("runtime") && !existsSync(cfg.jar)) throw new Error(`runtime jar ${cfg.jar} is missing (run.sh builds it)`);
  standinPort = await freePort();
  standin = start("standin", cfg.standinBin, [String(standinPort)]);
  for (let i = 0; i < 100 && !(await standinStats()); i++) await sleep(50);
  if (!(await standinStats())) throw new Error("Convex stand-in did not start");
  log(`Convex stand-in on 127.0.0.1:${standinPort}; results in ${outDir}`);
  for (const t of cfg.targets) {
    results.phases[t] = t === "ceiling" ? await ceilingPhase() : await sutPhase(t);
    if (t === "ceiling") log(`ceiling: ${results.phases.ceiling.eventsPerSec.toFixed(0)} requests/s, p99 ${results.phases.ceiling.latency_us.p99} us`);
  }
  await stop(standin);
  rmSync(scratch, { recursive: true, force: true });
  writeFileSync(join(outDir, "results.json"), JSON.stringify(results, null, 2));
  const section = render(results);
  console.log("\n" + section + "\n");
  if (cfg.writeMd) {
    updateBenchmarksMd(results, section);
    log("BENCHMARKS.md updated");
  }
  const tg = targets(results.phases.runtime, results.phases.peer);
  if (tg) log(tg.every((x) => x[2]) ? "all targets met" : `targets missed: ${tg.filter((x) => !x[2]).map((x) => x[0]).join("; ")}`);
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
