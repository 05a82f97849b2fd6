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

process.on('message', (message) => {
  switch (message?.t) {
    case 'exec':
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
