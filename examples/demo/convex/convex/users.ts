import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { query } from "./_generated/server";
import { publicUser, requireRole, requireUser } from "./lib/access";
import { checkPageSize, invalid, pageOf } from "./lib/rules";
import { pageOfDocs, publicUserDoc } from "./lib/validators";

/** The caller, without passwordHash. */
export const me = query({
  args: {},
  returns: publicUserDoc,
  handler: async (ctx) => {
    return publicUser(await requireUser(ctx));
  },
});

/** Admin only: all users, oldest first, without passwordHash. */
export const list = query({
  args: { paginationOpts: paginationOptsValidator },
  returns: pageOfDocs(publicUserDoc),
  handler: async (ctx, args) => {
    await requireRole(ctx, ["admin"]);
    checkPageSize(args.paginationOpts);
    const r = await ctx.db
      .query("users")
      .order("asc")
      .paginate(args.paginationOpts);
    return pageOf({ ...r, page: r.page.map(publicUser) });
  },
});

/** The roles an invitation may grant (lib/validators.ts `role`). */
const ROLES = ["admin", "manager", "member"];

/**
 * The gateway's invitation check (its accounts contract,
 * ACCOUNTS_AUTHORIZE_INVITATION), called with the inviting user's
 * identity: admins only (requireRole), then INVALID("role") for a role the
 * app does not have. `role` is a string, not the role validator, so an
 * unknown role is a ConvexError the gateway answers 422, not an argument
 * validation failure. Returns null.
 */
export const authorizeInvitation = query({
  args: { email: v.string(), role: v.string() },
  returns: v.null(),
  handler: async (ctx, args) => {
    await requireRole(ctx, ["admin"]);
    if (!ROLES.includes(args.role)) {
      throw invalid("role", "role must be one of admin, manager, member");
    }
    return null;
  },
});
