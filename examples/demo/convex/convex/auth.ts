import { v } from "convex/values";
import { internalMutation, internalQuery } from "./_generated/server";
import { found } from "./lib/access";
import { invalid } from "./lib/rules";
import { userDoc } from "./lib/validators";

// Internal functions used by the gateway's login flow (admin/deploy key
// only). These are the only functions that return passwordHash.

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
 * Replaces the password hash (rehash on login). NOT_FOUND for a missing
 * user, then INVALID("passwordHash") for an empty hash.
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
