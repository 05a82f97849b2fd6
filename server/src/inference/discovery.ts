import type { DiscoveredServer, ServedModel, ServerKind } from '@trellis/shared';
import { getText, readModels } from './probe.ts';

export interface PortGuess {
  port: number;
  /** The server that usually listens there, used when its answers do not say. */
  kind: ServerKind;
}

/** The ports local inference servers listen on by default. */
export const DEFAULT_PORTS: readonly PortGuess[] = [
  { port: 8000, kind: 'vllm' },
  { port: 30000, kind: 'sglang' },
  { port: 8080, kind: 'llamacpp' },
  { port: 11434, kind: 'ollama' },
  { port: 1234, kind: 'lmstudio' },
];

export interface DiscoveryOptions {
  host?: string;
  ports?: readonly PortGuess[];
  /** Per port; all ports are tried at once. */
  timeoutMs?: number;
}

const OWNERS: Record<string, ServerKind> = {
  vllm: 'vllm',
  sglang: 'sglang',
  llamacpp: 'llamacpp',
  'llama.cpp': 'llamacpp',
  library: 'ollama',
  ollama: 'ollama',
  organization_owner: 'lmstudio',
};

function guessKind(models: ServedModel[], body: string, fallback: ServerKind): ServerKind {
  for (const model of models) {
    const owner = model.ownedBy ? OWNERS[model.ownedBy] : undefined;
    if (owner) return owner;
  }
  if (body.includes('"n_ctx_train"')) return 'llamacpp';
  return fallback;
}

/**
 * Looks for OpenAI-compatible servers on the usual local ports, in parallel with short timeouts. A server
 * that wants an API key is listed with no models. `registered` is left false for the caller to fill in.
 */
export async function discoverLocalServers(options: DiscoveryOptions = {}): Promise<DiscoveredServer[]> {
  const host = options.host ?? '127.0.0.1';
  const shownHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const timeoutMs = options.timeoutMs ?? 800;
  const ports = options.ports ?? DEFAULT_PORTS;
  const found = await Promise.all(
    ports.map(async ({ port, kind }): Promise<DiscoveredServer | null> => {
      const baseUrl = `http://${shownHost}:${port}/v1`;
      const result = await getText(`${baseUrl}/models`, null, timeoutMs);
      if (!result.ok) return null;
      if (result.status === 401 || result.status === 403) {
        return { baseUrl, kind, port, models: [], registered: false };
      }
      if (result.status !== 200) return null;
      const models = readModels(result.body);
      if (models === null) return null;
      return { baseUrl, kind: guessKind(models, result.body, kind), port, models, registered: false };
    }),
  );
  return found.filter((server): server is DiscoveredServer => server !== null);
}
