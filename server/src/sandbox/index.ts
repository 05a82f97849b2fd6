export { childLaunch, permissionFlags, pyodideDirectory } from './launch.ts';
export { createSandboxPool } from './pool.ts';
export type {
  ApiCallHandler,
  ApiCallRecord,
  ApiCallResult,
  ExecuteOptions,
  ExecutionError,
  ExecutionErrorKind,
  ExecutionResult,
  SandboxPool,
  SandboxPoolOptions,
  SandboxPoolStats,
  SandboxSession,
  SandboxWorkerState,
  SandboxWorkerStats,
} from './types.ts';
