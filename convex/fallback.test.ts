import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { api, internal } from "./_generated/api";
import { clerkUser, emailAddress, newConvex, snapshot } from "./testing.helpers";

// A stand-in for Clerk's Backend API on loopback: GET /v1/users/{id} answers
// with the user from `clerkUsers`, Clerk's 404 error body, or `failWith`.
const SECRET_KEY = "sk_test_fallback";
const clerkUsers = new Map<string, Record<string, unknown>>();
const requests: { url?: string; method?: string; headers: IncomingHttpHeaders }[] = [];
let failWith: number | undefined;
let server: Server;
let clerkApiUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url, method: req.method, headers: req.headers });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (failWith) return json(failWith, { errors: [{ message: "boom", code: "internal_clerk_error" }] });
    if (req.headers.authorization !== `Bearer ${SECRET_KEY}`) {
      return json(401, { errors: [{ message: "Invalid authentication", code: "authentication_invalid" }] });
    }
    const id = decodeURIComponent(req.url?.match(/^\/v1\/users\/([^/?]+)$/)?.[1] ?? "");
    const user = clerkUsers.get(id);
    if (!user) {
      return json(404, {
        errors: [{ message: "not found", long_message: "User not found", code: "resource_not_found" }],
        clerk_trace_id: "trace_123",
      });
    }
    json(200, user);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  clerkApiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  clerkUsers.clear();
  requests.length = 0;
  failWith = undefined;
  vi.stubEnv("CLERK_SECRET_KEY", SECRET_KEY);
  vi.stubEnv("CLERK_API_URL", clerkApiUrl);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

const USER_ID = "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
const signedIn = (t: ReturnType<typeof newConvex>, subject = USER_ID) => t.withIdentity({ subject });

describe("getCurrentUserOrSync", () => {
  test("fetches a user the webhook has not delivered yet and stores it", async () => {
    const t = newConvex();
    clerkUsers.set(
      USER_ID,
      clerkUser({
        first_name: null,
        last_name: null,
        primary_email_address_id: "idn_1",
        email_addresses: [emailAddress("idn_1", "john@example.com")],
      }),
    );

    const user = await signedIn(t).action(api.users.getCurrentUserOrSync, {});

    expect(user).toMatchObject({ externalId: USER_ID, email: "john@example.com", name: "john@example.com" });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: "GET",
      url: `/v1/users/${USER_ID}`,
      headers: { authorization: `Bearer ${SECRET_KEY}` },
    });
    expect(await signedIn(t).query(api.users.current, {}), "user not stored").toEqual(user);
  });

  test("returns the stored user without calling Clerk", async () => {
    const t = newConvex();
    await t.mutation(internal.users.upsertFromClerk, { user: clerkUser() });
    const user = await signedIn(t).action(api.users.getCurrentUserOrSync, {});
    expect(user.name).toBe("John Doe");
    expect(requests, "Clerk called although the user was stored").toEqual([]);
  });

  test("a webhook arriving after the fallback is applied by the ordering guard", async () => {
    const t = newConvex();
    clerkUsers.set(USER_ID, clerkUser({ updated_at: 2_000, last_name: "Fresh" }));
    await signedIn(t).action(api.users.getCurrentUserOrSync, {});
    // The user.created webhook, older than what Clerk's API returned, arrives late.
    expect(await t.mutation(internal.users.upsertFromClerk, { user: clerkUser({ updated_at: 1_000 }) })).toBe("stale");
    expect((await signedIn(t).query(api.users.current, {}))?.name).toBe("John Fresh");
  });

  test("a user Clerk does not know is a ClerkUserNotFound error and nothing is stored", async () => {
    const t = newConvex();
    await expect(signedIn(t, "user_missing").action(api.users.getCurrentUserOrSync, {})).rejects.toMatchObject({
      data: { code: "ClerkUserNotFound" },
    });
    expect(requests.map((r) => r.url)).toEqual(["/v1/users/user_missing"]);
    expect(await snapshot(t)).toEqual({ users: [], deletedUsers: [] });
  });

  test("any other Clerk error is a ClerkApiError with the status", async () => {
    const t = newConvex();
    failWith = 500;
    const error = await signedIn(t).action(api.users.getCurrentUserOrSync, {}).catch((e) => e);
    expect(error.data).toMatchObject({ code: "ClerkApiError" });
    expect(error.data.message).toMatch(/answered 500/);
    expect(await snapshot(t)).toEqual({ users: [], deletedUsers: [] });
  });

  test("a wrong secret key shows as Clerk's 401", async () => {
    const t = newConvex();
    clerkUsers.set(USER_ID, clerkUser());
    vi.stubEnv("CLERK_SECRET_KEY", "sk_test_wrong");
    const error = await signedIn(t).action(api.users.getCurrentUserOrSync, {}).catch((e) => e);
    expect(error.data).toMatchObject({ code: "ClerkApiError" });
    expect(error.data.message).toMatch(/answered 401/);
    expect(error.data.message, "secret key leaked into the error").not.toContain("sk_test_wrong");
  });

  test("a deleted user is not brought back", async () => {
    const t = newConvex();
    clerkUsers.set(USER_ID, clerkUser());
    await t.mutation(internal.users.deleteFromClerk, { userId: USER_ID });
    await expect(signedIn(t).action(api.users.getCurrentUserOrSync, {})).rejects.toMatchObject({
      data: { code: "UserDeleted" },
    });
    expect(await snapshot(t)).toEqual({ users: [], deletedUsers: [USER_ID] });
  });

  test("signed out is a NotSignedIn error", async () => {
    const t = newConvex();
    await expect(t.action(api.users.getCurrentUserOrSync, {})).rejects.toMatchObject({
      data: { code: "NotSignedIn" },
    });
    expect(requests).toEqual([]);
  });

  test("without CLERK_SECRET_KEY it fails clearly instead of calling Clerk", async () => {
    const t = newConvex();
    vi.stubEnv("CLERK_SECRET_KEY", undefined);
    await expect(signedIn(t).action(api.users.getCurrentUserOrSync, {})).rejects.toMatchObject({
      data: { code: "ClerkNotConfigured" },
    });
    expect(requests).toEqual([]);
  });

  test("calls api.clerk.com when CLERK_API_URL is unset", async () => {
    const t = newConvex();
    vi.stubEnv("CLERK_API_URL", undefined);
    // No network here: answer in place of Clerk and only check the address.
    const fetchMock = vi.fn(async () => new Response("{}", { status: 404 }));
    vi.stubGlobal("fetch", fetchMock);
    await expect(signedIn(t).action(api.users.getCurrentUserOrSync, {})).rejects.toMatchObject({
      data: { code: "ClerkUserNotFound" },
    });
    expect(fetchMock).toHaveBeenCalledWith(`https://api.clerk.com/v1/users/${USER_ID}`, expect.anything());
  });
});
