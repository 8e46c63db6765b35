import { ConvexError, v } from "convex/values";
import { internalMutation, internalQuery } from "./_generated/server";
import { found } from "./lib/access";
import { invalid, LIMITS, requiredText } from "./lib/rules";
import { role, userDoc } from "./lib/validators";

// Internal functions used by the gateway's accounts contract (admin/deploy
// key only): the login flow and the account flows (sign-up, invitations,
// email verification). These are the only functions that return
// passwordHash.

/** Exact, case-sensitive lookup by email (the gateway normalises). */
export const getUserByEmail = internalQuery({
  args: { email: v.string() },
  returns: v.union(userDoc, v.null()),
  handler: async (ctx, args) => {
    return await ctx.db
      .query("users")
      .withIndex("by_email", (q) => q.eq("email", args.email))
      .first();
  },
});

/**
 * Lookup by id (the gateway re-reads a session's claims): null when the
 * string is not a users id or the user does not exist.
 */
export const getUserById = internalQuery({
  args: { userId: v.string() },
  returns: v.union(userDoc, v.null()),
  handler: async (ctx, args) => {
    const id = ctx.db.normalizeId("users", args.userId);
    if (id === null) {
      return null;
    }
    return await ctx.db.get("users", id);
  },
});

/**
 * Records a sign-in: sets lastLoginAt to `at` (epoch ms, the gateway's
 * login time, so a retried call writes the same value). NOT_FOUND for a
 * missing user.
 */
export const updateLastLogin = internalMutation({
  args: { userId: v.id("users"), at: v.number() },
  returns: v.null(),
  handler: async (ctx, args) => {
    found(await ctx.db.get("users", args.userId));
    await ctx.db.patch("users", args.userId, { lastLoginAt: args.at });
    return null;
  },
});

/**
 * Replaces the password hash (rehash on login, reset, change, accepted
 * invitation). NOT_FOUND for a missing user, then INVALID("passwordHash")
 * for an empty hash.
 */
export const updatePasswordHash = internalMutation({
  args: { userId: v.id("users"), passwordHash: v.string() },
  returns: v.null(),
  handler: async (ctx, args) => {
    found(await ctx.db.get("users", args.userId));
    if (args.passwordHash === "") {
      throw invalid("passwordHash", "passwordHash must not be empty");
    }
    await ctx.db.patch("users", args.userId, {
      passwordHash: args.passwordHash,
    });
    return null;
  },
});

/**
 * Creates an active user (sign-up, invitation) and returns its id. Checks
 * in order: INVALID("email") for an empty email, requiredText("name"),
 * INVALID("passwordHash") for an empty hash, then EMAIL_TAKEN when a user
 * has this email (exact match: the gateway normalises). role defaults to
 * "member"; without passwordHash the user cannot sign in until one is set.
 * A mutation is one serialisable transaction, so of two concurrent
 * creations with one email at most one succeeds.
 */
export const createUser = internalMutation({
  args: {
    email: v.string(),
    name: v.string(),
    role: v.optional(role),
    passwordHash: v.optional(v.string()),
    emailVerified: v.boolean(),
  },
  returns: v.id("users"),
  handler: async (ctx, args) => {
    if (args.email === "") {
      throw invalid("email", "email must not be empty");
    }
    const name = requiredText("name", args.name, LIMITS.name);
    if (args.passwordHash === "") {
      throw invalid("passwordHash", "passwordHash must not be empty");
    }
    const existing = await ctx.db
      .query("users")
      .withIndex("by_email", (q) => q.eq("email", args.email))
      .first();
    if (existing !== null) {
      throw new ConvexError({ code: "EMAIL_TAKEN" });
    }
    return await ctx.db.insert("users", {
      email: args.email,
      name,
      role: args.role ?? "member",
      isActive: true,
      emailVerified: args.emailVerified,
      ...(args.passwordHash === undefined
        ? {}
        : { passwordHash: args.passwordHash }),
    });
  },
});

/**
 * Marks the user's email as verified (idempotent). NOT_FOUND for a missing
 * user.
 */
export const markEmailVerified = internalMutation({
  args: { userId: v.id("users") },
  returns: v.null(),
  handler: async (ctx, args) => {
    found(await ctx.db.get("users", args.userId));
    await ctx.db.patch("users", args.userId, { emailVerified: true });
    return null;
  },
});
