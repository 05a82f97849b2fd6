import {
  DEFAULT_TIMEOUTS,
  type DiscoveredServer,
  EndpointInput,
  type EndpointInputParsed,
  EndpointPatch,
  type EndpointVerification,
  type InferenceError,
  type SavedEndpoint,
} from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { HttpError, notFound, parseWith } from '../http/errors.ts';
import { discoverLocalServers } from '../inference/discovery.ts';
import { probeEndpoint } from '../inference/probe.ts';
import { verifyEndpoint } from '../inference/verify.ts';
import { type EndpointFields, type EndpointRecord, toPublic } from '../store/endpoints.ts';

const IdParams = z.object({ id: z.string().min(1).max(64) });

const VerifyBody = z
  .object({
    baseUrl: EndpointInput.shape.baseUrl,
    apiKey: z.string().max(4096).optional(),
    model: z.string().trim().min(1).max(256).optional(),
  })
  .strict();

function fieldsFromInput(input: EndpointInputParsed, source: 'store' | 'config'): EndpointFields {
  return {
    name: input.name,
    baseUrl: input.baseUrl,
    kind: input.kind,
    apiKey: input.apiKey ?? null,
    defaultModel: input.defaultModel ?? null,
    defaultParams: input.defaultParams,
    timeouts: { ...DEFAULT_TIMEOUTS, ...input.timeouts },
    source,
  };
}

function rejected(error: InferenceError): HttpError {
  return new HttpError(422, `endpoint_${error.code}`, error.message, {
    inference: error,
  });
}

async function verifyOrThrow(fields: EndpointFields): Promise<EndpointVerification> {
  const result = await verifyEndpoint({
    baseUrl: fields.baseUrl,
    apiKey: fields.apiKey ?? undefined,
    model: fields.defaultModel ?? undefined,
    timeoutMs: fields.timeouts.connectMs,
  });
  if (!result.ok) throw rejected(result.error);
  return result.verification;
}

/** Declared endpoints (config file or TRELLIS_ENDPOINTS) are upserted by name at start-up. */
export function seedConfiguredEndpoints(ctx: AppContext): void {
  for (const input of ctx.config.endpoints) {
    const fields = fieldsFromInput(input, 'config');
    const existing = ctx.endpoints.getByName(input.name);
    if (existing) ctx.endpoints.update(existing.id, fields);
    else ctx.endpoints.create(fields);
  }
}

export function endpointRoutes(ctx: AppContext): FastifyPluginAsync {
  let lastScan: DiscoveredServer[] = [];
  let scanning: Promise<DiscoveredServer[]> | null = null;

  const scan = (): Promise<DiscoveredServer[]> => {
    scanning ??= discoverLocalServers({})
      .then((found) => {
        const registered = new Set(ctx.endpoints.list().map((e) => e.baseUrl));
        lastScan = found.map((server) => ({ ...server, registered: registered.has(server.baseUrl) }));
        return lastScan;
      })
      .finally(() => {
        scanning = null;
      });
    return scanning;
  };

  const mustGet = (id: string): EndpointRecord => {
    const record = ctx.endpoints.get(id);
    if (!record) throw notFound('endpoint', id);
    return record;
  };

  const mustBeEditable = (record: EndpointRecord): void => {
    if (record.source === 'config') {
      throw new HttpError(
        409,
        'declared_in_config',
        `endpoint '${record.name}' is declared at start-up (TRELLIS_ENDPOINTS or TRELLIS_CONFIG); change it there`,
      );
    }
  };

  const nameTaken = (name: string, exceptId?: string): void => {
    const other = ctx.endpoints.getByName(name);
    if (other && other.id !== exceptId) {
      throw new HttpError(409, 'name_taken', `an endpoint named '${other.name}' already exists`);
    }
  };

  return async (app) => {
    if (ctx.config.discovery) {
      void scan().catch(() => undefined);
    }

    app.get('/endpoints', async () => ctx.endpoints.list().map(toPublic));

    app.get('/endpoints/:id', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return toPublic(mustGet(id));
    });

    app.post('/endpoints', async (request, reply) => {
      const input = parseWith(EndpointInput, request.body);
      nameTaken(input.name);
      const fields = fieldsFromInput(input, 'store');
      const verification = input.verify ? await verifyOrThrow(fields) : null;
      nameTaken(input.name);
      const created = ctx.endpoints.create(fields);
      const answer: SavedEndpoint = { ...toPublic(created), verification };
      return reply.status(201).send(answer);
    });

    app.patch('/endpoints/:id', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const patch = parseWith(EndpointPatch, request.body);
      const current = mustGet(id);
      mustBeEditable(current);
      if (patch.name !== undefined) nameTaken(patch.name, id);
      const next: EndpointFields = {
        name: patch.name ?? current.name,
        baseUrl: patch.baseUrl ?? current.baseUrl,
        kind: patch.kind ?? current.kind,
        apiKey: patch.apiKey === undefined ? current.apiKey : patch.apiKey,
        defaultModel: patch.defaultModel === undefined ? current.defaultModel : patch.defaultModel,
        defaultParams: patch.defaultParams ?? current.defaultParams,
        timeouts: { ...current.timeouts, ...patch.timeouts },
        source: 'store',
      };
      const connectionChanged =
        next.baseUrl !== current.baseUrl ||
        next.apiKey !== current.apiKey ||
        next.defaultModel !== current.defaultModel;
      const verification = patch.verify !== false && connectionChanged ? await verifyOrThrow(next) : null;
      const answer: SavedEndpoint = { ...toPublic(ctx.endpoints.update(id, next)), verification };
      return answer;
    });

    app.delete('/endpoints/:id', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      mustBeEditable(mustGet(id));
      ctx.endpoints.delete(id);
      return reply.status(204).send();
    });

    app.get('/endpoints/:id/health', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const record = mustGet(id);
      return probeEndpoint({
        baseUrl: record.baseUrl,
        apiKey: record.apiKey ?? undefined,
        kind: record.kind,
        timeoutMs: Math.min(record.timeouts.connectMs, 5_000),
      });
    });

    /** Checks a server before it is saved: reachable, model served, key accepted; says what it could not check. */
    app.post('/endpoints/verify', async (request) => {
      const body = parseWith(VerifyBody, request.body);
      const result = await verifyEndpoint({
        baseUrl: body.baseUrl,
        apiKey: body.apiKey,
        model: body.model,
        timeoutMs: DEFAULT_TIMEOUTS.connectMs,
      });
      if (!result.ok) throw rejected(result.error);
      return { ok: true, ...result.verification };
    });

    app.get('/discovery', async () => {
      const registered = new Set(ctx.endpoints.list().map((e) => e.baseUrl));
      return lastScan.map((server) => ({ ...server, registered: registered.has(server.baseUrl) }));
    });

    app.post('/discovery/scan', async () => scan());
  };
}
