import { open, type FileHandle, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { summariseError, validReference, type Connector, type DeliveryItem, type DeliveryOutcome } from './connector.ts';

/** Largest receipt file read (a reference is short). */
const MAX_RECEIPT_BYTES = 16 * 1024;

/**
 * The drop-folder connector, for case-management systems that watch a
 * mounted folder. Writes `<deliveryId>.asice` (the package) and then
 * `<deliveryId>.json` (its metadata), each atomically: written to a hidden
 * temporary name, flushed to disk (fsync), renamed to its final name and the
 * folder flushed — so a receiver never sees a partial file under a final
 * name, and the metadata appears only once the package is complete.
 * The receiver acknowledges by writing `<deliveryId>.ack.json` with
 * `{"reference": "…"}`; until then each attempt finds the files in place
 * and answers "waiting".
 */
export class DropFolderConnector implements Connector {
  readonly kind = 'drop_folder';

  constructor(private readonly dir: string) {}

  async attempt(item: DeliveryItem): Promise<DeliveryOutcome> {
    const id = item.deliveryId;
    try {
      const receipt = await this.receipt(id);
      if (receipt) return receipt;
      const metadataFile = path.join(this.dir, `${id}.json`);
      if (!(await exists(metadataFile))) {
        const packageFile = path.join(this.dir, `${id}.asice`);
        await this.writeAtomically(packageFile, async (file) => {
          // Chunk by chunk, each write awaited: streamed with backpressure, never whole in memory.
          for await (const chunk of item.openPackage()) await file.write(chunk as Buffer);
        });
        const json = `${JSON.stringify({ ...item.metadata, package: { ...item.metadata.package, file: `${id}.asice` } }, null, 2)}\n`;
        await this.writeAtomically(metadataFile, (file) => file.writeFile(json, 'utf8'));
      }
      return { status: 'waiting', note: 'written, awaiting the receipt' };
    } catch (error) {
      return { status: 'failed', error: summariseError(error) };
    }
  }

  /** The receiver's receipt, when there is one: acknowledged, or a failure when it is unreadable. */
  private async receipt(id: string): Promise<DeliveryOutcome | null> {
    const file = path.join(this.dir, `${id}.ack.json`);
    let info;
    try {
      info = await stat(file);
    } catch {
      return null;
    }
    if (info.size > MAX_RECEIPT_BYTES) return { status: 'failed', error: 'receipt too large' };
    try {
      const reference = validReference((JSON.parse(await readFile(file, 'utf8')) as { reference?: unknown }).reference);
      return reference ? { status: 'acknowledged', reference } : { status: 'failed', error: 'receipt without a reference' };
    } catch {
      return { status: 'failed', error: 'receipt unreadable' };
    }
  }

  /** Writes through `write` into a temporary file, fsyncs it, renames it to `target` and fsyncs the folder. */
  private async writeAtomically(target: string, write: (file: FileHandle) => Promise<unknown>): Promise<void> {
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
    const handle = await open(temp, 'wx', 0o640);
    try {
      await write(handle);
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw error;
    }
    await handle.close();
    // rename(2) replaces atomically within one filesystem: the final name holds a whole file or nothing.
    await rename(temp, target);
    const folder = await open(path.dirname(target), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
