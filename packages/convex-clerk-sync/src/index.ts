export * from "./mapping.js";
export * from "./schema.js";
export * from "./sync.js";
export * from "./entitlement.js";
export * from "./billingMapping.js";
export * from "./invitationMapping.js";
