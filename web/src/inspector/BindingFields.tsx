import { callsModel, type Graph, type GraphNode, type LlmBinding } from '@trellis/shared';
import { useEndpoints } from '../api/endpoints.ts';
import { EndpointSelect } from './EndpointSelect.tsx';
import { ModelSelect } from './ModelSelect.tsx';

/** Where an LLM node sends its requests: an endpoint from the registry and one of the models it serves. */
export function BindingFields({
  llm,
  defaults,
  onChange,
  issuesFor,
}: {
  llm: LlmBinding;
  defaults: Graph['defaults'];
  onChange: (llm: LlmBinding) => void;
  issuesFor: (field: string) => string[];
}) {
  const endpoints = useEndpoints().data ?? [];
  const nameOf = (id: string) => endpoints.find((e) => e.id === id)?.name ?? id;
  const effectiveEndpoint = llm.endpointId ?? defaults.endpointId;
  const endpointDefault = endpoints.find((e) => e.id === effectiveEndpoint)?.defaultModel ?? null;
  const modelDefault = llm.endpointId
    ? `Endpoint default${endpointDefault ? ` (${endpointDefault})` : ''}`
    : `Graph default${defaults.model ? ` (${defaults.model})` : endpointDefault ? ` (${endpointDefault})` : ''}`;
  return (
    <div className="binding">
      <EndpointSelect
        value={llm.endpointId}
        emptyLabel={
          defaults.endpointId ? `Graph default (${nameOf(defaults.endpointId)})` : 'Graph default (none set)'
        }
        issues={issuesFor('config.llm.endpointId')}
        onChange={(endpointId) =>
          onChange({ ...llm, endpointId, model: endpointId === llm.endpointId ? llm.model : null })
        }
      />
      <ModelSelect
        endpointId={effectiveEndpoint}
        value={llm.model}
        defaultLabel={modelDefault}
        onChange={(model) => onChange({ ...llm, model })}
      />
    </div>
  );
}

export function llmOf(node: GraphNode): LlmBinding | null {
  return callsModel(node) ? node.config.llm : null;
}
