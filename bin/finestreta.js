#!/usr/bin/env node
// The operators' CLI. Runs the TypeScript sources through tsx so the package needs no build step.
import { register } from 'tsx/esm/api';

register();
if (process.argv[2] === 'verify') {
  // Checking a package loads none of the server (no configuration, no database): it starts fast.
  const { verifyMain } = await import('../src/server/cli/verify-main.ts');
  process.exitCode = await verifyMain(process.argv.slice(2));
} else {
  await import('../src/server/cli/cli.ts');
}
