import { v } from "convex/values";
import { internalMutation, mutation, query } from "./_generated/server";
import { found, requireOwner, requireUser } from "./lib/access";
import { notificationDoc } from "./lib/validators";

/** The caller's notifications, newest first; unreadOnly keeps read=false. */
export const list = query({
  args: { unreadOnly: v.optional(v.boolean()) },
  returns: v.array(notificationDoc),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx);
    let q = ctx.db
      .query("notifications")
      .withIndex("by_user", (q) => q.eq("userId", user._id))
      .order("desc");
    if (args.unreadOnly === true) {
      q = q.filter((f) => f.eq(f.field("read"), false));
    }
    return await q.collect();
  },
});

/** Marks one of the caller's notifications read (idempotent). */
export const markRead = mutation({
  args: { id: v.id("notifications") },
  returns: v.null(),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx);
    const n = found(await ctx.db.get("notifications", args.id));
    requireOwner(n, user);
    await ctx.db.patch("notifications", n._id, { read: true });
    return null;
  },
});

/** Internal: creates an unread notification (scheduled by tasks:update). */
export const create = internalMutation({
  args: { userId: v.id("users"), title: v.string(), body: v.string() },
  returns: v.id("notifications"),
  handler: async (ctx, args) => {
    return await ctx.db.insert("notifications", {
      body: args.body,
      createdAt: Date.now(),
      read: false,
      title: args.title,
      userId: args.userId,
    });
  },
});
