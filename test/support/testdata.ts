// Tests that read ../shared/testdata (beside the repository) fail under CI when it is missing, and
// skip with a clear message elsewhere.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SHARED = path.resolve(__dirname, '../../../shared');

/** `dir` under ../shared/testdata, or skips (throws under CI) when it is absent. */
export function requireTestdata(ctx: Mocha.Context, dir: string): string {
  const full = path.join(SHARED, 'testdata', dir);
  if (fs.existsSync(full)) return full;
  const msg = `${full} is not here (the shared test data sits beside the repository)`;
  if (process.env.CI === 'true') throw new Error(msg);
  console.log(`      skipped: ${msg}`);
  ctx.skip();
  return full;
}
