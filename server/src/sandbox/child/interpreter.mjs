// The interpreter thread of a sandbox process. It loads Pyodide with a hand-made `require` that offers no
// processes, no network and no host file system, closes every path from Python to JavaScript (runtime.py's
// lockdown), and then runs one step at a time. A call from Python to the world is a write and a read on
// /dev/world: the device posts the request to the relay thread and blocks on Atomics.wait until the answer
// is back, so agent code sees an ordinary synchronous function. Only strings of JSON cross.
import nodeCrypto from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';

const started = performance.now();
const { indexDir, runtimePath, controlBuffer, interruptBuffer, replyPort, heapLimitMb, settings } =
  workerData;
const control = new Int32Array(controlBuffer);
const interrupt = new Int32Array(interruptBuffer);
// control[0] while a call to the world is out: the relay sets ANSWERED, or anything else to abandon it.
const WAITING = 0;
const ANSWERED = 1;
const WASM_PAGE = 65536;
const INITIAL_PAGES = 20971520 / WASM_PAGE;
const EIO = 29;
const EFBIG = 22;
const EMPTY_REQUEST = '{"status":400,"body":{"message":"empty request"}}';

function refuseNetwork() {
  const error = new Error('network access is not available in the sandbox');
  error.name = 'ErrnoError';
  error.errno = 138;
  throw error;
}
refuseNetwork.Server = refuseNetwork;

// What Pyodide's Emscripten glue gets from `require`. Stock Pyodide hands it the real child_process (os.system
// runs a host shell), ws (sockets reach host ports) and fs (mountNodeFS exposes host directories).
const glueModules = {
  fs: Object.freeze({}),
  'node:fs': Object.freeze({ fsyncSync() {} }),
  'node:tty': Object.freeze({ isatty: () => false }),
  path: nodePath,
  crypto: Object.freeze({ randomFillSync: (view) => nodeCrypto.randomFillSync(view) }),
  child_process: Object.freeze({ spawnSync: () => ({ status: 127, signal: null }) }),
  ws: Object.freeze(refuseNetwork),
};
function glueRequire(name) {
  if (Object.hasOwn(glueModules, name)) return glueModules[name];
  throw new Error(`module '${name}' is not available in the sandbox`);
}

function loadGlue() {
  const file = nodePath.join(indexDir, 'pyodide.asm.js');
  const source = fs.readFileSync(file, 'utf8');
  const params = ['require', '__filename', '__dirname', 'module', 'exports'];
  const factory = vm.compileFunction(source, params, {
    filename: file,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  factory(glueRequire, file, indexDir, { exports: {} }, {});
  const create = globalThis._createPyodideModule;
  // The Python heap is a WebAssembly memory we size: past the maximum, malloc fails and Python raises
  // MemoryError instead of the process growing.
  globalThis._createPyodideModule = (moduleSettings) => {
    const initial = Math.max(INITIAL_PAGES, Math.ceil((moduleSettings.INITIAL_MEMORY ?? 0) / WASM_PAGE));
    const maximum = Math.max(initial, Math.min(65536, Math.floor((heapLimitMb * 1048576) / WASM_PAGE)));
    moduleSettings.wasmMemory = new WebAssembly.Memory({ initial, maximum });
    return create(moduleSettings);
  };
}

const INTERRUPTED_RESULT = JSON.stringify({
  status: 'interrupted',
  trace: '',
  summary: 'KeyboardInterrupt\n',
  output: '',
  omitted: 0,
});

function callWorld(request) {
  while (receiveMessageOnPort(replyPort)) {
    // Drop answers to calls an interrupt abandoned.
  }
  if (Atomics.load(interrupt, 0) !== 0) return '{"interrupted":true}';
  Atomics.store(control, 0, WAITING);
  parentPort.postMessage({ t: 'api', request });
  Atomics.wait(control, 0, WAITING);
  if (Atomics.load(control, 0) !== ANSWERED) return '{"interrupted":true}';
  const received = receiveMessageOnPort(replyPort);
  return received
    ? received.message
    : '{"status":500,"body":{"message":"the answer to the API call was lost"}}';
}

function installBridge(FS) {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const maxRequestBytes = settings.max_request_chars * 4 + 1024;
  let chunks = [];
  let size = 0;
  let answer = null;
  let position = 0;
  const device = FS.makedev(64, 0);
  FS.registerDevice(device, {
    open() {
      chunks = [];
      size = 0;
      answer = null;
    },
    close() {},
    fsync() {},
    // A JavaScript exception thrown from a device operation is fatal to the interpreter; only ErrnoError
    // may leave these two functions.
    write(_stream, buffer, offset, length) {
      if (size + length > maxRequestBytes) throw new FS.ErrnoError(EFBIG);
      try {
        chunks.push(new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length).slice());
      } catch {
        throw new FS.ErrnoError(EIO);
      }
      size += length;
      return length;
    },
    read(_stream, buffer, offset, length) {
      try {
        if (answer === null) {
          const request = Buffer.concat(chunks, size);
          chunks = [];
          size = 0;
          answer = encoder.encode(request.length === 0 ? EMPTY_REQUEST : callWorld(decoder.decode(request)));
          position = 0;
        }
        const count = Math.min(length, answer.length - position);
        new Uint8Array(buffer.buffer, buffer.byteOffset + offset, count).set(
          answer.subarray(position, position + count),
        );
        position += count;
        return count;
      } catch {
        throw new FS.ErrnoError(EIO);
      }
    },
  });
  const ensure = () => {
    if (!FS.analyzePath('/dev/world').exists) FS.mkdev('/dev/world', device);
  };
  ensure();
  return ensure;
}

async function start() {
  process.argv = [process.argv[0], 'python'];
  // The glue's NODEFS reads fs flags through process.binding, which the permission model refuses; NODEFS
  // itself is dead here (its fs is empty), so empty flags do.
  Object.defineProperty(process, 'binding', {
    configurable: true,
    value: (name) => {
      if (name === 'constants') return { fs: {} };
      throw new Error('process.binding is not available in the sandbox');
    },
  });
  loadGlue();
  const { loadPyodide } = await import(pathToFileURL(nodePath.join(indexDir, 'pyodide.mjs')).href);
  const discard = { write: (buffer) => buffer.length, isatty: false };
  const pyodide = await loadPyodide({
    indexURL: `${indexDir}/`,
    jsglobals: {},
    env: {},
    stdout: () => {},
    stderr: () => {},
  });
  pyodide.setStdout(discard);
  pyodide.setStderr(discard);
  pyodide.setStdin({ stdin: () => null });
  pyodide.setInterruptBuffer(interrupt);
  const ensureBridge = installBridge(pyodide.FS);

  const loadedAt = performance.now();
  const namespace = pyodide.toPy({ __name__: 'sandbox_runtime' });
  pyodide.runPython(fs.readFileSync(runtimePath, 'utf8'), {
    globals: namespace,
    filename: '<sandbox-runtime>',
  });
  const run = namespace.get('run');
  const drop = namespace.get('drop');
  namespace.get('configure')(JSON.stringify(settings));
  const lockdownAt = performance.now();
  namespace.get('lockdown')();
  const lockedAt = performance.now();
  namespace.destroy();

  for (const name of ['_createPyodideModule', 'fetch', 'WebSocket', 'EventSource', 'XMLHttpRequest']) {
    delete globalThis[name];
  }
  for (const name of ['getBuiltinModule', 'binding', 'dlopen']) {
    try {
      Object.defineProperty(process, name, { configurable: false, value: undefined });
    } catch {
      // Already refused by the permission model.
    }
  }

  parentPort.on('message', (message) => {
    if (message.t === 'exec') {
      let result;
      try {
        result = run(message.session, message.code);
      } catch (error) {
        if (error?.type !== 'KeyboardInterrupt') {
          parentPort.postMessage({
            t: 'fatal',
            message: `the interpreter failed: ${String(error?.message ?? error)}`,
          });
          process.exit(1);
        }
        // The interrupt landed in the runtime's own bookkeeping, after the step's code had stopped.
        result = INTERRUPTED_RESULT;
      }
      ensureBridge();
      parentPort.postMessage({ t: 'done', id: message.id, result });
    } else if (message.t === 'drop') {
      try {
        drop(message.session);
      } catch {
        // An interrupt meant for the step queued behind this one; that step is stopped by it again.
      }
    }
  });
  parentPort.postMessage({
    t: 'ready',
    startMs: Math.round(performance.now() - started),
    phasesMs: {
      load: Math.round(loadedAt - started),
      runtime: Math.round(lockdownAt - loadedAt),
      lockdown: Math.round(lockedAt - lockdownAt),
    },
  });
}

start().catch((error) => {
  parentPort.postMessage({
    t: 'fatal',
    message: `the interpreter did not start: ${String(error?.stack ?? error)}`,
  });
  process.exit(1);
});
