import {
  DEFAULT_TIMEOUTS,
  type DiscoveredServer,
  type EndpointHealth,
  type EndpointInputParsed,
  type EndpointPatch,
  type EndpointVerification,
  type InferenceError,
  type SavedEndpoint,
} from '@trellis/shared';
import type { z } from 'zod';
import { DomainError } from '../domain-errors.ts';
import { type EndpointFields, type EndpointRecord, type EndpointRepo, toPublic } from '../store/endpoints.ts';
import { discoverLocalServers } from './discovery.ts';
import { getText, probeEndpoint, readModels } from './probe.ts';
import { verifyEndpoint } from './verify.ts';

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

function refused(error: InferenceError): DomainError {
  return new DomainError('unprocessable', `endpoint_${error.code}`, error.message, { inference: error });
}

/** What the verification of a server before saving it found; a refusal is thrown instead. */
export async function verifyOrRefuse(target: {
  baseUrl: string;
  apiKey?: string | null | undefined;
  model?: string | null | undefined;
  timeoutMs: number;
}): Promise<EndpointVerification> {
  const result = await verifyEndpoint({
    baseUrl: target.baseUrl,
    apiKey: target.apiKey ?? undefined,
    model: target.model ?? undefined,
    timeoutMs: target.timeoutMs,
  });
  if (!result.ok) throw refused(result.error);
  return result.verification;
}

/**
 * The endpoint registry as users change it: registering and editing verify the server first (unless told not
 * to), names are unique, endpoints declared at start-up are read-only, and local servers are discovered.
 */
export class EndpointService {
  private lastScan: DiscoveredServer[] = [];
  private scanning: Promise<DiscoveredServer[]> | null = null;

  constructor(
    private readonly repo: EndpointRepo,
    private readonly declared: readonly EndpointInputParsed[],
  ) {}

  /**
   * Declared endpoints (config file or TRELLIS_ENDPOINTS) are upserted by name at start-up. One declared without a
   * default model (the short form `name=url`) gets the model its server serves, when it serves exactly one; the
   * promise settles once those servers have answered or timed out.
   */
  async seedDeclared(): Promise<void> {
    const unnamed: { id: string; fields: EndpointFields }[] = [];
    for (const input of this.declared) {
      const declared = fieldsFromInput(input, 'config');
      const existing = await this.repo.getByName(input.name);
      // A declaration without a model keeps the one found last time until the server answers again: runs
      // resumed at start-up must not find their endpoint without a model in the meantime.
      const fields =
        declared.defaultModel === null && existing?.baseUrl === declared.baseUrl
          ? { ...declared, defaultModel: existing.defaultModel }
          : declared;
      const record = existing ? await this.repo.update(existing.id, fields) : await this.repo.create(fields);
      if (declared.defaultModel === null) unnamed.push({ id: record.id, fields });
    }
    await Promise.all(
      unnamed.map(async ({ id, fields }) => {
        const url = `${fields.baseUrl.replace(/\/+$/, '')}/models`;
        const answer = await getText(url, fields.apiKey, fields.timeouts.connectMs);
        const models = answer.ok && answer.status === 200 ? readModels(answer.body) : null;
        if (models?.length === 1) await this.repo.update(id, { ...fields, defaultModel: models[0]!.id });
      }),
    );
  }

  async get(id: string): Promise<EndpointRecord> {
    const record = await this.repo.get(id);
    if (!record) throw new DomainError('not_found', 'not_found', `endpoint '${id}' does not exist`);
    return record;
  }

  async register(input: EndpointInputParsed): Promise<SavedEndpoint> {
    await this.nameFree(input.name);
    const fields = fieldsFromInput(input, 'store');
    const verification = input.verify
      ? await verifyOrRefuse({ ...fields, model: fields.defaultModel, timeoutMs: fields.timeouts.connectMs })
      : null;
    // Checked again: another registration may have taken the name while this one was being verified.
    await this.nameFree(input.name);
    return { ...toPublic(await this.repo.create(fields)), verification };
  }

  /** Applies a patch; the server is verified again when the address, the key or the model changed. */
  async edit(id: string, patch: z.output<typeof EndpointPatch>): Promise<SavedEndpoint> {
    const current = await this.get(id);
    this.editable(current);
    if (patch.name !== undefined) await this.nameFree(patch.name, id);
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
    const verification =
      patch.verify !== false && connectionChanged
        ? await verifyOrRefuse({ ...next, model: next.defaultModel, timeoutMs: next.timeouts.connectMs })
        : null;
    return { ...toPublic(await this.repo.update(id, next)), verification };
  }

  async remove(id: string): Promise<void> {
    this.editable(await this.get(id));
    await this.repo.delete(id);
  }

  async health(id: string): Promise<EndpointHealth> {
    const record = await this.get(id);
    return probeEndpoint({
      baseUrl: record.baseUrl,
      apiKey: record.apiKey ?? undefined,
      kind: record.kind,
      timeoutMs: Math.min(record.timeouts.connectMs, 5_000),
    });
  }

  /** Looks for servers on the usual local ports; one scan at a time. */
  scan(): Promise<DiscoveredServer[]> {
    this.scanning ??= discoverLocalServers({})
      .then((found) => {
        this.lastScan = found;
        return this.discovered();
      })
      .finally(() => {
        this.scanning = null;
      });
    return this.scanning;
  }

  /** What the last scan found, each marked as registered or not as of now. */
  async discovered(): Promise<DiscoveredServer[]> {
    const registered = new Set((await this.repo.list()).map((e) => e.baseUrl));
    return this.lastScan.map((server) => ({ ...server, registered: registered.has(server.baseUrl) }));
  }

  private editable(record: EndpointRecord): void {
    if (record.source === 'config') {
      throw new DomainError(
        'conflict',
        'declared_in_config',
        `endpoint '${record.name}' is declared at start-up (TRELLIS_ENDPOINTS or TRELLIS_CONFIG); change it there`,
      );
    }
  }

  private async nameFree(name: string, exceptId?: string): Promise<void> {
    const other = await this.repo.getByName(name);
    if (other && other.id !== exceptId) {
      throw new DomainError('conflict', 'name_taken', `an endpoint named '${other.name}' already exists`);
    }
  }
}
