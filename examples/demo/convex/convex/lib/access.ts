import { ConvexError } from "convex/values";
import type { Doc } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";

// Identity and role checks shared by the public functions (CONTRACT.md,
// "requireUser"). Error data objects are written with keys in alphabetical
// order so that JSON.stringify(data) equals Go's sorted-key JSON.

/** Role names allowed to manage beneficiaries, donations and meetings. */
export const STAFF = ["admin", "manager"] as const;

/**
 * Returns the calling user, or throws UNAUTHENTICATED when there is no
 * identity, the subject is not a users id, the user does not exist, or the
 * user is inactive (checked in that order).
 */
export async function requireUser(ctx: QueryCtx): Promise<Doc<"users">> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    throw new ConvexError({ code: "UNAUTHENTICATED" });
  }
  const id = ctx.db.normalizeId("users", identity.subject);
  if (id === null) {
    throw new ConvexError({ code: "UNAUTHENTICATED" });
  }
  const user = await ctx.db.get("users", id);
  if (user === null || !user.isActive) {
    throw new ConvexError({ code: "UNAUTHENTICATED" });
  }
  return user;
}

/** requireUser, then FORBIDDEN unless the user's role is one of roles. */
export async function requireRole(
  ctx: QueryCtx,
  roles: readonly Doc<"users">["role"][],
): Promise<Doc<"users">> {
  const user = await requireUser(ctx);
  if (!roles.includes(user.role)) {
    throw new ConvexError({ code: "FORBIDDEN" });
  }
  return user;
}

/** Throws NOT_FOUND when doc is null, else returns it. */
export function found<T>(doc: T | null): T {
  if (doc === null) {
    throw new ConvexError({ code: "NOT_FOUND" });
  }
  return doc;
}

/** FORBIDDEN unless the document belongs to the user. */
export function requireOwner(
  doc: { userId: Doc<"users">["_id"] },
  user: Doc<"users">,
): void {
  if (doc.userId !== user._id) {
    throw new ConvexError({ code: "FORBIDDEN" });
  }
}

/** Strips passwordHash: users leave Convex without it (except via auth.ts). */
export function publicUser(user: Doc<"users">) {
  const { passwordHash: _omit, ...rest } = user;
  return rest;
}
