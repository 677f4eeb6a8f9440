#!/usr/bin/env node
// A local OTLP/HTTP trace sink for the benchmark with traces on (bench/run.sh --otel-sink): accepts
// POST /v1/traces, reads and discards the body, answers 200 with an empty ExportTraceServiceResponse. It counts the
// bytes and requests it took and prints them when stopped, so a run shows that spans did flow.
// Usage: node bench/otlp-sink.mjs <port>
import { createServer } from "node:http";

const port = Number(process.argv[2] || 4318);
let requests = 0;
let bytes = 0;
const server = createServer((req, res) => {
  req.on("data", (chunk) => { bytes += chunk.length; });
  req.on("end", () => {
    requests++;
    res.writeHead(req.method === "POST" && req.url === "/v1/traces" ? 200 : 404,
      { "content-type": "application/x-protobuf", "content-length": 0 });
    res.end();
  });
});
server.listen(port, "127.0.0.1", () => console.log(`[otlp-sink] listening on 127.0.0.1:${port}`));
const stop = () => {
  console.log(`[otlp-sink] ${requests} export requests, ${(bytes / 1048576).toFixed(1)} MiB of spans`);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
