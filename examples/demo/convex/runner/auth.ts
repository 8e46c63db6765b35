import type { Caller, Identity } from "./runtime";

// Authorization header → caller, as the backend reads it (convex-wire.md §1,
// §5, §6). The runner exists to record from: JWT signatures are NOT verified;
// the payload must carry iss and sub (and exp, if present, must not be more
// than 5 s in the past by the real clock).

/** An HTTP-level error: status and {"code","message"}. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Claims that do not become custom identity claims. */
const RESERVED = new Set([
  "iss",
  "sub",
  "aud",
  "exp",
  "iat",
  "nbf",
  "jti",
  "fva",
]);

/** Options of the auth check. */
export type AuthOptions = {
  adminKey: string;
  /** When set, a JWT's iss must equal it (trailing "/" ignored) and aud must contain "convex". */
  issuer?: string;
  /** Real wall-clock seconds, for exp. */
  nowSeconds?: () => number;
};

function b64urlJSON(s: string): unknown {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(s)) throw new Error("bad base64url");
  return JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
}

function identityFromClaims(claims: Record<string, unknown>): Identity {
  const iss = String(claims.iss);
  const sub = String(claims.sub);
  const id: Identity = {
    subject: sub,
    issuer: iss,
    tokenIdentifier: `${iss}|${sub}`,
  };
  for (const [k, v] of Object.entries(claims)) {
    if (!RESERVED.has(k)) id[k] = v;
  }
  return id;
}

function fromJWT(token: string, opts: AuthOptions): Caller {
  const parts = token.split(".");
  let claims: Record<string, unknown>;
  try {
    if (parts.length !== 3) throw new Error("parts");
    const c = b64urlJSON(parts[1]);
    if (c === null || typeof c !== "object" || Array.isArray(c))
      throw new Error("payload");
    claims = c as Record<string, unknown>;
  } catch {
    throw new HttpError(
      401,
      "InvalidAuthHeader",
      "Could not parse JWT payload. Check that the token is a valid JWT format with three base64url-encoded parts separated by periods.",
    );
  }
  if (typeof claims.iss !== "string" || claims.iss === "") {
    throw new HttpError(
      401,
      "InvalidAuthHeader",
      "Missing issuer claim ('iss') in JWT payload.",
    );
  }
  if (opts.issuer !== undefined) {
    const strip = (s: string) => s.replace(/\/+$/, "");
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (strip(claims.iss) !== strip(opts.issuer) || !aud.includes("convex")) {
      throw new HttpError(
        401,
        "NoAuthProvider",
        "No auth provider found matching the given token",
      );
    }
  }
  if (typeof claims.sub !== "string" || claims.sub === "") {
    throw new HttpError(
      401,
      "InvalidAuthHeader",
      "Could not validate token: Missing subject",
    );
  }
  if (claims.exp !== undefined) {
    const now = (
      opts.nowSeconds ??
      (() =>
        Math.floor(performance.timeOrigin / 1000 + performance.now() / 1000))
    )();
    if (typeof claims.exp !== "number" || now - claims.exp > 5) {
      throw new HttpError(
        401,
        "InvalidAuthHeader",
        "Could not validate token: Token expired",
      );
    }
  }
  return { kind: "user", identity: identityFromClaims(claims) };
}

function actingIdentity(b64: string): Identity {
  let attrs: Record<string, unknown>;
  try {
    const j = JSON.parse(Buffer.from(b64, "base64").toString("utf8"));
    if (j === null || typeof j !== "object" || Array.isArray(j))
      throw new Error("not an object");
    attrs = j;
  } catch {
    throw new HttpError(
      401,
      "BadAdminKey",
      "The provided admin key was invalid for this instance",
    );
  }
  const { subject, issuer } = attrs;
  let tokenIdentifier = attrs.tokenIdentifier;
  if (typeof tokenIdentifier !== "string") {
    if (typeof subject !== "string" || typeof issuer !== "string") {
      throw new HttpError(
        401,
        "BadAdminKey",
        "The provided admin key was invalid for this instance",
      );
    }
    tokenIdentifier = `${issuer}|${subject}`;
  }
  return {
    ...attrs,
    subject: String(subject ?? ""),
    issuer: String(issuer ?? ""),
    tokenIdentifier: tokenIdentifier as string,
  };
}

/** Parses the Authorization header (undefined → anonymous). */
export function callerFromHeader(
  header: string | undefined,
  opts: AuthOptions,
): Caller {
  if (header === undefined) return { kind: "none" };
  if (header.length < 7) {
    throw new HttpError(
      400,
      "InvalidHeaderFailure",
      "Invalid Authorization header",
    );
  }
  const prefix = header.slice(0, 7).toLowerCase();
  const rest = header.slice(7);
  if (prefix === "bearer " && rest !== "") return fromJWT(rest, opts);
  if (prefix === "convex ") {
    if (rest === opts.adminKey) return { kind: "admin" };
    if (rest.startsWith(opts.adminKey + ":")) {
      return {
        kind: "acting",
        identity: actingIdentity(rest.slice(opts.adminKey.length + 1)),
      };
    }
    throw new HttpError(
      401,
      "BadAdminKey",
      "The provided admin key was invalid for this instance",
    );
  }
  throw new HttpError(400, "InvalidAdminKey", "Invalid admin key");
}
