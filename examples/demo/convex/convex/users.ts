import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { query } from "./_generated/server";
import { publicUser, requireRole, requireUser } from "./lib/access";
import { checkPageSize, pageOf } from "./lib/rules";
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
