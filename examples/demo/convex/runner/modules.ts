import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";

// Node replacement for convex-test's `import.meta.glob("./**/*.*s")`: every
// .ts/.js module under the functions directory (convex/convex), keyed by its
// absolute path. convex-test finds the root through the "_generated" key.

/** A lazily imported module map, as convexTest(schema, modules) expects. */
export type ModuleMap = Record<string, () => Promise<any>>;

/** Builds the module map of dir; skips .d.ts, dotfiles and "a.b.ts" files (as Convex does). */
export function loadModules(dir: string): ModuleMap {
  const out: ModuleMap = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && !e.name.startsWith(".")) walk(p);
        continue;
      }
      if (!/\.(ts|js|mjs)$/.test(e.name) || e.name.endsWith(".d.ts")) continue;
      const rel = relative(dir, p);
      const base = e.name;
      const isGenerated = rel.startsWith("_generated" + sep);
      if (
        !isGenerated &&
        (base.startsWith(".") || (base.match(/\./g) ?? []).length > 1)
      )
        continue;
      const url = pathToFileURL(p).href;
      out[p] = () => import(url);
    }
  };
  walk(dir);
  return out;
}

/** Looks up a module by its path relative to dir without extension ("tasks", "lib/rules"). */
export function moduleLoader(dir: string, modules: ModuleMap) {
  const byName = new Map<string, () => Promise<any>>();
  for (const [p, load] of Object.entries(modules)) {
    const rel = relative(dir, p)
      .split(sep)
      .join("/")
      .replace(/\.[^./]+$/, "");
    byName.set(rel, load);
  }
  return async (name: string): Promise<Record<string, unknown> | null> => {
    const load = byName.get(name);
    return load === undefined ? null : await load();
  };
}
