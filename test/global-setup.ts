/**
 * Says loudly which database engines the integration tests run on: without
 * TEST_DATABASE_URL the PostgreSQL runs are not made, and a green run must not
 * look as if they were.
 */
export default function setup(): void {
  if (process.env.TEST_DATABASE_URL) {
    process.stdout.write('\nIntegration tests run on: SQLite and PostgreSQL (TEST_DATABASE_URL).\n\n');
  } else {
    process.stderr.write(
      '\n*** PostgreSQL integration tests NOT RUN: TEST_DATABASE_URL is not set. ***\n' +
        '*** Only SQLite was tested. CI sets it; locally e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ***\n\n',
    );
  }
}
