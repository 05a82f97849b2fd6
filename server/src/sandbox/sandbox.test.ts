import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeWorld, type FakeWorld } from './fake-world.ts';
import { createSandboxPool } from './pool.ts';
import type { SandboxPool, SandboxSession } from './types.ts';

// Worker start-ups and replacements take seconds on a quiet machine and much longer on a busy one.
const SLOW_MS = 180_000;

// One worker serves every session here: isolation between sessions is tested where it is hardest, on a
// shared interpreter.
let world: FakeWorld;
let pool: SandboxPool;
let counter = 0;

function session(): SandboxSession {
  counter += 1;
  return pool.openSession(`task-${counter}`);
}

beforeAll(async () => {
  world = createFakeWorld();
  pool = createSandboxPool({ size: 1, timeoutMs: 10_000, onApiCall: world.onApiCall });
  await pool.warm();
}, SLOW_MS);

afterAll(async () => {
  await pool.close();
});

describe('observations', () => {
  it('reports "Execution successful." when the step prints nothing', async () => {
    const result = await session().execute('x = 1 + 1');
    expect(result).toMatchObject({ observation: 'Execution successful.', ok: true, apiCalls: [] });
    expect(result.error).toBeUndefined();
  });

  it('returns printed output as is', async () => {
    const result = await session().execute('print("hello", 42)\nprint("bye")');
    expect(result.observation).toBe('hello 42\nbye\n');
    expect(result.ok).toBe(true);
  });

  it('prints dicts and lists as indented JSON, as AppWorld shows API responses', async () => {
    const result = await session().execute('print(apis.echo.say(name="Ada", tags=["a", "b"], n=None))');
    expect(result.observation).toBe(
      `${JSON.stringify({ session: `task-${counter}`, name: 'Ada', tags: ['a', 'b'], n: null }, null, 2)}\n`,
    );
    expect(result.apiCalls).toEqual([
      { app: 'echo', api: 'say', status: 200, durationMs: expect.any(Number) },
    ]);
  });

  it('keeps non-JSON values printable', async () => {
    const result = await session().execute('a = [1]\na.append(a)\nprint(a, {1, 2}, (1, 2))');
    expect(result.observation).toBe('[1, [...]] {1, 2} (1, 2)\n');
  });

  it('shows an API error as an AppWorld traceback naming the status and the message', async () => {
    const result = await session().execute(
      'token = apis.auth.login(username="ada", password="hunter2")["access_token"]\n' +
        'apis.notes.add(access_token=token, text="")',
    );
    expect(result.ok).toBe(false);
    expect(result.error).toEqual({
      kind: 'api_error',
      message: 'Response status code is 422: {"message": "text is required"}',
    });
    expect(result.observation).toBe(
      'Execution failed. Traceback:\n' +
        '  File "<python-input>", line 2, in <module>\n' +
        '    apis.notes.add(access_token=token, text="")\n' +
        '    ~~~~~~~~~~~~~~^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
        'Exception: Response status code is 422:\n{"message": "text is required"}',
    );
    expect(result.apiCalls.map((call) => call.status)).toEqual([200, 422]);
  });

  it('shows only the agent frames of an exception raised in its own functions', async () => {
    const result = await session().execute('def f(n):\n    return 10 / n\n\nf(0)');
    expect(result.error?.kind).toBe('exception');
    expect(result.error?.message).toBe('ZeroDivisionError: division by zero');
    expect(result.observation).toContain(
      'Execution failed. Traceback:\n  File "<python-input>", line 4, in <module>',
    );
    expect(result.observation).toContain('  File "<python-input>", line 2, in f\n    return 10 / n');
    expect(result.observation).not.toContain('sandbox-runtime');
    expect(result.observation.endsWith('ZeroDivisionError: division by zero')).toBe(true);
  });

  it('keeps printed output that came before a failure', async () => {
    const result = await session().execute('print("step 1 done")\nraise ValueError("boom")');
    expect(result.observation).toMatch(/^step 1 done\nExecution failed\. Traceback:\n/);
    expect(result.observation).toMatch(/ValueError: boom$/);
  });

  it('reports a syntax error with the offending line and the message', async () => {
    const result = await session().execute('x = 1\ny = (2 +\n');
    expect(result.ok).toBe(false);
    expect(result.error?.kind).toBe('syntax');
    expect(result.observation).toBe(
      "Execution failed. Traceback:\nSyntax error in line:\ny = (2 +\nMessage: '(' was never closed",
    );
    expect(result.error?.message).toBe("SyntaxError: '(' was never closed (line 2)");
  });

  it('shows the right source lines for functions defined in earlier steps', async () => {
    const s = session();
    await s.execute('# a comment\ndef g():\n    raise KeyError("missing")');
    const result = await s.execute('x = 0\ng()');
    expect(result.observation).toContain(
      '  File "<python-input>", line 3, in g\n    raise KeyError("missing")',
    );
    expect(result.observation).toContain('  File "<python-input>", line 2, in <module>\n    g()');
  });
});

describe('the world bridge', () => {
  it('passes kwargs to onApiCall under the session id and returns plain Python values', async () => {
    const s = session();
    const before = world.calls.length;
    const result = await s.execute(
      'r = apis.echo.say(x=1.5, ok=True, items={"k": [1, 2]})\nprint(type(r).__name__, r["x"], r["ok"], r["items"]["k"][1])',
    );
    expect(result.observation).toBe('dict 1.5 True 2\n');
    expect(world.calls.slice(before)).toEqual([
      { sessionId: s.id, app: 'echo', api: 'say', kwargs: { x: 1.5, ok: true, items: { k: [1, 2] } } },
    ]);
  });

  it('refuses positional arguments and values that are not JSON, without calling the world', async () => {
    const before = world.calls.length;
    const positional = await session().execute('apis.echo.say(1)');
    expect(positional.observation).toMatch(/TypeError: apis\.echo\.say\(\) takes keyword arguments only/);
    const notJson = await session().execute('apis.echo.say(x={1, 2})');
    expect(notJson.observation).toMatch(/TypeError: arguments to apis\.echo\.say must be JSON values/);
    expect(world.calls.length).toBe(before);
  });

  it('turns a failing onApiCall into a 500 answer for the agent', { timeout: SLOW_MS }, async () => {
    const failing = createSandboxPool({
      size: 1,
      onApiCall: () => {
        throw new Error('database is on fire');
      },
    });
    try {
      const result = await failing.openSession('t').execute('apis.x.y()');
      expect(result.error?.kind).toBe('api_error');
      expect(result.observation).toContain('Exception: Response status code is 500:');
      expect(result.observation).toContain('database is on fire');
      expect(result.apiCalls).toEqual([{ app: 'x', api: 'y', status: 500, durationMs: expect.any(Number) }]);
    } finally {
      await failing.close();
    }
  });

  it('waits for an asynchronous onApiCall while Python blocks', { timeout: SLOW_MS }, async () => {
    const slow = createSandboxPool({
      size: 1,
      onApiCall: async (_session, _app, api) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { status: 200, body: { api } };
      },
    });
    try {
      const result = await slow
        .openSession('t')
        .execute('print([apis.a.first()["api"], apis.a.second()["api"]])');
      expect(result.observation).toBe('[\n  "first",\n  "second"\n]\n');
      expect(result.durationMs).toBeGreaterThanOrEqual(90);
    } finally {
      await slow.close();
    }
  });

  it('rejects garbage written straight to the bridge device', async () => {
    const before = world.calls.length;
    const result = await session().execute(
      'import os\nfd = os.open("/dev/world", os.O_RDWR)\nos.write(fd, b"not json")\nprint(os.read(fd, 1000))\nos.close(fd)',
    );
    expect(result.observation).toMatch(/"status":400/);
    expect(world.calls.length).toBe(before);
  });
});

describe('sessions', () => {
  it('keeps variables, functions and imports from step to step', async () => {
    const s = session();
    await s.execute('import json\ncount = 1\ndef bump():\n    global count\n    count += 1');
    await s.execute('bump()\nbump()');
    expect((await s.execute('print(json.dumps({"count": count}))')).observation).toBe('{"count": 3}\n');
  });

  it('never shows one task the variables of another on the same worker', async () => {
    const a = session();
    const b = session();
    await a.execute('secret = "a-only"');
    const seen = await b.execute('print(secret)');
    expect(seen.observation).toMatch(/NameError: name 'secret' is not defined/);
    expect(pool.stats().workers).toHaveLength(1);
  });

  it('gives each task its own builtins and apis object', async () => {
    const a = session();
    const b = session();
    const first = await a.execute('__builtins__["len"] = lambda x: -1\nprint(len([1, 2]), id(apis))');
    const second = await b.execute('print(len([1, 2]), id(apis))');
    const [lenA, apisA] = first.observation.trim().split(' ');
    const [lenB, apisB] = second.observation.trim().split(' ');
    expect([lenA, lenB]).toEqual(['-1', '2']);
    expect(apisA).not.toBe(apisB);
  });

  it('keeps working for other tasks after one replaces functions in shared modules', async () => {
    const vandal = session();
    await vandal.execute(
      'import json, os, signal\njson.dumps = json.loads = None\nos.read = os.write = os.open = None\nsignal.signal = None',
    );
    try {
      const result = await session().execute('print(apis.echo.say(ok=True)["ok"], {"a": 1})');
      expect(result.observation).toBe('True {\n  "a": 1\n}\n');
    } finally {
      await vandal.execute(
        'import importlib, posix, _signal\nimportlib.reload(json)\nos.read, os.write, os.open = posix.read, posix.write, posix.open\n' +
          'signal.signal = _signal.signal',
      );
    }
  });

  it('forgets variables when a session closes and refuses further steps', async () => {
    const s = session();
    await s.execute('x = 1');
    s.close();
    const after = await s.execute('print(x)');
    expect(after.error?.kind).toBe('rejected');
    const reopened = pool.openSession(s.id);
    expect((await reopened.execute('print(x)')).observation).toMatch(/NameError/);
    reopened.close();
  });

  it('refuses to open the same session twice', () => {
    const s = session();
    expect(() => pool.openSession(s.id)).toThrow(/already open/);
  });
});

describe('code admission', () => {
  it('rejects huge code without running it', async () => {
    const result = await session().execute(`x = "${'a'.repeat(200_000)}"`);
    expect(result.error?.kind).toBe('rejected');
    expect(result.observation).toMatch(
      /^Execution failed: the code is 200006 bytes; the limit is 100000 bytes/,
    );
  });

  it('rejects binary code', async () => {
    const result = await session().execute('print(1)\0\u0001');
    expect(result.error?.kind).toBe('rejected');
  });
});
