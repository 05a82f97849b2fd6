// The main thread of a sandbox process. It owns the IPC channel to the server and relays between it and the
// interpreter thread: steps in, API calls out and their answers back in, results out. It also sets the
// interrupt buffer on request and watches the process's memory. It never runs agent code itself, so it
// stays responsive while the interpreter is busy or blocked.
import { MessageChannel, Worker } from 'node:worker_threads';

const config = JSON.parse(process.argv[2] ?? '{}');
const control = new Int32Array(new SharedArrayBuffer(4));
const interrupt = new Int32Array(new SharedArrayBuffer(4));
const ANSWERED = 1;
const INTERRUPTED = 2;
const channel = new MessageChannel();
let currentStep = null;
let callPending = false;
let stopping = false;

function send(message) {
  if (process.connected) process.send(message);
}

function stop(code) {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(code), 50);
}

const interpreter = startInterpreter();

function startInterpreter() {
  const worker = new Worker(new URL('./interpreter.mjs', import.meta.url), {
    workerData: {
      indexDir: config.indexDir,
      runtimePath: config.runtimePath,
      controlBuffer: control.buffer,
      interruptBuffer: interrupt.buffer,
      replyPort: channel.port2,
      heapLimitMb: config.heapLimitMb,
      settings: config.settings,
    },
    transferList: [channel.port2],
    env: {},
    resourceLimits: { maxOldGenerationSizeMb: config.jsHeapMb },
  });
  worker.on('message', (message) => {
    switch (message.t) {
      case 'ready':
        send({ t: 'ready', startMs: message.startMs, phasesMs: message.phasesMs, rssMb: rssMb() });
        break;
      case 'api':
        callPending = true;
        send({ t: 'api', id: currentStep, request: message.request });
        break;
      case 'done':
        currentStep = null;
        stopReasserting();
        Atomics.store(interrupt, 0, 0);
        callPending = false;
        send({ t: 'done', id: message.id, result: message.result, rssMb: rssMb() });
        break;
      case 'fatal':
        send({ t: 'fatal', message: message.message });
        stop(1);
        break;
    }
  });
  worker.on('error', (error) => {
    send({ t: 'fatal', message: `the interpreter thread failed: ${String(error?.message ?? error)}` });
    stop(1);
  });
  worker.on('exit', (code) => {
    send({ t: 'fatal', message: `the interpreter thread exited (code ${code})` });
    stop(1);
  });
  return worker;
}

// The interpreter consumes an interrupt when it looks at the buffer; one that lands where an exception is
// swallowed (C code that clears errors, a handler the step set to ignore SIGINT and that has not been
// restored yet) is lost. Until the step ends, or its worker is killed, the interrupt is set again.
const REASSERT_MS = 100;
let reasserting = null;

function reassertInterrupt(id) {
  stopReasserting();
  reasserting = setInterval(() => {
    if (currentStep === id) Atomics.store(interrupt, 0, 2);
    else stopReasserting();
  }, REASSERT_MS);
}

function stopReasserting() {
  if (reasserting !== null) clearInterval(reasserting);
  reasserting = null;
}

process.on('message', (message) => {
  switch (message?.t) {
    case 'exec':
      // Cleared here, not when the interpreter picks the step up: an interrupt that arrives before the
      // interpreter thread gets to the step (a busy machine) must still stop it.
      Atomics.store(interrupt, 0, 0);
      currentStep = message.id;
      interpreter.postMessage(message);
      break;
    case 'reply':
      if (message.id === currentStep && callPending) {
        callPending = false;
        channel.port1.postMessage(message.reply);
        Atomics.store(control, 0, ANSWERED);
        Atomics.notify(control, 0);
      }
      break;
    case 'interrupt':
      if (message.id === currentStep) {
        Atomics.store(interrupt, 0, 2);
        reassertInterrupt(message.id);
        if (callPending) {
          callPending = false;
          Atomics.store(control, 0, INTERRUPTED);
          Atomics.notify(control, 0);
        }
      }
      break;
    case 'drop':
      interpreter.postMessage(message);
      break;
  }
});
// The server went away: nothing is left to serve.
process.on('disconnect', () => process.exit(0));

function rssMb() {
  return Math.round(process.memoryUsage.rss() / 1048576);
}

const watchdog = setInterval(() => {
  const rss = rssMb();
  if (rss > config.memoryLimitMb) {
    clearInterval(watchdog);
    send({ t: 'memory', rssMb: rss });
    stop(137);
  }
}, config.memoryPollMs ?? 100);
