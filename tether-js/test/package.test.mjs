// The package as npm packs it: exactly the intended files, and importable by its name from a
// fresh project (the exports map, not a relative path), with working exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60000 });

test('npm pack holds the module, its types and README, and it imports by name', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-js-pack-'));
  try {
    const tgz = run('npm', ['pack', '--pack-destination', dir, '--silent'], here).trim().split('\n').pop();
    const tarball = path.join(dir, tgz);
    const files = run('tar', ['-tzf', tarball], dir).trim().split('\n').sort();
    assert.deepEqual(files, ['package/README.md', 'package/package.json', 'package/tether.d.ts', 'package/tether.js']);

    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    run('npm', ['install', tarball, '--no-audit', '--no-fund', '--loglevel=error'], app);
    fs.writeFileSync(path.join(app, 'check.mjs'), `
      import { encode, decode, T, TetherSocket, SUBPROTOCOL } from 'tether-js';
      const f = decode(encode({ type: T.DATA, seq: 7, ack: 3, text: 'héllo' }));
      if (f.seq !== 7 || f.ack !== 3 || f.text !== 'héllo') throw new Error('round trip: ' + JSON.stringify(f));
      if (typeof TetherSocket !== 'function' || SUBPROTOCOL !== 'tether.v1') throw new Error('exports');
      console.log('ok');`);
    assert.equal(run(process.execPath, ['check.mjs'], app).trim(), 'ok');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
