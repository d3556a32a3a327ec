import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyCommand } from '../evidence/verify-command.ts';

/**
 * `finestreta verify <package> [--schemas <dir>] [--ca <pem>]...`. Needs no
 * configuration or database, and loads none of the server: an auditor's
 * machine with the package is enough. Returns the exit status (0 valid,
 * 1 not valid, 2 usage).
 */
export async function verifyMain(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { schemas: { type: 'string' }, ca: { type: 'string', multiple: true } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nUsage: finestreta verify <package> [--schemas <shared/standards>] [--ca <pem>]...\n`);
    return 2;
  }
  const { positionals, values } = parsed;
  const file = positionals[1];
  if (positionals[0] !== 'verify' || positionals.length !== 2 || !file) {
    process.stderr.write('Usage: finestreta verify <package> [--schemas <shared/standards>] [--ca <pem>]...\n');
    return 2;
  }
  if (!fs.existsSync(file)) {
    process.stderr.write(`No such file: ${file}\n`);
    return 2;
  }
  return verifyCommand(file, { ...(values.schemas ? { schemas: values.schemas } : {}), ...(values.ca ? { ca: values.ca } : {}) }, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}
