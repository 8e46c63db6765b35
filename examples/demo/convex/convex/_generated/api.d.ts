/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import type * as auth from "../auth.js";
import type * as beneficiaries from "../beneficiaries.js";
import type * as donations from "../donations.js";
import type * as lib_access from "../lib/access.js";
import type * as lib_rules from "../lib/rules.js";
import type * as lib_validators from "../lib/validators.js";
import type * as meetings from "../meetings.js";
import type * as notifications from "../notifications.js";
import type * as tasks from "../tasks.js";
import type * as users from "../users.js";

/**
 * A utility for referencing Convex functions in your app's API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
declare const fullApi: ApiFromModules<{
  auth: typeof auth;
  beneficiaries: typeof beneficiaries;
  donations: typeof donations;
  "lib/access": typeof lib_access;
  "lib/rules": typeof lib_rules;
  "lib/validators": typeof lib_validators;
  meetings: typeof meetings;
  notifications: typeof notifications;
  tasks: typeof tasks;
  users: typeof users;
}>;
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;
