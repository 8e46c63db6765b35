import { v, type Validator } from "convex/values";

// Field validators shared by schema.ts (stored documents) and the functions'
// `args`/`returns` validators. See CONTRACT.md for the rules on top of these.

export const role = v.union(
  v.literal("admin"),
  v.literal("manager"),
  v.literal("member"),
);
export const taskStatus = v.union(
  v.literal("pending"),
  v.literal("in progress"),
  v.literal("completed"),
  v.literal("cancelled"),
);
export const taskPriority = v.union(
  v.literal("low"),
  v.literal("medium"),
  v.literal("high"),
);
export const beneficiaryStatus = v.union(
  v.literal("active"),
  v.literal("inactive"),
);
export const donationMethod = v.union(
  v.literal("cash"),
  v.literal("bank"),
  v.literal("card"),
);
export const meetingStatus = v.union(
  v.literal("scheduled"),
  v.literal("completed"),
  v.literal("cancelled"),
);

/**
 * Public user fields: everything but passwordHash. emailVerified is absent
 * on accounts that predate email verification (they count as verified);
 * auth:createUser always sets it.
 */
export const publicUserFields = {
  email: v.string(),
  name: v.string(),
  role,
  isActive: v.boolean(),
  emailVerified: v.optional(v.boolean()),
  lastLoginAt: v.optional(v.number()),
};
/** passwordHash is absent on an invited user who has not set a password yet. */
export const userFields = {
  ...publicUserFields,
  passwordHash: v.optional(v.string()),
};

export const taskFields = {
  title: v.string(),
  status: taskStatus,
  priority: taskPriority,
  userId: v.id("users"),
  createdAt: v.number(),
  updatedAt: v.number(),
};

export const notificationFields = {
  userId: v.id("users"),
  title: v.string(),
  body: v.string(),
  read: v.boolean(),
  createdAt: v.number(),
};

export const beneficiaryFields = {
  fullName: v.string(),
  phone: v.optional(v.string()),
  address: v.optional(v.string()),
  city: v.optional(v.string()),
  status: beneficiaryStatus,
  notes: v.optional(v.string()),
  createdAt: v.number(),
  updatedAt: v.number(),
};

export const donationFields = {
  donorName: v.string(),
  amount: v.number(),
  currency: v.string(),
  method: donationMethod,
  beneficiaryId: v.optional(v.id("beneficiaries")),
  receivedAt: v.number(),
  notes: v.optional(v.string()),
};

export const meetingFields = {
  title: v.string(),
  startsAt: v.number(),
  endsAt: v.number(),
  location: v.optional(v.string()),
  attendeeIds: v.array(v.id("users")),
  status: meetingStatus,
  notes: v.optional(v.string()),
};

/** Document validators: stored fields plus the system fields. */
export const userDoc = v.object({
  _id: v.id("users"),
  _creationTime: v.number(),
  ...userFields,
});
export const publicUserDoc = v.object({
  _id: v.id("users"),
  _creationTime: v.number(),
  ...publicUserFields,
});
export const taskDoc = v.object({
  _id: v.id("tasks"),
  _creationTime: v.number(),
  ...taskFields,
});
export const notificationDoc = v.object({
  _id: v.id("notifications"),
  _creationTime: v.number(),
  ...notificationFields,
});
export const beneficiaryDoc = v.object({
  _id: v.id("beneficiaries"),
  _creationTime: v.number(),
  ...beneficiaryFields,
});
export const donationDoc = v.object({
  _id: v.id("donations"),
  _creationTime: v.number(),
  ...donationFields,
});
export const meetingDoc = v.object({
  _id: v.id("meetings"),
  _creationTime: v.number(),
  ...meetingFields,
});

/** Validator of the paginated results: exactly these three fields. */
export function pageOfDocs<T extends Validator<any, "required", any>>(doc: T) {
  return v.object({
    continueCursor: v.string(),
    isDone: v.boolean(),
    page: v.array(doc),
  });
}
