import type { ModelChoice } from '@trellis/shared';
import { useMemo } from 'react';
import { useEndpoints } from '../api/endpoints.ts';
import { endpointName } from '../inspector/endpointName.ts';
import { useServedModelsOf } from '../inspector/useServedModels.ts';
import { modelKey } from './searchDraft.ts';

export interface ModelOption {
  key: string;
  choice: ModelChoice;
  label: string;
  endpointLabel: string;
}

/**
 * Every model a model knob may choose: each registered endpoint's served models (its default model alone while
 * its probe is pending), and each endpoint's default model, for the declared cost of nodes bound to it.
 */
export function useModelChoices(): {
  options: ModelOption[];
  endpointModels: Record<string, string | null>;
  endpointLabel: (id: string) => string;
} {
  const endpoints = useEndpoints();
  const served = useServedModelsOf((endpoints.data ?? []).map((e) => e.id));
  return useMemo(() => {
    const options: ModelOption[] = [];
    const endpointModels: Record<string, string | null> = {};
    const labels = new Map<string, string>();
    for (const endpoint of endpoints.data ?? []) {
      endpointModels[endpoint.id] = endpoint.defaultModel;
      const name = endpointName(endpoint, served.get(endpoint.id));
      labels.set(endpoint.id, name);
      const models =
        served.get(endpoint.id)?.map((m) => m.id) ?? (endpoint.defaultModel ? [endpoint.defaultModel] : []);
      for (const model of models) {
        const choice = { endpointId: endpoint.id, model };
        options.push({ key: modelKey(choice), choice, label: model, endpointLabel: name });
      }
    }
    return { options, endpointModels, endpointLabel: (id: string) => labels.get(id) ?? id };
  }, [endpoints.data, served]);
}
