import type { StepReport } from './protocol.ts';
import type { ExecutionError } from './types.ts';

// Observations follow AppWorld's wording so prompts and parsers written for it work unchanged: printed
// output (dicts and lists printed as JSON), "Execution successful." when nothing was printed, and
// "Execution failed. Traceback:" followed by the agent's frames and the exception.

export interface Outcome {
  observation: string;
  ok: boolean;
  error?: ExecutionError;
}

export const SUCCESS = 'Execution successful.';
export const FAILED = 'Execution failed. Traceback:\n';
const RESTARTED = 'the sandbox was restarted and variables from earlier steps are lost';

/** Why the server interrupted a step, if it did. */
export type InterruptReason = 'timeout' | 'cancelled' | null;

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function truncationNote(omitted: number): string {
  return `[output truncated: ${omitted} characters omitted]`;
}

/** Printed output, ready to be followed by more text on a new line. */
function printed(report: StepReport): string {
  let text = report.output;
  if (report.omitted > 0) {
    text += `${text.endsWith('\n') || text === '' ? '' : '\n'}${truncationNote(report.omitted)}\n`;
  }
  if (text !== '' && !text.endsWith('\n')) text += '\n';
  return text;
}

function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}

/** Turns the interpreter's report on a step into what the agent reads. */
export function fromReport(
  report: StepReport,
  interrupted: InterruptReason,
  limits: { timeoutMs: number; pythonHeapLimitMb: number },
): Outcome {
  const trace = report.trace ?? '';
  const summary = report.summary ?? '';
  switch (report.status) {
    case 'ok': {
      if (report.omitted > 0) {
        return {
          observation: printed(report).trimEnd(),
          ok: true,
          error: { kind: 'output', message: truncationNote(report.omitted).slice(1, -1) },
        };
      }
      return { observation: report.output === '' ? SUCCESS : report.output, ok: true };
    }
    case 'syntax':
      return {
        observation: `${printed(report)}${FAILED}${trace}`.trimEnd(),
        ok: false,
        error: { kind: 'syntax', message: oneLine(summary) },
      };
    case 'api_error': {
      const message = oneLine(summary).replace(/^Exception: /, '');
      return {
        observation: `${printed(report)}${FAILED}${trace}${summary}`.trimEnd(),
        ok: false,
        error: { kind: 'api_error', message },
      };
    }
    case 'interrupted':
      if (interrupted === 'timeout') {
        const line = `TimeoutError: the step ran longer than the ${seconds(limits.timeoutMs)} limit and was stopped; variables from earlier steps are kept.`;
        return {
          observation: `${printed(report)}${FAILED}${trace}${line}`,
          ok: false,
          error: {
            kind: 'timeout',
            message: `execution exceeded ${limits.timeoutMs} ms and was interrupted`,
          },
        };
      }
      if (interrupted === 'cancelled') {
        return {
          observation: `${printed(report)}Execution cancelled.`,
          ok: false,
          error: { kind: 'cancelled', message: 'execution was cancelled' },
        };
      }
      break;
    case 'exception':
      if (/^MemoryError\b/.test(summary)) {
        const line = `MemoryError: the step needed more than the ${limits.pythonHeapLimitMb} MB the sandbox allows Python; variables from earlier steps are kept.`;
        return {
          observation: `${printed(report)}${FAILED}${trace}${line}`,
          ok: false,
          error: { kind: 'memory', message: `Python heap limit of ${limits.pythonHeapLimitMb} MB reached` },
        };
      }
      break;
  }
  return {
    observation: `${printed(report)}${FAILED}${trace}${summary}`.trimEnd(),
    ok: false,
    error: { kind: 'exception', message: oneLine(summary.split('\n').filter(Boolean).at(-1) ?? summary) },
  };
}

export function timeoutKilled(timeoutMs: number): Outcome {
  return {
    observation: `Execution failed: the step ran longer than the ${seconds(timeoutMs)} limit and did not stop when interrupted; ${RESTARTED}.`,
    ok: false,
    error: { kind: 'timeout', message: `execution exceeded ${timeoutMs} ms and the worker was killed` },
  };
}

export function memoryExceeded(rssMb: number, limitMb: number): Outcome {
  return {
    observation: `Execution failed: memory limit exceeded (${rssMb} MB used, the limit is ${limitMb} MB); ${RESTARTED}.`,
    ok: false,
    error: {
      kind: 'memory',
      message: `memory limit exceeded (${rssMb} MB of ${limitMb} MB); worker replaced`,
    },
  };
}

export function crashed(reason: string): Outcome {
  return {
    observation: `Execution failed: the sandbox stopped unexpectedly (${reason}); ${RESTARTED}.`,
    ok: false,
    error: { kind: 'crash', message: reason },
  };
}

export function cancelled(): Outcome {
  return {
    observation: 'Execution cancelled.',
    ok: false,
    error: { kind: 'cancelled', message: 'execution was cancelled' },
  };
}

export function rejected(message: string): Outcome {
  return { observation: `Execution failed: ${message}`, ok: false, error: { kind: 'rejected', message } };
}

/** A note put before the first observation after a session lost its variables to another step's restart. */
export const RESTART_NOTE = `[Note: ${RESTARTED} since the previous step.]\n`;

/** Refuses code that is too large or is not text; returns why, or null when the code may run. */
export function admissionProblem(code: string, maxBytes: number): string | null {
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > maxBytes) {
    return `the code is ${bytes} bytes; the limit is ${maxBytes} bytes. Send a shorter step.`;
  }
  if (code.includes('\0')) return 'the code contains a NUL byte; send plain Python source text.';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point.
  if (/[\u0001-\u0008\u000e-\u001f\u007f]/.test(code) || /\p{Cs}/u.test(code)) {
    return 'the code contains binary data (control characters or broken Unicode); send plain Python source text.';
  }
  return null;
}
