import { v } from "convex/values";
import { internal } from "./_generated/api";
import { mutation, query } from "./_generated/server";
import { found, requireOwner, requireUser } from "./lib/access";
import { LIMITS, requiredText } from "./lib/rules";
import { taskDoc, taskPriority, taskStatus } from "./lib/validators";

// Tasks are personal: every function acts on the caller's own tasks only
// (FORBIDDEN for someone else's, whatever the caller's role).

/** The caller's tasks, newest first, optionally only one status. */
export const list = query({
  args: { status: v.optional(taskStatus) },
  returns: v.array(taskDoc),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx);
    let q = ctx.db
      .query("tasks")
      .withIndex("by_user", (q) => q.eq("userId", user._id))
      .order("desc");
    if (args.status !== undefined) {
      const status = args.status;
      q = q.filter((f) => f.eq(f.field("status"), status));
    }
    return await q.collect();
  },
});

/** Creates a pending task; title is trimmed, non-empty, ≤ 200 chars. */
export const create = mutation({
  args: { title: v.string(), priority: taskPriority },
  returns: v.id("tasks"),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx);
    const title = requiredText("title", args.title, LIMITS.title);
    const now = Date.now();
    return await ctx.db.insert("tasks", {
      createdAt: now,
      priority: args.priority,
      status: "pending",
      title,
      updatedAt: now,
      userId: user._id,
    });
  },
});

/**
 * Updates the given fields. Order: requireUser, title rule, NOT_FOUND,
 * FORBIDDEN. Moving a task to "completed" (from another status) schedules
 * internal notifications:create with runAfter(0) after the patch.
 */
export const update = mutation({
  args: {
    id: v.id("tasks"),
    title: v.optional(v.string()),
    status: v.optional(taskStatus),
    priority: v.optional(taskPriority),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx);
    const title =
      args.title === undefined
        ? undefined
        : requiredText("title", args.title, LIMITS.title);
    const task = found(await ctx.db.get("tasks", args.id));
    requireOwner(task, user);
    const now = Date.now();
    const patch: {
      title?: string;
      status?: typeof args.status;
      priority?: typeof args.priority;
      updatedAt: number;
    } = { updatedAt: now };
    if (title !== undefined) patch.title = title;
    if (args.status !== undefined) patch.status = args.status;
    if (args.priority !== undefined) patch.priority = args.priority;
    await ctx.db.patch("tasks", task._id, patch);
    if (args.status === "completed" && task.status !== "completed") {
      const finalTitle = title ?? task.title;
      await ctx.scheduler.runAfter(0, internal.notifications.create, {
        body: `You completed "${finalTitle}".`,
        title: "Task completed",
        userId: task.userId,
      });
    }
    return null;
  },
});

/** Deletes one of the caller's tasks. Order: requireUser, NOT_FOUND, FORBIDDEN. */
export const remove = mutation({
  args: { id: v.id("tasks") },
  returns: v.null(),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx);
    const task = found(await ctx.db.get("tasks", args.id));
    requireOwner(task, user);
    await ctx.db.delete("tasks", task._id);
    return null;
  },
});
