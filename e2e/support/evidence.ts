/** Sealing an appointment's evidence package from its staff page and downloading it, as the journeys that check packages do. */
import { expect, type Page, type TestInfo } from '@playwright/test';

/** On the open appointment page: seals the package, waits for it, downloads it to `name` in the test's output; answers the path. */
export async function sealAndDownloadPackage(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  const evidence = page.getByRole('region', { name: 'Paquet d’evidències' });
  await evidence.getByRole('button', { name: 'Segella el paquet d’evidències' }).click();
  await expect(evidence.getByRole('status')).toContainText(/Paquet segellat/, { timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), evidence.getByRole('link', { name: /^Paquet del / }).click()]);
  const file = testInfo.outputPath(name);
  await download.saveAs(file);
  return file;
}
