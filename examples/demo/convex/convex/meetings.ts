import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel";
import { mutation, query, type MutationCtx } from "./_generated/server";
import { found, requireRole, requireUser, STAFF } from "./lib/access";
import {
  checkPageSize,
  finite,
  invalid,
  LIMITS,
  optionalText,
  pageOf,
  requiredText,
} from "./lib/rules";
import { meetingDoc, meetingStatus, pageOfDocs } from "./lib/validators";

/** Maximum number of attendees of one meeting. */
const MAX_ATTENDEES = 100;

/** Any active user: earliest startsAt first (index by_start, asc). */
export const list = query({
  args: { paginationOpts: paginationOptsValidator },
  returns: pageOfDocs(meetingDoc),
  handler: async (ctx, args) => {
    await requireUser(ctx);
    checkPageSize(args.paginationOpts);
    return pageOf(
      await ctx.db
        .query("meetings")
        .withIndex("by_start")
        .order("asc")
        .paginate(args.paginationOpts),
    );
  },
});

/** Any active user: one meeting or NOT_FOUND. */
export const get = query({
  args: { id: v.id("meetings") },
  returns: meetingDoc,
  handler: async (ctx, args) => {
    await requireUser(ctx);
    return found(await ctx.db.get("meetings", args.id));
  },
});

/** Rule: at most 100 attendees. */
function checkAttendeeCount(ids: Id<"users">[]): void {
  if (ids.length > MAX_ATTENDEES) {
    throw invalid(
      "attendeeIds",
      `attendeeIds must have at most ${MAX_ATTENDEES} entries`,
    );
  }
}

/** Rule: every attendee is an existing user (checked in array order). */
async function checkAttendeesExist(
  ctx: MutationCtx,
  ids: Id<"users">[],
): Promise<void> {
  for (const id of ids) {
    if ((await ctx.db.get("users", id)) === null) {
      throw invalid("attendeeIds", "attendee not found");
    }
  }
}

/** Rule: endsAt must be strictly after startsAt. */
function checkInterval(startsAt: number, endsAt: number): void {
  if (endsAt <= startsAt) {
    throw invalid("endsAt", "endsAt must be after startsAt");
  }
}

/**
 * Staff only. Rules in order: title requiredText 200; startsAt finite;
 * endsAt finite; endsAt > startsAt; location optionalText 200; notes
 * optionalText 2000; attendee count <= 100; attendees exist.
 */
export const create = mutation({
  args: {
    title: v.string(),
    startsAt: v.number(),
    endsAt: v.number(),
    location: v.optional(v.string()),
    attendeeIds: v.array(v.id("users")),
    status: v.optional(meetingStatus),
    notes: v.optional(v.string()),
  },
  returns: v.id("meetings"),
  handler: async (ctx, args) => {
    await requireRole(ctx, STAFF);
    const title = requiredText("title", args.title, LIMITS.title);
    finite("startsAt", args.startsAt);
    finite("endsAt", args.endsAt);
    checkInterval(args.startsAt, args.endsAt);
    const location = optionalText("location", args.location, LIMITS.location);
    const notes = optionalText("notes", args.notes, LIMITS.notes);
    checkAttendeeCount(args.attendeeIds);
    await checkAttendeesExist(ctx, args.attendeeIds);
    return await ctx.db.insert("meetings", {
      attendeeIds: args.attendeeIds,
      endsAt: args.endsAt,
      location,
      notes,
      startsAt: args.startsAt,
      status: args.status ?? "scheduled",
      title,
    });
  },
});

/**
 * Staff only. Rules for the given fields in the order title, startsAt,
 * endsAt, location, notes, attendee count; then NOT_FOUND; then the merged
 * interval (given value, else stored); then attendees exist.
 */
export const update = mutation({
  args: {
    id: v.id("meetings"),
    title: v.optional(v.string()),
    startsAt: v.optional(v.number()),
    endsAt: v.optional(v.number()),
    location: v.optional(v.string()),
    attendeeIds: v.optional(v.array(v.id("users"))),
    status: v.optional(meetingStatus),
    notes: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    await requireRole(ctx, STAFF);
    const patch: Partial<Doc<"meetings">> = {};
    if (args.title !== undefined) {
      patch.title = requiredText("title", args.title, LIMITS.title);
    }
    if (args.startsAt !== undefined)
      patch.startsAt = finite("startsAt", args.startsAt);
    if (args.endsAt !== undefined) patch.endsAt = finite("endsAt", args.endsAt);
    const location = optionalText("location", args.location, LIMITS.location);
    if (location !== undefined) patch.location = location;
    const notes = optionalText("notes", args.notes, LIMITS.notes);
    if (notes !== undefined) patch.notes = notes;
    if (args.attendeeIds !== undefined) checkAttendeeCount(args.attendeeIds);
    const meeting = found(await ctx.db.get("meetings", args.id));
    checkInterval(
      args.startsAt ?? meeting.startsAt,
      args.endsAt ?? meeting.endsAt,
    );
    if (args.attendeeIds !== undefined) {
      await checkAttendeesExist(ctx, args.attendeeIds);
      patch.attendeeIds = args.attendeeIds;
    }
    if (args.status !== undefined) patch.status = args.status;
    await ctx.db.patch("meetings", args.id, patch);
    return null;
  },
});

/** Staff only: deletes a meeting. */
export const remove = mutation({
  args: { id: v.id("meetings") },
  returns: v.null(),
  handler: async (ctx, args) => {
    await requireRole(ctx, STAFF);
    found(await ctx.db.get("meetings", args.id));
    await ctx.db.delete("meetings", args.id);
    return null;
  },
});
