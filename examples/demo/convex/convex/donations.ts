import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel";
import { mutation, query, type MutationCtx } from "./_generated/server";
import { found, requireRole, requireUser, STAFF } from "./lib/access";
import {
  checkPageSize,
  currencyCode,
  finite,
  invalid,
  LIMITS,
  optionalText,
  pageOf,
  positiveAmount,
  requiredText,
} from "./lib/rules";
import { donationDoc, donationMethod, pageOfDocs } from "./lib/validators";

/** Any active user: latest receivedAt first (index by_received, desc). */
export const list = query({
  args: { paginationOpts: paginationOptsValidator },
  returns: pageOfDocs(donationDoc),
  handler: async (ctx, args) => {
    await requireUser(ctx);
    checkPageSize(args.paginationOpts);
    return pageOf(
      await ctx.db
        .query("donations")
        .withIndex("by_received")
        .order("desc")
        .paginate(args.paginationOpts),
    );
  },
});

/** Any active user: one donation or NOT_FOUND. */
export const get = query({
  args: { id: v.id("donations") },
  returns: donationDoc,
  handler: async (ctx, args) => {
    await requireUser(ctx);
    return found(await ctx.db.get("donations", args.id));
  },
});

/** INVALID("beneficiaryId", "beneficiary not found") unless it exists. */
async function checkBeneficiary(
  ctx: MutationCtx,
  id: Id<"beneficiaries"> | undefined,
): Promise<void> {
  if (id !== undefined && (await ctx.db.get("beneficiaries", id)) === null) {
    throw invalid("beneficiaryId", "beneficiary not found");
  }
}

/**
 * Staff only. Rules in order: donorName requiredText 200; amount > 0 and
 * finite; currency /^[A-Z]{3}$/; receivedAt finite (if given); notes
 * optionalText 2000; beneficiaryId exists (if given). receivedAt defaults
 * to now.
 */
export const create = mutation({
  args: {
    donorName: v.string(),
    amount: v.number(),
    currency: v.string(),
    method: donationMethod,
    beneficiaryId: v.optional(v.id("beneficiaries")),
    receivedAt: v.optional(v.number()),
    notes: v.optional(v.string()),
  },
  returns: v.id("donations"),
  handler: async (ctx, args) => {
    await requireRole(ctx, STAFF);
    const donorName = requiredText(
      "donorName",
      args.donorName,
      LIMITS.donorName,
    );
    const amount = positiveAmount(args.amount);
    const currency = currencyCode(args.currency);
    if (args.receivedAt !== undefined) finite("receivedAt", args.receivedAt);
    const notes = optionalText("notes", args.notes, LIMITS.notes);
    await checkBeneficiary(ctx, args.beneficiaryId);
    return await ctx.db.insert("donations", {
      amount,
      beneficiaryId: args.beneficiaryId,
      currency,
      donorName,
      method: args.method,
      notes,
      receivedAt: args.receivedAt ?? Date.now(),
    });
  },
});

/**
 * Staff only. Rules for the given fields in the order donorName, amount,
 * currency, receivedAt, notes; then NOT_FOUND; then beneficiaryId exists.
 */
export const update = mutation({
  args: {
    id: v.id("donations"),
    donorName: v.optional(v.string()),
    amount: v.optional(v.number()),
    currency: v.optional(v.string()),
    method: v.optional(donationMethod),
    beneficiaryId: v.optional(v.id("beneficiaries")),
    receivedAt: v.optional(v.number()),
    notes: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    await requireRole(ctx, STAFF);
    const patch: Partial<Doc<"donations">> = {};
    if (args.donorName !== undefined) {
      patch.donorName = requiredText(
        "donorName",
        args.donorName,
        LIMITS.donorName,
      );
    }
    if (args.amount !== undefined) patch.amount = positiveAmount(args.amount);
    if (args.currency !== undefined)
      patch.currency = currencyCode(args.currency);
    if (args.receivedAt !== undefined) {
      patch.receivedAt = finite("receivedAt", args.receivedAt);
    }
    const notes = optionalText("notes", args.notes, LIMITS.notes);
    if (notes !== undefined) patch.notes = notes;
    if (args.method !== undefined) patch.method = args.method;
    found(await ctx.db.get("donations", args.id));
    await checkBeneficiary(ctx, args.beneficiaryId);
    if (args.beneficiaryId !== undefined)
      patch.beneficiaryId = args.beneficiaryId;
    await ctx.db.patch("donations", args.id, patch);
    return null;
  },
});

/** Staff only: deletes a donation. */
export const remove = mutation({
  args: { id: v.id("donations") },
  returns: v.null(),
  handler: async (ctx, args) => {
    await requireRole(ctx, STAFF);
    found(await ctx.db.get("donations", args.id));
    await ctx.db.delete("donations", args.id);
    return null;
  },
});

/**
 * Staff only: totals over from <= receivedAt < to (bounds optional), summed
 * in index by_received ascending order. count is an int64 on purpose.
 */
export const stats = query({
  args: { from: v.optional(v.number()), to: v.optional(v.number()) },
  returns: v.object({
    byMethod: v.object({
      bank: v.number(),
      card: v.number(),
      cash: v.number(),
    }),
    count: v.int64(),
    total: v.number(),
  }),
  handler: async (ctx, args) => {
    await requireRole(ctx, STAFF);
    const { from, to } = args;
    if (from !== undefined) finite("from", from);
    if (to !== undefined) finite("to", to);
    if (from !== undefined && to !== undefined && to < from) {
      throw invalid("to", "to must not be before from");
    }
    const rows = await ctx.db
      .query("donations")
      .withIndex("by_received", (q) => {
        if (from !== undefined && to !== undefined) {
          return q.gte("receivedAt", from).lt("receivedAt", to);
        }
        if (from !== undefined) return q.gte("receivedAt", from);
        if (to !== undefined) return q.lt("receivedAt", to);
        return q;
      })
      .order("asc")
      .collect();
    const byMethod = { bank: 0, card: 0, cash: 0 };
    let total = 0;
    for (const d of rows) {
      total += d.amount;
      byMethod[d.method] += d.amount;
    }
    return { byMethod, count: BigInt(rows.length), total };
  },
});
