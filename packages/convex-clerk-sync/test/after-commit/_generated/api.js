// A stand-in for codegen's output: convex-test finds the app's root by this
// folder, and anyApi references functions by path as the generated api does.
export { anyApi as api, anyApi as internal } from "convex/server";
