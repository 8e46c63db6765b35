import { randomBytes } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { callerFromHeader, HttpError, type AuthOptions } from "./auth";
import {
  parseFormat,
  printValue,
  quoteString,
  type ValueFormat,
} from "./canonical";
import {
  parsePath,
  type Caller,
  type Endpoint,
  type Kind,
  type Outcome,
  type Runtime,
} from "./runtime";

// The Convex HTTP API over a Runtime: /api/query, /api/mutation,
// /api/action, /api/function, /api/run/<module path>/<export>, plus the
// runner's own POST /__reset (admin only). Bytes as convex-wire.md and the
// team contract's "Wire format of function results" say.

/** Largest accepted body (backend: 16 MiB + 2000 bytes). */
const MAX_BODY = 16 * 1024 * 1024 + 2000;

const TYPED: Record<string, Kind> = {
  "/api/query": "query",
  "/api/mutation": "mutation",
  "/api/action": "action",
};

function sendJSON(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

function sendHttpError(res: ServerResponse, e: HttpError): void {
  sendJSON(
    res,
    e.status,
    `{"code":${quoteString(e.code)},"message":${quoteString(e.message)}}`,
  );
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(400, "BadJsonBody", "Request body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function isJSONContentType(ct: string | undefined): boolean {
  if (ct === undefined) return false;
  const media = ct.split(";")[0].trim().toLowerCase();
  return (
    media === "application/json" || /^application\/[^/\s]+\+json$/.test(media)
  );
}

async function readJSONBody(
  req: IncomingMessage,
): Promise<Record<string, unknown>> {
  if (!isJSONContentType(req.headers["content-type"])) {
    throw new HttpError(
      400,
      "BadJsonBody",
      "Expected request with `Content-Type: application/json`",
    );
  }
  const raw = (await readBody(req)).toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (e) {
    throw new HttpError(
      400,
      "BadJsonBody",
      `Failed to parse the request body as JSON: ${(e as Error).message}`,
    );
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(
      400,
      "BadJsonBody",
      "Failed to deserialize the JSON body into the target type: expected an object",
    );
  }
  return body as Record<string, unknown>;
}

function requireField(body: Record<string, unknown>, name: string): unknown {
  if (!(name in body)) {
    throw new HttpError(
      400,
      "BadJsonBody",
      `Failed to deserialize the JSON body into the target type: missing field \`${name}\``,
    );
  }
  return body[name];
}

/** The default response format when the request has none (convex-wire.md §1). */
function defaultFormat(req: IncomingMessage, endpoint: Endpoint): ValueFormat {
  if (endpoint === "run") return "json";
  const m = /^npm-(\d+)\.(\d+)\.(\d+)/i.exec(
    String(req.headers["convex-client"] ?? ""),
  );
  if (m) {
    const [maj, min, pat] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (maj < 1 || (maj === 1 && (min < 4 || (min === 4 && pat < 1))))
      return "convex_encoded_json";
  }
  return "json";
}

/** URL-decodes one /api/run path segment (400 on a bad escape). */
function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(
      400,
      "BadConvexFunctionIdentifier",
      `Invalid function path segment: '${s}'`,
    );
  }
}

/** Renders a function outcome as the 200 body. */
export function renderOutcome(
  o: Outcome,
  requestId: string,
  format: ValueFormat,
): string {
  if (o.ok)
    return `{"status":"success","value":${printValue(o.value, format)}}`;
  const msg = `[Request ID: ${requestId}] Server Error\n${o.message}\n`;
  const data = o.hasData ? `,"errorData":${printValue(o.data, format)}` : "";
  return `{"status":"error","errorMessage":${quoteString(msg)}${data}}`;
}

/** Server options. */
export type ServerOptions = AuthOptions & {
  runtime: Runtime;
  log?: (line: string) => void;
};

/** Creates (not listening) the runner's HTTP server. */
export function createRunnerServer(opts: ServerOptions): Server {
  const { runtime } = opts;

  async function handleFunction(
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: Endpoint,
    kind: Kind | null,
    runPath: string | null,
  ): Promise<void> {
    const body = await readJSONBody(req);
    let pathStr: string;
    if (runPath !== null) {
      pathStr = runPath;
    } else {
      const p = requireField(body, "path");
      if (typeof p !== "string") {
        throw new HttpError(
          400,
          "BadJsonBody",
          "Failed to deserialize the JSON body into the target type: path: invalid type, expected a string",
        );
      }
      pathStr = p;
    }
    const rawArgs = requireField(body, "args");
    const path = parsePath(pathStr);
    if (path === null) {
      throw new HttpError(
        400,
        "BadConvexFunctionIdentifier",
        `Invalid function path: '${pathStr}'`,
      );
    }
    const caller: Caller = callerFromHeader(req.headers.authorization, opts);
    if (
      endpoint === "function" &&
      caller.kind !== "admin" &&
      caller.kind !== "acting"
    ) {
      throw new HttpError(
        403,
        "BadDeployKey",
        "The provided deploy key was invalid for this deployment. Double check that the environment this key was generated for matches the desired deployment.",
      );
    }
    const requestId =
      String(req.headers["convex-request-id"] ?? "") ||
      randomBytes(8).toString("hex");
    const outcome = await runtime.run(() =>
      runtime.call(endpoint, kind, path, rawArgs, caller),
    );
    // Like the backend, `format` is checked only after the function ran.
    let format = defaultFormat(req, endpoint);
    if (body.format !== undefined && body.format !== null) {
      const f =
        typeof body.format === "string" ? parseFormat(body.format) : null;
      if (f === null) {
        throw new HttpError(
          400,
          "BadFormat",
          `format param must be one of [\`json\`]. Got ${String(body.format)}`,
        );
      }
      format = f;
    }
    opts.log?.(
      `${endpoint} ${kind ?? "any"} ${pathStr} -> ${outcome.ok ? "success" : "error"}`,
    );
    sendJSON(res, 200, renderOutcome(outcome, requestId, format));
  }

  async function handleReset(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const caller = callerFromHeader(req.headers.authorization, opts);
    if (caller.kind !== "admin") {
      throw new HttpError(
        403,
        "BadDeployKey",
        "POST /__reset needs Authorization: Convex <admin key>",
      );
    }
    await readBody(req);
    const refs = await runtime.run(() => runtime.reset());
    sendJSON(
      res,
      200,
      printValue({ now: runtime.now, refs }, "convex_encoded_json"),
    );
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? "/", "http://runner.invalid");
    const p = url.pathname;
    const known =
      p in TYPED ||
      p === "/api/function" ||
      p.startsWith("/api/run/") ||
      p === "/api/run" ||
      p === "/__reset";
    if (!known) throw new HttpError(404, "NotFound", `No route for ${p}`);
    if (req.method !== "POST")
      throw new HttpError(405, "MethodNotAllowed", `Use POST for ${p}`);
    if (p === "/__reset") return handleReset(req, res);
    if (p in TYPED) return handleFunction(req, res, "typed", TYPED[p], null);
    if (p === "/api/function")
      return handleFunction(req, res, "function", null, null);
    const segs = p
      .slice("/api/run".length)
      .split("/")
      .filter((s) => s !== "")
      .map(decodeSegment);
    if (segs.length < 2) {
      throw new HttpError(
        400,
        "MissingIdentifier",
        "The URL path must name a module and a function: /api/run/<module path>/<function>",
      );
    }
    return handleFunction(
      req,
      res,
      "run",
      null,
      `${segs.slice(0, -1).join("/")}:${segs[segs.length - 1]}`,
    );
  }

  return createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (e instanceof HttpError) {
        sendHttpError(res, e);
        return;
      }
      opts.log?.(`internal error: ${(e as Error)?.stack ?? String(e)}`);
      sendJSON(
        res,
        500,
        `{"code":"InternalServerError","message":"Your request couldn't be completed. Try again later."}`,
      );
    });
  });
}
