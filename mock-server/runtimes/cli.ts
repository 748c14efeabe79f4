#!/usr/bin/env node
/**
 * `mcp-mock-auth-server`: the mock FastMCP authorization server as a command. In the repository:
 * `npx tsx mock-server/runtimes/cli.ts --port 0`.
 */
import { runCli } from './cli-run.js';

const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});

runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stopRequested,
}).then(
  (code) => {
    process.exitCode = code;
    // Stop even if something (a provider timer, a stuck socket) keeps the loop alive; unref'd, so a clean
    // shutdown exits at once.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(
      `mcp-mock-auth-server: unexpected failure: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
