import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding the child scripts; the only project folder a worker process may read. */
export const childDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child');

let pyodideDir: string | null = null;

/** The real (symlink-free) folder of the pyodide package: the permission model checks real paths. */
export function pyodideDirectory(): string {
  if (pyodideDir === null) {
    const manifest = createRequire(import.meta.url).resolve('pyodide/package.json');
    pyodideDir = fs.realpathSync(path.dirname(manifest));
  }
  return pyodideDir;
}

export interface ChildLimits {
  memoryLimitMb: number;
  pythonHeapLimitMb: number;
  /** V8 heap of the worker process (not the Python heap, which lives in WebAssembly memory). */
  jsHeapMb: number;
  outputLimit: number;
  maxRequestChars: number;
}

export interface ChildLaunch {
  script: string;
  args: string[];
  execArgv: string[];
  env: Record<string, string>;
  cwd: string;
}

function nodeVersionAtLeast(major: number, minor: number): boolean {
  const [maj = 0, min = 0] = process.versions.node.split('.').map(Number);
  return maj > major || (maj === major && min >= minor);
}

/**
 * Node's permission model: the process may read only the given folders, may not write, spawn processes,
 * load native addons or reach internals through process.binding. It may start worker threads (the
 * interpreter runs in one). Node 22.13 renamed the flag from --experimental-permission to --permission.
 * A trailing `*` grants a folder's contents in every version that has the model. It is a seat belt, not
 * the boundary: the boundary is that agent code never reaches JavaScript at all.
 */
export function permissionFlags(readable: string[]): string[] {
  const flag = nodeVersionAtLeast(22, 13) ? '--permission' : '--experimental-permission';
  return [flag, '--allow-worker', ...readable.map((dir) => `--allow-fs-read=${path.join(dir, '*')}`)];
}

/** How a worker process is started: no TypeScript loader, no code from strings, nothing inherited. */
export function childLaunch(limits: ChildLimits): ChildLaunch {
  const indexDir = pyodideDirectory();
  const config = {
    indexDir,
    runtimePath: path.join(childDirectory, 'runtime.py'),
    memoryLimitMb: limits.memoryLimitMb,
    heapLimitMb: limits.pythonHeapLimitMb,
    jsHeapMb: limits.jsHeapMb,
    settings: {
      output_limit: limits.outputLimit,
      max_request_chars: limits.maxRequestChars,
      max_frames: 10,
      trace_limit: 8000,
    },
  };
  return {
    script: path.join(childDirectory, 'relay.mjs'),
    args: [JSON.stringify(config)],
    execArgv: [
      '--disallow-code-generation-from-strings',
      `--max-old-space-size=${limits.jsHeapMb}`,
      '--no-warnings',
      ...permissionFlags([childDirectory, indexDir]),
    ],
    env: {},
    cwd: os.tmpdir(),
  };
}
