import { describe, expect, it } from 'vitest';
import { childLaunch, permissionFlags } from './launch.ts';
import { admissionProblem, fromReport, memoryExceeded, timeoutKilled } from './observation.ts';

const limits = { timeoutMs: 10_000, pythonHeapLimitMb: 768 };

describe('observations', () => {
  it('says "Execution successful." when nothing was printed', () => {
    expect(fromReport({ status: 'ok', output: '', omitted: 0 }, null, limits)).toEqual({
      observation: 'Execution successful.',
      ok: true,
    });
  });

  it('notes truncated output and reports it as an output error while the step still succeeded', () => {
    const outcome = fromReport({ status: 'ok', output: 'abc', omitted: 1234 }, null, limits);
    expect(outcome.observation).toBe('abc\n[output truncated: 1234 characters omitted]');
    expect(outcome.ok).toBe(true);
    expect(outcome.error).toEqual({ kind: 'output', message: 'output truncated: 1234 characters omitted' });
  });

  it('puts printed output before the traceback of a failed step', () => {
    const outcome = fromReport(
      {
        status: 'api_error',
        output: 'before',
        omitted: 0,
        trace: '  File "<python-input>", line 2, in <module>\n    apis.a.b()\n',
        summary: 'Exception: Response status code is 422:\n{"message": "bad"}\n',
      },
      null,
      limits,
    );
    expect(outcome.observation).toBe(
      'before\nExecution failed. Traceback:\n  File "<python-input>", line 2, in <module>\n    apis.a.b()\n' +
        'Exception: Response status code is 422:\n{"message": "bad"}',
    );
    expect(outcome.error).toEqual({
      kind: 'api_error',
      message: 'Response status code is 422: {"message": "bad"}',
    });
  });

  it('turns an interrupt the server asked for into a timeout, and one the code raised into an exception', () => {
    const report = {
      status: 'interrupted' as const,
      output: '',
      omitted: 0,
      trace: '  File "<python-input>", line 1, in <module>\n',
      summary: 'KeyboardInterrupt\n',
    };
    const timeout = fromReport(report, 'timeout', limits);
    expect(timeout.error?.kind).toBe('timeout');
    expect(timeout.observation).toMatch(/TimeoutError: the step ran longer than the 10 s limit/);
    expect(fromReport(report, null, limits).error?.kind).toBe('exception');
    expect(fromReport(report, 'cancelled', limits).error?.kind).toBe('cancelled');
  });

  it('words restarts so the agent knows its variables are gone', () => {
    expect(memoryExceeded(1100, 1024).observation).toBe(
      'Execution failed: memory limit exceeded (1100 MB used, the limit is 1024 MB); the sandbox was restarted and variables from earlier steps are lost.',
    );
    expect(timeoutKilled(2500).observation).toMatch(
      /2\.5 s limit and did not stop when interrupted; the sandbox was restarted/,
    );
  });
});

describe('admission', () => {
  it('accepts ordinary source', () => {
    expect(admissionProblem('x = 1\n\tprint(x)\r\n', 100)).toBeNull();
  });

  it('refuses code over the size limit, counting UTF-8 bytes', () => {
    expect(admissionProblem('é'.repeat(60), 100)).toMatch(/120 bytes; the limit is 100 bytes/);
  });

  it('refuses NUL bytes, control characters and broken Unicode', () => {
    expect(admissionProblem('x = 1\0', 100)).toMatch(/NUL byte/);
    expect(admissionProblem('x = "\u0007"', 100)).toMatch(/binary data/);
    expect(admissionProblem('x = "\uD800"', 100)).toMatch(/binary data/);
  });
});

describe('launch', () => {
  it('starts workers with no code generation, no inherited environment and the permission model', () => {
    const launch = childLaunch({
      memoryLimitMb: 512,
      pythonHeapLimitMb: 256,
      jsHeapMb: 128,
      outputLimit: 100,
      maxRequestChars: 1000,
    });
    expect(launch.execArgv).toContain('--disallow-code-generation-from-strings');
    expect(launch.execArgv).toContain('--max-old-space-size=128');
    expect(
      launch.execArgv.some((flag) => flag === '--permission' || flag === '--experimental-permission'),
    ).toBe(true);
    expect(launch.execArgv.some((flag) => flag.startsWith('--allow-child-process'))).toBe(false);
    expect(launch.execArgv.some((flag) => flag.startsWith('--allow-fs-write'))).toBe(false);
    expect(launch.execArgv.some((flag) => flag.includes('tsx'))).toBe(false);
    expect(launch.env).toEqual({});
    expect(launch.script.endsWith('relay.mjs')).toBe(true);
  });

  it('grants reads folder by folder', () => {
    expect(permissionFlags(['/a', '/b'])).toEqual(
      expect.arrayContaining(['--allow-fs-read=/a/*', '--allow-fs-read=/b/*']),
    );
  });
});
