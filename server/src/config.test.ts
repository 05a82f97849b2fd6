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
