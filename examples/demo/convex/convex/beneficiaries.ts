import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { mutation, query } from "./_generated/server";
import { found, requireRole, requireUser, STAFF } from "./lib/access";
import {
  checkPageSize,
  LIMITS,
  optionalText,
  pageOf,
  requiredText,
} from "./lib/rules";
import {
  beneficiaryDoc,
  beneficiaryStatus,
  pageOfDocs,
} from "./lib/validators";

/** Any active user: newest first, optionally one status (index by_status). */
export const list = query({
  args: {
    paginationOpts: paginationOptsValidator,
    status: v.optional(beneficiaryStatus),
  },
  returns: pageOfDocs(beneficiaryDoc),
  handler: async (ctx, args) => {
    await requireUser(ctx);
    checkPageSize(args.paginationOpts);
    const status = args.status;
    const q =
      status === undefined
        ? ctx.db.query("beneficiaries").order("desc")
        : ctx.db
            .query("beneficiaries")
            .withIndex("by_status", (q) => q.eq("status", status))
            .order("desc");
    return pageOf(await q.paginate(args.paginationOpts));
  },
});

/** Any active user: one beneficiary or NOT_FOUND. */
export const get = query({
  args: { id: v.id("beneficiaries") },
  returns: beneficiaryDoc,
  handler: async (ctx, args) => {
    await requireUser(ctx);
    return found(await ctx.db.get("beneficiaries", args.id));
  },
});

/**
 * Staff only. Rules in order: fullName requiredText 200; phone 50,
 * address 200, city 100, notes 2000 optionalText. status defaults to active.
 */
export const create = mutation({
  args: {
    fullName: v.string(),
    phone: v.optional(v.string()),
    address: v.optional(v.string()),
    city: v.optional(v.string()),
    status: v.optional(beneficiaryStatus),
    notes: v.optional(v.string()),
  },
  returns: v.id("beneficiaries"),
  handler: async (ctx, args) => {
    await requireRole(ctx, STAFF);
    const fullName = requiredText("fullName", args.fullName, LIMITS.fullName);
    const phone = optionalText("phone", args.phone, LIMITS.phone);
    const address = optionalText("address", args.address, LIMITS.address);
    const city = optionalText("city", args.city, LIMITS.city);
    const notes = optionalText("notes", args.notes, LIMITS.notes);
    const now = Date.now();
    return await ctx.db.insert("beneficiaries", {
      address,
      city,
      createdAt: now,
      fullName,
      notes,
      phone,
      status: args.status ?? "active",
      updatedAt: now,
    });
  },
});

/**
 * Staff only. Rules as create for the given fields, then NOT_FOUND.
 * Patches the given fields and updatedAt.
 */
export const update = mutation({
  args: {
    id: v.id("beneficiaries"),
    fullName: v.optional(v.string()),
    phone: v.optional(v.string()),
    address: v.optional(v.string()),
    city: v.optional(v.string()),
    status: v.optional(beneficiaryStatus),
    notes: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    await requireRole(ctx, STAFF);
    const fullName =
      args.fullName === undefined
        ? undefined
        : requiredText("fullName", args.fullName, LIMITS.fullName);
    const phone = optionalText("phone", args.phone, LIMITS.phone);
    const address = optionalText("address", args.address, LIMITS.address);
    const city = optionalText("city", args.city, LIMITS.city);
    const notes = optionalText("notes", args.notes, LIMITS.notes);
    found(await ctx.db.get("beneficiaries", args.id));
    const patch: Record<string, string | number> = { updatedAt: Date.now() };
    if (fullName !== undefined) patch.fullName = fullName;
    if (phone !== undefined) patch.phone = phone;
    if (address !== undefined) patch.address = address;
    if (city !== undefined) patch.city = city;
    if (args.status !== undefined) patch.status = args.status;
    if (notes !== undefined) patch.notes = notes;
    await ctx.db.patch("beneficiaries", args.id, patch);
    return null;
  },
});

/** Staff only: deletes (no cascade to donations). */
export const remove = mutation({
  args: { id: v.id("beneficiaries") },
  returns: v.null(),
  handler: async (ctx, args) => {
    await requireRole(ctx, STAFF);
    found(await ctx.db.get("beneficiaries", args.id));
    await ctx.db.delete("beneficiaries", args.id);
    return null;
  },
});
