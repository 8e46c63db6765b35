// Canonical printing of Convex values exactly as the Rust backend prints
// them (serde_json + ryu): compact, object keys sorted bytewise, integral
// floats with ".0", ryu's exponent rules, serde_json string escaping.

/** Response value formats of the HTTP API (convex-wire.md §1 "format"). */
export type ValueFormat = "convex_encoded_json" | "json" | "export_json";

/** Maps a request's `format` string to a ValueFormat, or null if unknown. */
export function parseFormat(s: string): ValueFormat | null {
  switch (s) {
    case "convex_encoded_json":
    case "convex_json":
      return "convex_encoded_json";
    case "json":
    case "convex_clean_json":
      return "json";
    case "export_json":
      return "export_json";
    default:
      return null;
  }
}

/**
 * Formats a finite float64 like ryu's `pretty::format64` (used by
 * serde_json): shortest round-trip digits; integral values up to 16 digits
 * get ".0"; decimal exponents outside ryu's plain range use "e" without "+".
 */
export function formatFloat(x: number): string {
  if (!Number.isFinite(x)) {
    throw new Error(`formatFloat: non-finite ${x}`);
  }
  if (x === 0) {
    return Object.is(x, -0) ? "-0.0" : "0.0";
  }
  const sign = x < 0 ? "-" : "";
  // toExponential() without digits gives the shortest round-trip digits,
  // the same digits ryu picks (both choose the closest shortest candidate).
  const [mant, exp] = Math.abs(x).toExponential().split("e");
  const digits = mant.replace(".", "");
  const length = digits.length;
  const kk = Number(exp) + 1; // 10^(kk-1) <= |x| < 10^kk
  const k = kk - length; // |x| = digits * 10^k
  let out: string;
  if (k >= 0 && kk <= 16) {
    out = digits + "0".repeat(kk - length) + ".0";
  } else if (kk > 0 && kk <= 16) {
    out = digits.slice(0, kk) + "." + digits.slice(kk);
  } else if (kk > -5 && kk <= 0) {
    out = "0." + "0".repeat(-kk) + digits;
  } else if (length === 1) {
    out = digits + "e" + String(kk - 1);
  } else {
    out = digits[0] + "." + digits.slice(1) + "e" + String(kk - 1);
  }
  return sign + out;
}

/** Escapes a string like serde_json: only `"`, `\` and C0 controls. */
export function quoteString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = "\\\\";
    else if (c < 0x20) {
      switch (c) {
        case 0x08:
          esc = "\\b";
          break;
        case 0x09:
          esc = "\\t";
          break;
        case 0x0a:
          esc = "\\n";
          break;
        case 0x0c:
          esc = "\\f";
          break;
        case 0x0d:
          esc = "\\r";
          break;
        default:
          esc = "\\u00" + c.toString(16).padStart(2, "0");
      }
    }
    if (esc !== null) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

function int64Base64(n: bigint): string {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt.asIntN(64, n));
  return b.toString("base64");
}

function float64Base64(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return b.toString("base64");
}

function isSpecialFloat(x: number): boolean {
  return !Number.isFinite(x) || Object.is(x, -0);
}

/** Bytewise comparison of object keys (keys are ASCII, so UTF-16 order equals it). */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Prints a Convex value (null, boolean, number, bigint, string,
 * ArrayBuffer, array, plain object; `undefined` fields dropped) as the
 * backend would in the given format.
 */
export function printValue(
  v: unknown,
  format: ValueFormat = "convex_encoded_json",
): string {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "string":
      return quoteString(v);
    case "bigint":
      if (format === "json")
        return quoteString(BigInt.asIntN(64, v).toString());
      if (format === "export_json") return BigInt.asIntN(64, v).toString();
      return `{"$integer":"${int64Base64(v)}"}`;
    case "number":
      if (!isSpecialFloat(v) || (format === "json" && Object.is(v, -0))) {
        return formatFloat(v);
      }
      if (format === "json") {
        return quoteString(
          Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity",
        );
      }
      if (format === "export_json" && Object.is(v, -0)) return "-0.0";
      return `{"$float":"${float64Base64(v)}"}`;
    case "object":
      break;
    default:
      throw new Error(`printValue: unsupported ${typeof v}`);
  }
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
    const buf =
      v instanceof ArrayBuffer
        ? Buffer.from(v)
        : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    const b64 = buf.toString("base64");
    return format === "json" ? quoteString(b64) : `{"$bytes":"${b64}"}`;
  }
  if (Array.isArray(v)) {
    return "[" + v.map((e) => printValue(e, format)).join(",") + "]";
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort(compareKeys);
  return (
    "{" +
    keys
      .map((k) => quoteString(k) + ":" + printValue(obj[k], format))
      .join(",") +
    "}"
  );
}
