// The shared test data beside the repository (../shared). A user's fresh clone has none: tests that
// need it skip there with a clear message, but fail under CI, which always has it.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SHARED = path.resolve(__dirname, '../../../shared');

/** The path of `rel` under ../shared; skips the test (fails under CI=true) when it is absent. */
export function sharedFile(ctx: Mocha.Context, rel: string): string {
  const file = path.join(SHARED, rel);
  if (fs.existsSync(file)) return file;
  const why = `${file} is not here (the shared test data sits beside the repository)`;
  if (process.env.CI === 'true') throw new Error(`${why}; CI must have it`);
  console.log(`      skipped: ${why}`);
  ctx.skip();
}

/** `dir` under ../shared/testdata; skips (fails under CI=true) when it is absent. */
export function requireTestdata(ctx: Mocha.Context, dir: string): string {
  return sharedFile(ctx, path.join('testdata', dir));
}
