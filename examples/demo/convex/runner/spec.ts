import { resolve, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { convexToJson } from "convex/values";
import { loadModules, moduleLoader } from "./modules";

// Prints the function spec of convex/convex like `npx convex function-spec`
// (convex-wire.md §7), computed offline from the modules' exportArgs /
// exportReturns: {"url","functions":[{args,functionType,identifier,returns,visibility}]},
// functions sorted by identifier, 2-space JSON. Usage: tsx runner/spec.ts [--url U]

const here = dirname(fileURLToPath(import.meta.url));

/** Builds the spec object of the functions in dir. */
export async function functionSpec(dir: string, url: string) {
  const modules = loadModules(dir);
  const load = moduleLoader(dir, modules);
  const names = Object.keys(modules)
    .map((p) => p.slice(dir.length + 1).replace(/\.[^./]+$/, ""))
    .filter((n) => !n.startsWith("_generated/") && n !== "schema")
    .sort();
  const functions: Record<string, unknown>[] = [];
  for (const name of names) {
    const mod = (await load(name)) ?? {};
    for (const [exp, fn] of Object.entries(mod) as [string, any][]) {
      const type = fn?.isQuery
        ? "Query"
        : fn?.isMutation
          ? "Mutation"
          : fn?.isAction
            ? "Action"
            : null;
      if (type === null) continue;
      functions.push({
        args: JSON.parse(fn.exportArgs()),
        functionType: type,
        identifier: `${name}.js:${exp}`,
        returns: JSON.parse(fn.exportReturns()),
        visibility: { kind: fn.isInternal ? "internal" : "public" },
      });
    }
  }
  functions.sort((a, b) =>
    String(a.identifier) < String(b.identifier)
      ? -1
      : String(a.identifier) > String(b.identifier)
        ? 1
        : 0,
  );
  return { url, functions: convexToJson(functions as any) };
}

if (
  process.argv[1] &&
  fileURLToPath(import.meta.url) === resolve(process.argv[1])
) {
  const i = process.argv.indexOf("--url");
  const url = i >= 0 ? process.argv[i + 1] : "http://127.0.0.1:3210";
  const spec = await functionSpec(resolve(join(here, "..", "convex")), url);
  process.stdout.write(JSON.stringify(spec, null, 2) + "\n");
}
