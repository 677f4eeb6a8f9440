export * from "./mapping.js";
export * from "./schema.js";
export * from "./sync.js";
