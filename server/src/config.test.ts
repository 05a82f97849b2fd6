import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('binds loopback by default', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(4317);
  });

  it('refuses to bind beyond loopback without an access token', () => {
    expect(() => loadConfig({ TRELLIS_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRELLIS_HOST: '0.0.0.0' })).toThrow(/TRELLIS_ACCESS_TOKEN/);
    expect(loadConfig({ TRELLIS_HOST: '0.0.0.0', TRELLIS_ACCESS_TOKEN: 's3cret' }).accessToken).toBe(
      's3cret',
    );
  });

  it('reads how many runs at once and requests per endpoint it allows, and refuses a bad number naming the setting', () => {
    expect(loadConfig({})).not.toHaveProperty('perEndpointRequests');
    const config = loadConfig({ TRELLIS_MAX_RUNS: '128', TRELLIS_ENDPOINT_REQUESTS: '96' });
    expect([config.maxConcurrentRuns, config.perEndpointRequests]).toEqual([128, 96]);
    expect(() => loadConfig({ TRELLIS_ENDPOINT_REQUESTS: '0' })).toThrow(/TRELLIS_ENDPOINT_REQUESTS.*'0'/);
    expect(() => loadConfig({ TRELLIS_MAX_RUNS: 'many' })).toThrow(ConfigError);
  });

  it('reads endpoints declared as name=url pairs', () => {
    const config = loadConfig({
      TRELLIS_ENDPOINTS: 'gpu=http://gpu-host:8000/v1/,local=http://127.0.0.1:11434/v1',
    });
    expect(config.endpoints.map((e) => [e.name, e.baseUrl])).toEqual([
      ['gpu', 'http://gpu-host:8000/v1'],
      ['local', 'http://127.0.0.1:11434/v1'],
    ]);
  });

  it('reads endpoints declared as JSON and names a bad field', () => {
    const config = loadConfig({
      TRELLIS_ENDPOINTS: JSON.stringify([
        { name: 'vllm', baseUrl: 'http://gpu-host:8000/v1', kind: 'vllm', apiKey: 'k' },
      ]),
    });
    expect(config.endpoints[0]?.kind).toBe('vllm');
    expect(() => loadConfig({ TRELLIS_ENDPOINTS: '[{"name":"x","baseUrl":"nope"}]' })).toThrow(/0\.baseUrl/);
    expect(() => loadConfig({ TRELLIS_ENDPOINTS: 'just-a-name' })).toThrow(/expected name=url/);
  });

  it('serves the web app built into web/dist unless TRELLIS_WEB_DIST names another build', () => {
    expect(loadConfig({}).webDist).toMatch(/web[/\\]dist$/);
    expect(loadConfig({ TRELLIS_WEB_DIST: '/srv/trellis-ui' }).webDist).toBe('/srv/trellis-ui');
  });

  it('rejects a port that is not a number', () => {
    expect(() => loadConfig({ TRELLIS_PORT: 'eighty' })).toThrow(/TRELLIS_PORT/);
  });
});

describe('trace export configuration', () => {
  it('is off unless an OTLP endpoint is set', () => {
    expect(loadConfig({}).otlp).toBeNull();
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).otlp,
    ).toBeNull();
  });

  it('reads the endpoint, headers and content switch, service name trellis', () => {
    const config = loadConfig({
      TRELLIS_OTLP_ENDPOINT: 'https://cloud.langfuse.com/api/public/otel/v1/traces',
      TRELLIS_OTLP_HEADERS: 'Authorization=Basic%20cGs6c2s=, x-scope = team-a',
      TRELLIS_OTLP_CONTENT: '1',
    });
    expect(config.otlp).toEqual({
      endpoint: 'https://cloud.langfuse.com/api/public/otel/v1/traces',
      headers: { Authorization: 'Basic cGs6c2s=', 'x-scope': 'team-a' },
      content: true,
      serviceName: 'trellis',
    });
    expect(loadConfig({ TRELLIS_OTLP_ENDPOINT: 'http://collector:4318/v1/traces' }).otlp?.content).toBe(
      false,
    );
  });

  it('falls back to the standard OpenTelemetry variables, appending /v1/traces to the base endpoint', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otlp?.endpoint).toBe(
      'http://collector:4318/v1/traces',
    );
    const config = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://phoenix:6006/v1/traces',
      OTEL_EXPORTER_OTLP_HEADERS: 'api_key=a,shared=standard',
      TRELLIS_OTLP_HEADERS: 'shared=trellis',
    });
    expect(config.otlp?.endpoint).toBe('http://phoenix:6006/v1/traces');
    expect(config.otlp?.headers).toEqual({ api_key: 'a', shared: 'trellis' });
  });

  it('refuses a bad endpoint or header list without repeating a secret', () => {
    expect(() => loadConfig({ TRELLIS_OTLP_ENDPOINT: 'sk-secret-token' })).toThrow(/TRELLIS_OTLP_ENDPOINT/);
    expect(() => loadConfig({ TRELLIS_OTLP_ENDPOINT: 'sk-secret-token' })).not.toThrow(/sk-secret/);
    expect(() => loadConfig({ TRELLIS_OTLP_ENDPOINT: 'http://user:sk-secret@collector:4318' })).toThrow(
      /carries credentials/,
    );
    const headers = () =>
      loadConfig({
        TRELLIS_OTLP_ENDPOINT: 'http://collector:4318/v1/traces',
        TRELLIS_OTLP_HEADERS: 'sk-secret',
      });
    expect(headers).toThrow(/TRELLIS_OTLP_HEADERS: entry 1 is not name=value/);
    expect(headers).not.toThrow(/sk-secret/);
  });
});

describe('accounts configuration', () => {
  it('is single-user unless TRELLIS_AUTH=accounts', () => {
    expect(loadConfig({}).auth).toBe('single-user');
    expect(loadConfig({ TRELLIS_AUTH: 'accounts' }).auth).toBe('accounts');
    expect(() => loadConfig({ TRELLIS_AUTH: 'ldap' })).toThrow(
      "TRELLIS_AUTH must be single-user or accounts, got 'ldap'",
    );
  });

  it('lets a team server with accounts bind beyond loopback without an access token, and uses none given', () => {
    expect(loadConfig({ TRELLIS_HOST: '0.0.0.0', TRELLIS_AUTH: 'accounts' }).host).toBe('0.0.0.0');
    const both = loadConfig({
      TRELLIS_HOST: '0.0.0.0',
      TRELLIS_AUTH: 'accounts',
      TRELLIS_ACCESS_TOKEN: 's3cret',
    });
    expect(both).toMatchObject({ accessToken: null, accessTokenIgnored: true });
    expect(loadConfig({ TRELLIS_ACCESS_TOKEN: 's3cret' })).not.toHaveProperty('accessTokenIgnored');
  });

  it('reads the first admin password only in accounts mode, refusing a short one without repeating it', () => {
    const password = 'a long enough secret';
    expect(loadConfig({ TRELLIS_AUTH: 'accounts', TRELLIS_ADMIN_PASSWORD: password }).adminPassword).toBe(
      password,
    );
    expect(() => loadConfig({ TRELLIS_ADMIN_PASSWORD: password })).toThrow(
      /only used with TRELLIS_AUTH=accounts/,
    );
    let message = '';
    try {
      loadConfig({ TRELLIS_AUTH: 'accounts', TRELLIS_ADMIN_PASSWORD: 'short1' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('TRELLIS_ADMIN_PASSWORD: a password has at least 10 characters');
  });
});
