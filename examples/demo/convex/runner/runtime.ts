import { readFileSync } from "node:fs";
import { convexTest } from "convex-test";
import { makeFunctionReference } from "convex/server";
import { jsonToConvex } from "convex/values";
import { loadModules, moduleLoader, type ModuleMap } from "./modules";

// The in-memory deployment: convex-test running the functions of
// convex/convex, a deterministic clock, the demo seed, and the backend's
// function-level checks (visibility, kind, args shape). See README.md.

/** Function kinds. */
export type Kind = "query" | "mutation" | "action";

/** Spec names of the kinds as the backend prints them. */
const SPEC: Record<Kind, string> = {
  query: "Query",
  mutation: "Mutation",
  action: "Action",
};

/** A user identity as convex-test's withIdentity takes it. */
export type Identity = {
  subject: string;
  issuer: string;
  tokenIdentifier: string;
} & Record<string, unknown>;

/** Who is calling. */
export type Caller =
  | { kind: "none" }
  | { kind: "user"; identity: Identity }
  | { kind: "admin" }
  | { kind: "acting"; identity: Identity };

/** Result of a call: a value, or the inner error text (and ConvexError data). */
export type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; message: string; hasData: boolean; data?: unknown };

/** Which endpoint a call came through (changes the not-found text and internal visibility). */
export type Endpoint = "typed" | "run" | "function";

/** A parsed function path. */
export type FunctionPath = { module: string; name: string };

/** Clock start of a reset (2026-01-01T00:00:00Z) and the step per call. */
export const CLOCK_START_MS = 1767225600000;
export const CLOCK_STEP_MS = 1000;

const TABLE_ORDER = [
  "users",
  "tasks",
  "notifications",
  "beneficiaries",
  "donations",
  "meetings",
];

const MODULE_PART = /^[A-Za-z0-9_.]{1,64}$/;
const EXPORT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Parses "module/path(.js)?:export" (no ":" → "default"); null when
 * malformed (convex-wire.md §4).
 */
export function parsePath(path: string): FunctionPath | null {
  const i = path.lastIndexOf(":");
  let module = i < 0 ? path : path.slice(0, i);
  const name = i < 0 ? "default" : path.slice(i + 1);
  if (module.endsWith(".js")) module = module.slice(0, -3);
  if (module === "" || module.startsWith("/")) return null;
  for (const part of module.split("/")) {
    if (!MODULE_PART.test(part) || !/[A-Za-z0-9]/.test(part)) return null;
  }
  if (/\.[^/]*$/.test(module.split("/").pop() ?? "")) return null; // other extension
  if (!EXPORT_NAME.test(name) || /^_+$/.test(name)) return null;
  return { module, name };
}

/** "tasks:list" (the stripped form used in error messages). */
export function displayPath(p: FunctionPath): string {
  return `${p.module}:${p.name}`;
}

/** Replaces {"$ref": name} objects by the ids of the named documents. */
function resolveRefs(v: unknown, refs: Map<string, string>): unknown {
  if (Array.isArray(v)) return v.map((e) => resolveRefs(e, refs));
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === "$ref") {
      const id = refs.get(String(o.$ref));
      if (id === undefined)
        throw new Error(`seed: unknown $ref ${JSON.stringify(o.$ref)}`);
      return id;
    }
    return Object.fromEntries(keys.map((k) => [k, resolveRefs(o[k], refs)]));
  }
  return v;
}

/** Runtime options. */
export type RuntimeOptions = { functionsDir: string; seedPath: string | null };

/** The deployment state; every operation is serialised through run(). */
export class Runtime {
  private readonly modules: ModuleMap;
  private readonly load: (
    name: string,
  ) => Promise<Record<string, unknown> | null>;
  private schema: any = null;
  private t: any = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Current fake time in ms; Date.now() returns it while installed. */
  now = CLOCK_START_MS;
  /** $ref name → id of the seeded documents. */
  refs: Record<string, string> = {};

  constructor(private readonly opts: RuntimeOptions) {
    this.modules = loadModules(opts.functionsDir);
    this.load = moduleLoader(opts.functionsDir, this.modules);
    // Deterministic clock for everything in this process (see README.md).
    Date.now = () => this.now;
  }

  /** Runs fn after every earlier operation has finished. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Fresh convex-test instance, clock at CLOCK_START_MS, seed loaded. */
  async reset(): Promise<Record<string, string>> {
    if (this.schema === null) {
      const mod = await this.load("schema");
      if (mod === null)
        throw new Error("no schema.ts in the functions directory");
      this.schema = mod.default;
    }
    this.now = CLOCK_START_MS;
    this.t = convexTest(this.schema, this.modules);
    const refs = new Map<string, string>();
    if (this.opts.seedPath !== null) {
      const seed = JSON.parse(readFileSync(this.opts.seedPath, "utf8")) as {
        tables: Record<string, Record<string, unknown>[]>;
      };
      for (const table of Object.keys(seed.tables)) {
        if (!TABLE_ORDER.includes(table))
          throw new Error(`seed: unknown table ${table}`);
      }
      await this.t.run(async (ctx: any) => {
        for (const table of TABLE_ORDER) {
          for (const raw of seed.tables[table] ?? []) {
            const { $ref, ...fields } = raw;
            const doc = jsonToConvex(resolveRefs(fields, refs) as any);
            const id: string = await ctx.db.insert(table, doc);
            if ($ref !== undefined) refs.set(String($ref), id);
          }
        }
      });
    }
    this.refs = Object.fromEntries(refs);
    return this.refs;
  }

  /**
   * Calls a function the way the backend does: visibility, then kind, then
   * args; runs it at now += CLOCK_STEP_MS; drains scheduled functions.
   * kind null means "any kind" (/api/run, /api/function).
   */
  async call(
    endpoint: Endpoint,
    kind: Kind | null,
    path: FunctionPath,
    rawArgs: unknown,
    caller: Caller,
  ): Promise<Outcome> {
    const shown = displayPath(path);
    const missing: Outcome = {
      ok: false,
      hasData: false,
      message:
        endpoint === "typed"
          ? `Could not find public function for '${shown}'.`
          : `Could not find function for '${shown}'. Did you forget to run \`npx convex dev\`?`,
    };
    const mod =
      path.module === "_generated" || path.module.startsWith("_generated/")
        ? null
        : await this.load(path.module);
    const fn = mod?.[path.name] as Record<string, any> | undefined;
    const fnKind: Kind | null = fn?.isQuery
      ? "query"
      : fn?.isMutation
        ? "mutation"
        : fn?.isAction
          ? "action"
          : null;
    if (fn === undefined || fnKind === null) return missing;
    const privileged =
      caller.kind === "admin" ||
      (caller.kind === "acting" && endpoint !== "function");
    if (fn.isInternal && !privileged) return missing;
    if (kind !== null && kind !== fnKind) {
      return {
        ok: false,
        hasData: false,
        message: `Trying to execute ${path.module}.js:${path.name} as ${SPEC[kind]}, but it is defined as ${SPEC[fnKind]}.`,
      };
    }
    let args: unknown;
    try {
      args = decodeArgs(rawArgs);
    } catch (e) {
      return {
        ok: false,
        hasData: false,
        message: `Invalid arguments for ${shown}: ${(e as Error).message}`,
      };
    }
    this.now += CLOCK_STEP_MS;
    const t =
      caller.kind === "user" || caller.kind === "acting"
        ? this.t.withIdentity(caller.identity)
        : this.t;
    const ref = makeFunctionReference<any>(`${path.module}:${path.name}`);
    try {
      const value = await t[fnKind](ref, args);
      return { ok: true, value };
    } catch (e) {
      return errorOutcome(e);
    } finally {
      if (fnKind !== "query")
        await this.t.finishAllScheduledFunctions(() => {});
    }
  }
}

/** Args object or legacy one-element array → Convex value (an object). */
function decodeArgs(raw: unknown): Record<string, unknown> {
  let a = raw;
  if (Array.isArray(a)) {
    if (a.length > 1)
      throw new Error(`expected at most one argument, got ${a.length}`);
    a = a.length === 0 ? {} : a[0];
  }
  const v = jsonToConvex(a as any);
  if (
    v === null ||
    typeof v !== "object" ||
    Array.isArray(v) ||
    v instanceof ArrayBuffer
  ) {
    throw new Error("the arguments must be an object");
  }
  return v as Record<string, unknown>;
}

/** Maps a thrown value to the backend's inner error text and data. */
export function errorOutcome(e: unknown): Outcome {
  if (e !== null && typeof e === "object" && Symbol.for("ConvexError") in e) {
    const ce = e as { message: string; data: unknown };
    return {
      ok: false,
      hasData: true,
      data: ce.data,
      message: `Uncaught ConvexError: ${ce.message}`,
    };
  }
  if (e instanceof Error) {
    if (e.message.startsWith("Validator error: ")) {
      return {
        ok: false,
        hasData: false,
        message: `ArgumentValidationError: ${e.message.slice("Validator error: ".length)}`,
      };
    }
    return {
      ok: false,
      hasData: false,
      message: `Uncaught ${e.name === "Error" ? "Error" : e.name}: ${e.message}`,
    };
  }
  return { ok: false, hasData: false, message: `Uncaught ${String(e)}` };
}
