#!/usr/bin/env node
// The operators' CLI. Runs the TypeScript sources through tsx so the package needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/server/cli/cli.ts');
