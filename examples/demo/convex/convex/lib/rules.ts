import { ConvexError } from "convex/values";

// Input rules beyond the validators. Each rule is mirrored by the Go dev
// backend (examples/demo/devbackend): keep CONTRACT.md ("Text rules", "Number
// rules") in step with this file.

/** Maximum lengths in UTF-16 code units (JS String.length), after trim(). */
export const LIMITS = {
  name: 200,
  title: 200,
  fullName: 200,
  donorName: 200,
  phone: 50,
  address: 200,
  city: 100,
  location: 200,
  notes: 2000,
} as const;

/** INVALID error for a field; data keys in alphabetical order. */
export function invalid(
  field: string,
  message: string,
): ConvexError<{
  code: string;
  field: string;
  message: string;
}> {
  return new ConvexError({ code: "INVALID", field, message });
}

/**
 * Rule requiredText: trimmed (String.prototype.trim) value must be non-empty
 * ("<field> must not be empty") and at most max UTF-16 code units
 * ("<field> must be at most <max> characters"). Returns the trimmed value.
 */
export function requiredText(
  field: string,
  value: string,
  max: number,
): string {
  const t = value.trim();
  if (t.length === 0) {
    throw invalid(field, `${field} must not be empty`);
  }
  if (t.length > max) {
    throw invalid(field, `${field} must be at most ${max} characters`);
  }
  return t;
}

/**
 * Rule optionalText: undefined stays undefined; otherwise the trimmed value
 * must be at most max UTF-16 code units. Empty strings are allowed.
 */
export function optionalText(
  field: string,
  value: string | undefined,
  max: number,
): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const t = value.trim();
  if (t.length > max) {
    throw invalid(field, `${field} must be at most ${max} characters`);
  }
  return t;
}

/** Rule finite: NaN and ±Infinity → "<field> must be a finite number". */
export function finite(field: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw invalid(field, `${field} must be a finite number`);
  }
  return value;
}

/** The largest amount: sums of amounts (donations:stats) stay finite. */
export const MAX_AMOUNT = 1e12;

/** Rule amount: must be finite, > 0 and at most MAX_AMOUNT. */
export function positiveAmount(value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw invalid("amount", "amount must be a positive number");
  }
  if (value > MAX_AMOUNT) {
    throw invalid("amount", "amount must be at most 1000000000000");
  }
  return value;
}

/** Rule currency: three uppercase ASCII letters. */
export function currencyCode(value: string): string {
  if (!/^[A-Z]{3}$/.test(value)) {
    throw invalid("currency", "currency must be a 3-letter uppercase code");
  }
  return value;
}

/** Rule numItems: integer in [1, 100] (checked after the access checks). */
export function checkPageSize(opts: { numItems: number }): void {
  const n = opts.numItems;
  if (!(Number.isInteger(n) && n >= 1 && n <= 100)) {
    throw invalid(
      "paginationOpts.numItems",
      "numItems must be an integer between 1 and 100",
    );
  }
}

/** Copies the three documented fields out of a paginate() result. */
export function pageOf<T>(r: {
  page: T[];
  isDone: boolean;
  continueCursor: string;
}): { continueCursor: string; isDone: boolean; page: T[] } {
  return { continueCursor: r.continueCursor, isDone: r.isDone, page: r.page };
}
