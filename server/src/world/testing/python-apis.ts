import { loadPyodide, type PyodideInterface } from 'pyodide';
import type { World } from '../world.ts';

// A plain test harness, not a sandbox: `apis.<app>.<api>(**kwargs)` forwards to `world.call` as JSON and raises
// ApiError (carrying the status code and message) on anything but 200, the way the agent's interpreter reports it.
const PRELUDE = `
import json

class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(f"Response status code is {status}: {message}")
        self.status = status
        self.message = message

class _App:
    def __init__(self, call, name):
        self._call = call
        self._name = name

    def __getattr__(self, api):
        if api.startswith("_"):
            raise AttributeError(api)
        def invoke(**kwargs):
            result = json.loads(self._call(self._name, api, json.dumps(kwargs)))
            if result["status"] != 200:
                raise ApiError(result["status"], result["body"].get("message", ""))
            return result["body"]
        return invoke

class Apis:
    def __init__(self, call):
        self._call = call

    def __getattr__(self, app):
        if app.startswith("_"):
            raise AttributeError(app)
        return _App(self._call, app)

def _fresh_namespace():
    return {"apis": Apis(_world_call), "ApiError": ApiError}
`;

export interface PythonRun {
  ok: boolean;
  error: string | null;
  stdout: string;
}

export interface PythonApis {
  /** Runs `code` with a fresh `apis` bound to `world`; nothing carries over from an earlier run. */
  run(world: World, code: string): PythonRun;
}

export async function loadPythonApis(): Promise<PythonApis> {
  const pyodide: PyodideInterface = await loadPyodide();
  let current: World | null = null;
  let stdout: string[] = [];
  pyodide.setStdout({ batched: (line) => stdout.push(line) });
  pyodide.globals.set('_world_call', (app: string, api: string, kwargs: string) => {
    if (!current) throw new Error('no world bound');
    return JSON.stringify(current.call(app, api, JSON.parse(kwargs) as Record<string, unknown>));
  });
  pyodide.runPython(PRELUDE);
  return {
    run(world, code) {
      current = world;
      stdout = [];
      const namespace = pyodide.globals.get('_fresh_namespace')();
      try {
        pyodide.runPython(code, { globals: namespace });
        return { ok: true, error: null, stdout: stdout.join('\n') };
      } catch (error) {
        return {
          ok: false,
          error: error instanceof Error ? error.message : String(error),
          stdout: stdout.join('\n'),
        };
      } finally {
        namespace.destroy();
        current = null;
      }
    },
  };
}
