// Starts `tether serve` from the jar `mvn package` built, for the Node tests: resolves with the
// process and its port once the banner is printed. Not a test file itself (node --test skips it).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const jar = path.resolve(here, '../../../target/tether.jar');

export function startServe(args, timeout = 20000) {
  const server = spawn('java', ['-jar', jar, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /Tether serving ws:\/\/127\.0\.0\.1:(\d+)\/echo/.exec(out);
      if (m) resolve({ server, port: Number(m[1]) });
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    setTimeout(() => reject(new Error('server did not start')), timeout).unref();
  });
}
