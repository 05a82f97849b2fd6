import { spawnSync } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeWorld, type FakeWorld } from './fake-world.ts';
import { childLaunch } from './launch.ts';
import { createSandboxPool } from './pool.ts';
import type { ExecutionResult, SandboxPool } from './types.ts';

// Worker start-ups and replacements take seconds on a quiet machine and much longer on a busy one.
const SLOW_MS = 180_000;

// Known ways out of a Pyodide sandbox, each tried from agent code. A door counts as closed when the attempt
// fails inside Python, or kills only its own worker, which the pool then replaces.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let world: FakeWorld;
let pool: SandboxPool;
let counter = 0;

async function run(code: string): Promise<ExecutionResult> {
  const session = pool.openSession(`escape-${++counter}`);
  try {
    return await session.execute(code);
  } finally {
    session.close();
  }
}

/** Runs code that prints one JSON document and returns it parsed. */
async function probe<T>(code: string): Promise<T> {
  const result = await run(`import json as _json\n${code}`);
  if (!result.ok) throw new Error(`probe failed:\n${result.observation}`);
  return JSON.parse(result.observation) as T;
}

// Every class that Pyodide defines, found the way an attacker would find them.
const FIND_BRIDGE_CLASSES = `
def _all_classes():
    seen, stack = set(), [object]
    while stack:
        cls = stack.pop()
        try:
            subs = type.__subclasses__(cls) if cls is type else cls.__subclasses__()
        except TypeError:
            continue
        for sub in subs:
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return seen

def _is_bridge_class(cls):
    module = cls.__module__ or ""
    return module.startswith(("pyodide", "_pyodide")) or module == "_pyodide_core" or cls.__name__.startswith("Js")

def _is_js_object(value):
    # Real JavaScript proxies have C types; Python-defined look-alikes (Pyodide's documentation classes)
    # carry __firstlineno__.
    kind = type(value)
    return (
        kind.__module__ in ("pyodide.ffi", "_pyodide_core")
        and kind.__name__.startswith("Js")
        and "__firstlineno__" not in vars(kind)
    )

import warnings
warnings.simplefilter("ignore")

bridge_classes = sorted((c for c in _all_classes() if _is_bridge_class(c)), key=lambda c: (c.__module__, c.__qualname__, id(c)))
`;

beforeAll(async () => {
  world = createFakeWorld();
  pool = createSandboxPool({ size: 1, timeoutMs: 5000, killGraceMs: 1000, onApiCall: world.onApiCall });
  await pool.warm();
}, SLOW_MS);

afterAll(async () => {
  await pool.close();
});

describe('no path to JavaScript', () => {
  it.each([
    'import js',
    'import pyodide_js',
    'from pyodide.ffi import to_js',
    'import pyodide.http',
    '__import__("js")',
    'import importlib\nimportlib.import_module("pyodide_js")',
    'import _pyodide_core',
    'import micropip',
  ])('refuses %s', async (code) => {
    const result = await run(code);
    expect(result.ok).toBe(false);
    expect(result.observation).toMatch(
      /ModuleNotFoundError: module '[\w.]+' is not available in the sandbox/,
    );
  });

  it('leaves no JavaScript modules in sys.modules', async () => {
    const names = await probe<string[]>(
      'import sys\nprint(_json.dumps(sorted(n for n in sys.modules if "pyodide" in n or n in ("js", "_pyodide_core"))))',
    );
    expect(names).toEqual([]);
  });

  it('keeps them unreachable with the guarding import hook removed', async () => {
    const outcome = await probe<Record<string, string>>(`
import sys
sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, "__name__", "") != "_DenyFinder"]
out = {}
for name in ["js", "pyodide_js", "pyodide.ffi", "pyodide.code", "_pyodide._base", "_pyodide_core", "ctypes", "_socket"]:
    try:
        module = __import__(name, fromlist=["*"])
        out[name] = "imported: " + ", ".join(sorted(k for k in vars(module) if not k.startswith("__"))[:5])
    except BaseException as error:
        out[name] = type(error).__name__
import _imp, importlib.machinery
try:
    spec = importlib.machinery.ModuleSpec("_pyodide_core", importlib.machinery.BuiltinImporter, origin="built-in")
    out["create_builtin"] = "created: " + ", ".join(sorted(vars(_imp.create_builtin(spec))))
except BaseException as error:
    out["create_builtin"] = type(error).__name__
print(_json.dumps(out))`);
    for (const [name, result] of Object.entries(outcome)) {
      expect(result, name).toMatch(/^(ModuleNotFoundError|ImportError)$/);
    }
  });

  it('leaves no JavaScript object anywhere on the Python heap', async () => {
    const found = await probe<{ proxies: string[]; bridgeFunctions: string[]; jsnullAttributes: string[] }>(`
${FIND_BRIDGE_CLASSES}
import gc
proxies, bridge_functions, jsnull_attributes = set(), set(), []
for holder in gc.get_objects():
    for value in [holder, *gc.get_referents(holder)]:
        if _is_js_object(value):
            if type(value).__name__ == "JsNull":
                # The proxy of JavaScript null: nothing is reachable from it.
                jsnull_attributes = [a for a in ("constructor", "__proto__", "toString") if hasattr(value, a)]
                continue
            proxies.add(type(value).__qualname__)
        if type(value).__name__ == "builtin_function_or_method" and getattr(value, "__module__", None) == "_pyodide_core":
            bridge_functions.add(value.__name__)
print(_json.dumps({"proxies": sorted(proxies), "bridgeFunctions": sorted(bridge_functions), "jsnullAttributes": jsnull_attributes}))`);
    expect(found).toEqual({ proxies: [], bridgeFunctions: [], jsnullAttributes: [] });
  });

  it('finds nothing through the subclasses of object: no JavaScript object, no bridge globals', async () => {
    const found = await probe<{ classes: number; hits: string[]; globals: string[] }>(`
${FIND_BRIDGE_CLASSES}
hits, leaked_globals = [], []
for cls in bridge_classes:
    for name, attribute in list(vars(cls).items()):
        function = getattr(attribute, "__func__", attribute)
        globals_ = getattr(function, "__globals__", None)
        if globals_ and (getattr(function, "__module__", "") or "").startswith(("pyodide", "_pyodide")):
            leaked_globals.append(cls.__qualname__ + "." + name)
        if name == "__init__":
            continue
        try:
            bound = getattr(cls, name)
        except BaseException:
            continue
        if not callable(bound):
            continue
        for args in [(), ("Error",), ("Error", "message"), ({},), ([],), (1,)]:
            try:
                value = bound(*args)
            except BaseException:
                continue
            if _is_js_object(value) and type(value).__name__ != "JsNull":
                hits.append(cls.__qualname__ + "." + name)
print(_json.dumps({"classes": len(bridge_classes), "hits": sorted(set(hits)), "globals": sorted(set(leaked_globals))}))`);
    expect(found.classes).toBeGreaterThan(10);
    expect(found.hits).toEqual([]);
    expect(found.globals).toEqual([]);
  });

  it('never hands out a JavaScript object when a bridge class is instantiated', {
    timeout: SLOW_MS,
  }, async () => {
    const names = await probe<string[]>(
      `${FIND_BRIDGE_CLASSES}\nprint(_json.dumps([c.__module__ + "." + c.__qualname__ for c in bridge_classes]))`,
    );
    for (let index = 0; index < names.length; index++) {
      const result = await run(`${FIND_BRIDGE_CLASSES}
cls = bridge_classes[${index}]
made = []
for args in [(), ("Error",), ("Error", "message"), ({},)]:
    try:
        value = cls(*args)
    except BaseException:
        continue
    if _is_js_object(value) and type(value).__name__ != "JsNull":
        made.append(type(value).__qualname__)
print(made)`);
      // Either Python refuses, or (for a C type whose constructor cannot be replaced) the interpreter traps
      // and the worker is replaced; a JavaScript object never comes back.
      if (result.error?.kind === 'crash') continue;
      expect(result.observation, names[index]).toBe('[]\n');
    }
    expect((await run('print("alive")')).observation).toBe('alive\n');
  });
});

describe('no host environment, files or processes', () => {
  it('shows an empty os.environ and no host paths', async () => {
    const seen = await probe<{ environ: Record<string, string>; strings: string[] }>(`
import os, sys
print(_json.dumps({"environ": dict(os.environ), "strings": [*sys.argv, *sys.path, sys.executable, os.getcwd()]}))`);
    expect(seen.environ).toEqual({});
    for (const text of seen.strings) {
      expect(text).not.toContain(repoRoot);
      expect(text).not.toContain(os.homedir());
    }
  });

  it.each(['/etc/passwd', '/proc/self/environ', '/proc/self/cmdline', path.join(repoRoot, 'package.json')])(
    'cannot read %s',
    async (file) => {
      const result = await run(`open(${JSON.stringify(file)}).read()`);
      expect(result.observation).toMatch(/(FileNotFoundError|PermissionError|OSError)/);
    },
  );

  it('sees only the interpreter’s virtual file system', async () => {
    const entries = await probe<string[]>('import os\nprint(_json.dumps(sorted(os.listdir("/"))))');
    expect(entries).toEqual(['dev', 'home', 'lib', 'proc', 'tmp']);
  });

  it.each([
    ['os.system', 'import os\nos.system("echo pwned > /tmp/pwned")'],
    ['posix.system', 'import posix\nposix.system("id")'],
    ['subprocess', 'import subprocess\nsubprocess.run(["id"])'],
    ['os.popen', 'import os\nos.popen("id").read()'],
    ['os.fork', 'import os\nos.fork()'],
    ['os.execv', 'import os\nos.execv("/bin/sh", ["sh", "-c", "id"])'],
    ['threads', 'import threading\nthreading.Thread(target=print).start()'],
    ['multiprocessing', 'import multiprocessing\nmultiprocessing.Process(target=print).start()'],
  ])('cannot start a process or thread through %s', async (_name, code) => {
    const result = await run(code);
    expect(result.ok).toBe(false);
    expect(result.error?.kind).toBe('exception');
  });

  it('cannot reach ctypes', async () => {
    const result = await run('import ctypes\nctypes.string_at(0, 16)');
    expect(result.observation).toMatch(/module 'ctypes' is not available in the sandbox/);
  });
});

describe('no network', () => {
  let server: net.Server;
  let port = 0;
  let connections = 0;

  beforeAll(async () => {
    server = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['import socket', 'import socket'],
    ['urllib', 'import urllib.request\nurllib.request.urlopen("http://127.0.0.1:1")'],
    ['http.client', 'import http.client'],
    ['pyodide.http', 'from pyodide.http import pyfetch'],
    ['asyncio', 'import asyncio'],
  ])('refuses %s', async (_name, code) => {
    const result = await run(code);
    expect(result.observation).toMatch(
      /is not available in the sandbox \(no (network access|JavaScript access|event loop)\)/,
    );
  });

  it('cannot connect even with the socket type dug out of the interpreter', async () => {
    const result = await run(`
socket_type = [c for c in object.__subclasses__() if c.__name__ == "socket"]
if not socket_type:
    print("no socket type")
else:
    s = socket_type[0](2, 1)
    s.connect(("127.0.0.1", ${port}))
    s.send(b"GET / HTTP/1.0\\r\\n\\r\\n")
    print("connected")`);
    expect(result.observation).not.toContain('connected');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connections).toBe(0);
  });
});

describe('exhaustion', () => {
  it('answers a huge allocation with MemoryError and keeps going', async () => {
    const result = await run('data = bytearray(1500 * 1024 ** 2)');
    expect(result.error?.kind).toBe('memory');
    expect((await run('print(sum(range(10)))')).observation).toBe('45\n');
  });

  it('refuses a string too long for the interpreter', async () => {
    const result = await run('s = "a" * (2 ** 40)');
    expect(result.ok).toBe(false);
    expect(result.error?.kind).toMatch(/^(exception|memory)$/);
  });

  it.each([
    ['Python recursion', 'def f(n):\n    return f(n + 1)\nf(0)'],
    [
      'raised recursion limit',
      'import sys\nsys.setrecursionlimit(100000)\ndef f(n):\n    return f(n + 1)\nf(0)',
    ],
    ['nested JSON', 'import json\njson.loads("[" * 200000 + "]" * 200000)'],
    ['nested repr', 'a = []\nfor _ in range(100000):\n    a = [a]\nrepr(a)'],
    ['nested parentheses', 'eval("(" * 100000 + ")" * 100000)'],
  ])('survives deep recursion: %s', { timeout: SLOW_MS }, async (_name, code) => {
    const result = await run(code);
    expect(result.ok).toBe(false);
    expect(result.error?.kind).toMatch(/^(exception|syntax|memory|timeout|crash)$/);
    expect((await run('print("alive")')).observation).toBe('alive\n');
  });

  it('keeps gigabytes of printing out of the observation and out of memory', async () => {
    const result = await run('line = "z" * 10 ** 8\nprint(line)\nprint(line)');
    expect(result.observation.length).toBeLessThan(20_100);
    expect(result.observation).toMatch(/\[output truncated: 199980002 characters omitted\]$/);
  });

  it('drops what is written past the capture, to the raw file descriptors', async () => {
    const result = await run(
      'import os, sys\nos.write(1, b"r" * 10 ** 7)\nsys.__stdout__.write("s" * 10 ** 7)\nprint("done")',
    );
    expect(result.observation).toBe('done\n');
  });

  it('rejects oversized API arguments before they reach the server', async () => {
    const before = world.calls.length;
    const result = await run('apis.echo.say(blob="x" * 2_000_000)');
    expect(result.observation).toMatch(/ValueError: arguments to apis\.echo\.say are too large/);
    expect(world.calls.length).toBe(before);
  });
});

describe('what an escape into the worker process would find', () => {
  // Were agent code to get JavaScript running in the worker process, it would run under the same flags,
  // environment and permission model as this probe.
  it('finds no code generation, no environment, no files, no processes, no internals', () => {
    const launch = childLaunch({
      memoryLimitMb: 512,
      pythonHeapLimitMb: 256,
      jsHeapMb: 128,
      outputLimit: 1000,
      maxRequestChars: 1000,
    });
    const probeCode = `
import fs from 'node:fs';
import cp from 'node:child_process';
const tried = {};
const attempt = (name, action) => { try { action(); tried[name] = 'allowed'; } catch (error) { tried[name] = 'refused'; } };
attempt('eval', () => eval('1 + 1'));
attempt('Function', () => new Function('return 1')());
attempt('read /etc/passwd', () => fs.readFileSync('/etc/passwd'));
attempt('read the repository', () => fs.readFileSync(${JSON.stringify(path.join(repoRoot, 'package.json'))}));
attempt('write a file', () => fs.writeFileSync(${JSON.stringify(path.join(os.tmpdir(), 'sandbox-probe.txt'))}, 'x'));
attempt('spawn a process', () => cp.spawnSync('id'));
attempt('process.binding', () => process.binding('fs'));
tried.environment = Object.keys(process.env).length === 0 ? 'empty' : 'present';
console.log(JSON.stringify(tried));`;
    const result = spawnSync(process.execPath, [...launch.execArgv, '--input-type=module', '-e', probeCode], {
      env: launch.env,
      cwd: launch.cwd,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      eval: 'refused',
      Function: 'refused',
      'read /etc/passwd': 'refused',
      'read the repository': 'refused',
      'write a file': 'refused',
      'spawn a process': 'refused',
      'process.binding': 'refused',
      environment: 'empty',
    });
  });
});
