// The end-to-end suites wait on conditions (harness.ts: waitFor, waitForState…), never on the clock,
// and read PaperCite's state through papercite.getState, not its log wording.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const E2E = path.resolve(__dirname, '../e2e');
const suites = fs.readdirSync(E2E).filter(f => f.endsWith('.e2e.ts'));

describe('end-to-end suites', () => {
  it('never sleep for a fixed time', () => {
    const sleeping = suites.filter(f => /\bsleep\(|=> *setTimeout\( *r *,/.test(fs.readFileSync(path.join(E2E, f), 'utf8')));
    assert.deepEqual(sleeping, []);
  });

  it('read the log only where the log is what the user reads (activation: Show Log)', () => {
    const reading = suites.filter(f => /paperCiteLog\(|extensionLog\(/.test(fs.readFileSync(path.join(E2E, f), 'utf8')));
    assert.deepEqual(reading, []);
  });
});
