import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Runtime } from "./runtime";
import { createRunnerServer } from "./server";

// Entry point: tsx runner/main.ts [--port N] [--host H] [--seed FILE|none]
// [--functions DIR]. Prints the listening URL as stdout's first line.

const here = dirname(fileURLToPath(import.meta.url));

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

function defaultSeed(): string {
  const shared = resolve(
    here,
    "..",
    "..",
    "devbackend",
    "seed.json",
  );
  return existsSync(shared) ? shared : join(here, "seed.example.json");
}

async function main(): Promise<void> {
  const port = Number(flag("port") ?? process.env.PORT ?? "0");
  const host = flag("host") ?? "127.0.0.1";
  const seedFlag = flag("seed") ?? process.env.CONVEX_RUNNER_SEED;
  const seedPath =
    seedFlag === "none" ? null : resolve(seedFlag ?? defaultSeed());
  const functionsDir = resolve(flag("functions") ?? join(here, "..", "convex"));
  const verbose = process.argv.includes("--verbose");

  const runtime = new Runtime({ functionsDir, seedPath });
  await runtime.run(() => runtime.reset());
  const server = createRunnerServer({
    runtime,
    adminKey: process.env.CONVEX_RUNNER_ADMIN_KEY || "runner-admin-key",
    issuer: process.env.CONVEX_RUNNER_JWT_ISSUER || undefined,
    log: verbose ? (l) => process.stderr.write(l + "\n") : undefined,
  });
  server.listen(port, host, () => {
    const addr = server.address();
    if (addr === null || typeof addr === "string")
      throw new Error("no address");
    process.stdout.write(`http://${host}:${addr.port}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  process.stderr.write(`convex runner: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
