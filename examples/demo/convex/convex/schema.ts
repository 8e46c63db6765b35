import { defineSchema, defineTable } from "convex/server";
import {
  beneficiaryFields,
  donationFields,
  meetingFields,
  notificationFields,
  taskFields,
  userFields,
} from "./lib/validators";

// Tables of the demo app. Field validators live in lib/validators.ts so the
// functions' `returns` validators describe exactly the stored documents.
export default defineSchema({
  users: defineTable(userFields).index("by_email", ["email"]),
  tasks: defineTable(taskFields).index("by_user", ["userId"]),
  notifications: defineTable(notificationFields).index("by_user", ["userId"]),
  beneficiaries: defineTable(beneficiaryFields).index("by_status", ["status"]),
  donations: defineTable(donationFields).index("by_received", ["receivedAt"]),
  meetings: defineTable(meetingFields).index("by_start", ["startsAt"]),
});
