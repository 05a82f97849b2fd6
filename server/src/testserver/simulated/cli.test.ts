import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function cli(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', 'src/testserver/cli.ts', ...args], {
    cwd: serverDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the CLI to its exit: status and stderr. */
function exit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = cli(args);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('pnpm testserver --simulated', () => {
  it('refuses an unknown preset, an unknown rate and a rate out of range in one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--simulated', 'tiny'],
        /^testserver: unknown simulated preset 'tiny'; expected one of small, large\n$/,
      ],
      [
        ['--simulated', 'small', '--rate', 'apiMisuse=1.5'],
        /^testserver: rate apiMisuse=1.5 is out of range; a rate is a number from 0 to 1\n$/,
      ],
      [
        ['--simulated', 'small', '--rate', 'speed=0.5'],
        /^testserver: unknown rate 'speed'; expected one of /,
      ],
      [['--rate', 'repeat=0.2'], /^testserver: --rate, --seed and --time-scale need --simulated <preset>\n$/],
    ];
    const results = await Promise.all(cases.map(([args]) => exit(args)));
    results.forEach(({ code, stderr }, i) => {
      expect(code).toBe(2);
      expect(stderr).toMatch(cases[i]![1]);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    });
  });

  it('says it is simulated in its banner and its model list', async () => {
    const child = cli(['--simulated', 'small,large', '--port', '0', '--seed', '3']);
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out);
        });
        child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
      });
      expect(banner).toMatch(/SIMULATED model \(trellis-simulated\)/);
      expect(banner).toMatch(/NOT a real model/);
      const url = /(http:\/\/\S+\/v1)/.exec(banner)?.[1];
      const models = (await (await fetch(`${url}/models`)).json()) as {
        data: { id: string; owned_by: string }[];
      };
      expect(models.data.map((m) => `${m.id} ${m.owned_by}`)).toEqual([
        'simulated-small trellis-simulated',
        'simulated-large trellis-simulated',
      ]);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
