import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { profileStartup } from '../../src/extension/timing';

describe('start-up profile (PAPERCITE_PROFILE_DIR)', () => {
  it('writes a CPU profile of this thread that names the work done meanwhile; nothing without a folder', async () => {
    assert.doesNotThrow(() => profileStartup(undefined, () => assert.fail('no folder, no profile')).dispose());
    const dir = mkdtempSync(path.join(tmpdir(), 'papercite-profile-'));
    try {
      const file = await new Promise<string | undefined>((resolve, reject) => {
        const p = profileStartup(path.join(dir, 'out'), (f, err) => (err ? reject(err) : resolve(f)), 60_000);
        // Work to be seen in the profile, then the profile is ended early (as at deactivation).
        const end = performance.now() + 60;
        let x = 0;
        while (performance.now() < end) x += Math.sqrt(x + 1);
        p.dispose();
      });
      assert.ok(file && file.startsWith(path.join(dir, 'out')), String(file));
      const profile = JSON.parse(readFileSync(file!, 'utf8')) as { nodes: { callFrame: { functionName: string } }[]; samples: number[] };
      assert.ok(profile.samples.length > 0 && profile.nodes.length > 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
